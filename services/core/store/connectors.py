"""Connectors: identity lookups and the per-station connection flag the charging rules read."""

from __future__ import annotations

import sqlite3


def id_by_ref(conn: sqlite3.Connection, ref: str) -> int | None:
    """A connector's id from its numeric id or its EVSE id."""
    row = None
    if ref.isascii() and ref.isdigit() and len(ref) < 19:  # an id SQLite can hold
        row = conn.execute("SELECT id FROM connectors WHERE id = ?", (int(ref),)).fetchone()
    if row is None:
        row = conn.execute("SELECT id FROM connectors WHERE evse_id = ?", (ref,)).fetchone()
    return int(row["id"]) if row is not None else None


def station_connected(conn: sqlite3.Connection, station_id: int) -> bool:
    row = conn.execute("SELECT connected FROM stations WHERE id = ?", (station_id,)).fetchone()
    return bool(row and row[0])
