"""A partner's contacts and their cards: getContacts, getContact, getCards, getCard,
updateCard. Contacts, cards and sessions of other partners answer NOT_FOUND."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from services.core.api.gpjoule import parsers, renderers
from services.core.api.gpjoule.context import as_partner
from services.core.services import partner_data

query = QueryType()
mutation = MutationType()


@query.field("getContacts")
async def resolve_contacts(_obj: Any, info: GraphQLResolveInfo, offset: int | None = None,
                           limit: int | None = None) -> list[dict[str, Any]]:  # fmt: skip
    off, lim = parsers.page(offset, limit)
    contacts, _total = await as_partner(info, partner_data.contacts_page, off, lim)
    return [renderers.contact(c) for c in contacts]


@query.field("getContact")
async def resolve_contact(_obj: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    return renderers.contact(await as_partner(info, partner_data.contact, id, "id"))


@query.field("getCards")
async def resolve_cards(_obj: Any, info: GraphQLResolveInfo, contactId: str,
                        active: bool | None = None, offset: int | None = None,
                        limit: int | None = None) -> list[dict[str, Any]]:  # fmt: skip
    off, lim = parsers.page(offset, limit)
    rows = await as_partner(info, partner_data.cards_of_contact, contactId,
                            active_only=bool(active), offset=off, limit=lim,
                            field="contactId")  # fmt: skip
    return [renderers.card(r) for r in rows]


@query.field("getCard")
async def resolve_card(_obj: Any, info: GraphQLResolveInfo, tagId: str) -> dict[str, Any]:
    return renderers.card(await as_partner(info, partner_data.card, tagId, "tagId"))


@mutation.field("updateCard")
async def resolve_update_card(_obj: Any, info: GraphQLResolveInfo, tagId: str,
                              name: str | None = None, active: bool | None = None
                              ) -> dict[str, Any]:  # fmt: skip
    row = await as_partner(info, partner_data.update_card, tagId, name, active,
                           tag_field="tagId", name_field="name")  # fmt: skip
    return renderers.card(row)


bindables = [query, mutation]
