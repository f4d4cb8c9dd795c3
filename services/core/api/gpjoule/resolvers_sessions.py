"""Charging sessions of a partner's contacts: getChargingSession, getChargingSessions."""

from __future__ import annotations

from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from services.core.api.gpjoule import parsers, renderers
from services.core.api.gpjoule.context import as_partner, core
from services.core.services import partner_data
from services.core.services.charging import flush

query = QueryType()


@query.field("getChargingSession")
async def resolve_session(_obj: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    await flush(core(info))  # meter values still buffered are part of the answer
    return renderers.session(await as_partner(info, partner_data.session, id, "id"))


@query.field("getChargingSessions")
async def resolve_sessions(_obj: Any, info: GraphQLResolveInfo, contactId: str,
                           tagId: str | None = None, active: bool | None = None,
                           offset: int | None = None, limit: int | None = None
                           ) -> list[dict[str, Any]]:  # fmt: skip
    off, lim = parsers.page(offset, limit)
    await flush(core(info))
    rows = await as_partner(info, partner_data.sessions_of_contact, contactId, tag_id=tagId,
                            active_only=bool(active), offset=off, limit=lim,
                            field="contactId")  # fmt: skip
    return [renderers.session(s) for s in rows]


bindables = [query]
