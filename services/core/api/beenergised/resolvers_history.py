"""History: chargelogsPaged, chargelog, chargingStatistics, chargelogMeterValuesSummary.

The signed-in user's sessions only (another user's chargelog id is NOT_FOUND). Status
values, filters, time frames and live figures: ``services.core.domain.history``.
``Chargelog.connector`` is the connector as ``services.core.store.stations`` returns it,
which the station resolvers render as ``Connector``.
"""

from __future__ import annotations

from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised import renderers
from services.core.api.beenergised.context import core, viewer
from services.core.api.beenergised.userdata import page_args, paged
from services.core.services import charging as charging_service
from services.core.services import history as history_service

query = QueryType()


def _chargelog(s: dict[str, Any]) -> dict[str, Any]:
    log = renderers.chargelog(s)
    log["connector"] = s["connector"]
    return log


@query.field("chargelogsPaged")
async def resolve_chargelogs(_obj: Any, info: GraphQLResolveInfo,
                             pagination: dict | None = None, type: str | None = None,
                             filters: dict | None = None, timeframe: dict | None = None
                             ) -> dict[str, Any]:
    # ChargeLogType has the single value "contact": the user's own chargelogs, the only
    # scope there is.
    limit, offset = page_args(pagination)
    status = (filters or {}).get("status")
    who = await viewer(info)
    rows, total = await history_service.sessions_page(
        core(info), who.user_id, limit=limit, offset=offset, status=status,
        timeframe=timeframe)
    return paged([_chargelog(s) for s in rows], total, limit, offset)


@query.field("chargelog")
async def resolve_chargelog(_obj: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    who = await viewer(info)
    return _chargelog(await history_service.session(core(info), who.user_id, id))


@query.field("chargingStatistics")
async def resolve_statistics(_obj: Any, info: GraphQLResolveInfo,
                             timeframe: dict | None = None) -> dict[str, Any]:
    who = await viewer(info)
    return renderers.statistics(
        await history_service.statistics(core(info), who.user_id, timeframe))


@query.field("chargelogMeterValuesSummary")
async def resolve_meter_summary(_obj: Any, info: GraphQLResolveInfo, uuid: str
                                ) -> dict[str, Any]:
    who = await viewer(info)
    return renderers.meter_summary(
        await charging_service.live_meter(core(info), who.user_id, uuid))


bindables = [query]
