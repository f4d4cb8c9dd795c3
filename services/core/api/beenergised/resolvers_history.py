"""History: chargelogsPaged, chargelog, chargingStatistics, chargelogMeterValuesSummary.

The signed-in user's sessions only (another user's chargelog id is NOT_FOUND). Status
values, filters, time frames and live figures: ``services.core.domain.history``.
``Chargelog.connector`` is the connector as ``services.core.store.stations`` returns it,
which the station resolvers render as ``Connector``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised.context import core
from services.core.api.beenergised.userdata import as_user, page_args, paged
from services.core.domain import history
from services.core.services import charging as charging_service
from services.core.store import stations as station_store

query = QueryType()


async def _fresh(info: GraphQLResolveInfo) -> None:
    """Write meter values the OCPP central system still buffers (it batches them), so live
    figures show the newest reading. Same as the charging module's summary resolver; which
    of the two binds chargelogMeterValuesSummary last does not matter."""
    await charging_service.flush(core(info))


def _with_connectors(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict]:
    connectors = {c["id"]: c for c in station_store.connectors_by_ids(
        conn, list({r["connector_id"] for r in rows}))}
    out = []
    for row in rows:
        log = history.chargelog_dict(conn, row)
        log["connector"] = connectors.get(row["connector_id"])
        out.append(log)
    return out


def _page(conn: sqlite3.Connection, user_id: int, limit: int, offset: int,
          status: str | None, timeframe: dict | None) -> dict[str, Any]:
    rows, total = history.list_sessions(conn, user_id, limit=limit, offset=offset,
                                        status=status, timeframe=timeframe)
    return paged(_with_connectors(conn, rows), total, limit, offset)


@query.field("chargelogsPaged")
async def resolve_chargelogs(_obj: Any, info: GraphQLResolveInfo,
                             pagination: dict | None = None, type: str | None = None,
                             filters: dict | None = None, timeframe: dict | None = None
                             ) -> dict[str, Any]:
    # ChargeLogType has the single value "contact": the user's own chargelogs, the only
    # scope there is.
    limit, offset = page_args(pagination)
    status = (filters or {}).get("status")
    await _fresh(info)
    return await as_user(info, _page, limit, offset, status, timeframe)


def _one(conn: sqlite3.Connection, user_id: int, ident: str) -> dict[str, Any]:
    return _with_connectors(conn, [history.get_session(conn, user_id, ident)])[0]


@query.field("chargelog")
async def resolve_chargelog(_obj: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    await _fresh(info)
    return await as_user(info, _one, id)


@query.field("chargingStatistics")
async def resolve_statistics(_obj: Any, info: GraphQLResolveInfo,
                             timeframe: dict | None = None) -> dict[str, Any]:
    return await as_user(info, history.statistics, timeframe)


@query.field("chargelogMeterValuesSummary")
async def resolve_meter_summary(_obj: Any, info: GraphQLResolveInfo, uuid: str
                                ) -> dict[str, Any]:
    await _fresh(info)
    return await as_user(info, history.meter_summary, uuid)


bindables = [query]
