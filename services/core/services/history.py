"""A user's charging history: sessions (paged, filtered) with their connectors, statistics."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from services.core.domain import history
from services.core.services.charging import flush
from services.core.store import connectors as connector_store

if TYPE_CHECKING:
    from services.core.state import Core


def _with_connectors(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    """Sessions with ``connector`` replaced by the connector row (as the store returns it)."""
    connectors = {c["id"]: c for c in connector_store.connectors_by_ids(
        conn, list({r["connector_id"] for r in rows}))}
    out = []
    for row in rows:
        s = history.session_dict(conn, row)
        s["connector"] = connectors.get(row["connector_id"])
        out.append(s)
    return out


def _page(conn: sqlite3.Connection, user_id: int, limit: int, offset: int,
          status: str | None, timeframe: dict | None) -> tuple[list[dict[str, Any]], int]:
    rows, total = history.list_sessions(conn, user_id, limit=limit, offset=offset,
                                        status=status, timeframe=timeframe)
    return _with_connectors(conn, rows), total


def _one(conn: sqlite3.Connection, user_id: int, ident: str) -> dict[str, Any]:
    return _with_connectors(conn, [history.get_session(conn, user_id, ident)])[0]


async def sessions_page(core: Core, user_id: int, *, limit: int, offset: int,
                        status: str | None, timeframe: dict | None
                        ) -> tuple[list[dict[str, Any]], int]:
    """(sessions, total), newest first; ``status`` started | stopped; ``timeframe`` with
    optional ``start`` / ``end``."""
    await flush(core)
    return await core.db(_page, user_id, limit, offset, status, timeframe)


async def session(core: Core, user_id: int, ident: str) -> dict[str, Any]:
    await flush(core)
    return await core.db(_one, user_id, ident)


async def statistics(core: Core, user_id: int, timeframe: dict | None) -> dict[str, Any]:
    return await core.db(history.statistics, user_id, timeframe)
