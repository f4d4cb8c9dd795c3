"""Connectors: rows (with their tariff's prices) by id, EVSE id and station; identity
lookups; the per-station connection flag the charging rules read."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from services.core.store.rows import chunks, dict_rows, rows_by_key


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


_CONNECTOR_COLS = (
    "c.*, s.uuid AS station_uuid, t.name AS tariff_name, t.currency AS tariff_currency,"
    " t.start_fee, t.per_kwh, t.per_minute, t.parking_per_minute, t.parking_grace_minutes,"
    " t.tax_rate"
)
_CONNECTOR_FROM = (
    "connectors c JOIN stations s ON s.id = c.station_id LEFT JOIN tariffs t ON t.id = c.tariff_id"
)


def connectors_of_stations(
    conn: sqlite3.Connection, station_ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """Connectors (with their tariff's prices) per station id, by sort order; one query
    per 500 stations, so a page of stations never costs a query per station."""
    out: dict[int, list[dict[str, Any]]] = {sid: [] for sid in station_ids}
    for chunk in chunks(list(dict.fromkeys(station_ids)), 500):
        marks = ",".join("?" * len(chunk))
        for row in dict_rows(
            conn,
            f"SELECT {_CONNECTOR_COLS} FROM {_CONNECTOR_FROM}"
            f" WHERE c.station_id IN ({marks}) ORDER BY c.station_id, c.sort_order",
            chunk,
        ):
            out[row["station_id"]].append(row)
    return out


def connectors_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    return rows_by_key(
        conn, f"SELECT {_CONNECTOR_COLS} FROM {_CONNECTOR_FROM}", "c.id", "id", ids
    )


def connector_by_id(conn: sqlite3.Connection, connector_id: int) -> dict[str, Any] | None:
    rows = connectors_by_ids(conn, [connector_id])
    return rows[0] if rows else None


def connector_by_evse_id(conn: sqlite3.Connection, evse_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {_CONNECTOR_COLS} FROM {_CONNECTOR_FROM} WHERE c.evse_id = ?", (evse_id,)
    ).fetchone()
    return dict(row) if row else None


def stations_of(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, int]:
    """connector id -> station id for the ids that exist."""
    found: dict[int, int] = {}
    for chunk in chunks(list(ids), 500):
        marks = ",".join("?" * len(chunk))
        found.update(conn.execute(
            f"SELECT id, station_id FROM connectors WHERE id IN ({marks})", chunk).fetchall())
    return found


def pricing(conn: sqlite3.Connection, connector_id: int) -> sqlite3.Row | None:
    """The connector's tariff id and whether it charges free of charge."""
    return conn.execute("SELECT tariff_id, free_of_charge FROM connectors WHERE id = ?",
                        (connector_id,)).fetchone()
