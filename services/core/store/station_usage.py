"""How often stations were used and which stations a user used last."""

from __future__ import annotations

import sqlite3


def usage(conn: sqlite3.Connection, station_id: int, since_7: str, since_30: str
          ) -> sqlite3.Row | None:  # fmt: skip
    """(n7, n30, last) of sessions that started at the station; None for no station."""
    if conn.execute("SELECT 1 FROM stations WHERE id = ?", (station_id,)).fetchone() is None:
        return None
    return conn.execute(
        "SELECT COALESCE(SUM(date_start >= ?), 0) AS n7, COALESCE(SUM(date_start >= ?), 0)"
        " AS n30, MAX(date_start) AS last FROM sessions WHERE station_id = ?"
        " AND date_start IS NOT NULL",
        (since_7, since_30, station_id),
    ).fetchone()


def recent_station_ids(conn: sqlite3.Connection, user_id: int, limit: int) -> list[int]:
    """The stations of the user's latest sessions, newest first, each once."""
    return [r[0] for r in conn.execute(
        "SELECT station_id FROM sessions WHERE user_id = ? GROUP BY station_id"
        " ORDER BY MAX(COALESCE(date_start, created_at)) DESC LIMIT ?", (user_id, limit))]
