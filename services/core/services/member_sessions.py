"""Charging sessions of a partner's members as a partner reads them by numeric id (AMPECO
sessions, consumption statistics and authorizations).

Each session carries its live figures (``history.session_dict``: energy, cost), the card's
label, the latest and peak power and SoC from its meter values, and whether a remote start
asked for it. Sessions of others answer ``NotFound`` like ones that do not exist.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.domain import history
from services.core.domain.errors import NotFound
from services.core.domain.partners import Principal
from services.core.store import member_records
from services.core.store.member_records import Slice

# What the consumption statistics of a finished session show at most (as the document says).
MAX_FINISHED_POINTS = 300
MAX_POINTS = 5000


def _enrich(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [int(r["id"]) for r in rows]
    figures = member_records.meter_figures(conn, ids)
    labels = member_records.card_labels(conn, [int(r["card_id"]) for r in rows if r["card_id"]])
    remote = member_records.remote_started(conn, ids)
    out = []
    for row in rows:
        live = history.session_dict(conn, row)
        out.append({**row, "live": live, "meter": figures.get(int(row["id"]), {}),
                    "card_label": labels.get(row["card_id"]) if row["card_id"] else None,
                    "remote": int(row["id"]) in remote})
    return out


def sessions_page(conn: sqlite3.Connection, principal: Principal, part: Slice, **filters: Any
                  ) -> tuple[list[dict[str, Any]], int | None]:  # fmt: skip
    rows, total = member_records.sessions(conn, principal.partner_id, part, **filters)
    return _enrich(conn, rows), total


def session(conn: sqlite3.Connection, principal: Principal, session_id: int, field: str
            ) -> dict[str, Any]:  # fmt: skip
    found = session_of_partner(conn, principal.partner_id, session_id)
    if found is None:
        raise NotFound(f"{field}: no session {session_id}", field=field)
    return found


def session_of_partner(conn: sqlite3.Connection, partner_id: int, session_id: int
                       ) -> dict[str, Any] | None:  # fmt: skip
    """The session with its live figures if one of the partner's members holds it."""
    row = member_records.session(conn, partner_id, session_id)
    return None if row is None else _enrich(conn, [row])[0]


def consumption(conn: sqlite3.Connection, principal: Principal, session_id: int, field: str
                ) -> list[dict[str, Any]]:  # fmt: skip
    """The session's meter values in time order (``ts``, ``energy_wh`` since the start,
    ``power_w``); a finished session's thinned out evenly to at most 300."""
    found = member_records.session(conn, principal.partner_id, session_id)
    if found is None:
        raise NotFound(f"{field}: no session {session_id}", field=field)
    points = member_records.meter_values(conn, session_id, MAX_POINTS)
    start = found["meter_start"]
    for point in points:
        if point["energy_wh"] is not None and start is not None:
            point["energy_wh"] = max(0, point["energy_wh"] - start)
    if found["state"] in ("finished", "failed") and len(points) > MAX_FINISHED_POINTS:
        step = len(points) / MAX_FINISHED_POINTS
        points = [points[int(i * step)] for i in range(MAX_FINISHED_POINTS - 1)] + [points[-1]]
    return points
