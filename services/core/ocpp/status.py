"""Store functions of the OCPP side: station identity, connection flag, boot data.

Connector status itself goes through ``services.core.domain.status.publish_connector_status``
(H1), which stores it, derives the calculated/simple forms and feeds ``feedStatusUpdate``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.store.db import transaction


def record_station_status(
    conn: sqlite3.Connection, station_id: int, ocpp_status: str, ts: str
) -> None:
    """StatusNotification for connectorId 0: the charge point as a whole."""
    with transaction(conn):
        conn.execute(
            "UPDATE stations SET ocpp_status = ?, last_seen = ? WHERE id = ?",
            (ocpp_status, ts, station_id),
        )


def connectors_of(conn: sqlite3.Connection, station_id: int) -> list[dict[str, Any]]:
    """(id, OCPP connectorId, last OCPP status) of a station's connectors."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT id, sort_order, ocpp_status FROM connectors WHERE station_id = ?",
            (station_id,),
        )
    ]


def set_connected(conn: sqlite3.Connection, station_id: int, connected: bool, ts: str) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE stations SET connected = ?, last_seen = ? WHERE id = ?",
            (int(connected), ts, station_id),
        )


def reset_connected(conn: sqlite3.Connection) -> int:
    """At core start nobody is connected yet, whatever a crashed run left behind."""
    with transaction(conn):
        return conn.execute("UPDATE stations SET connected = 0 WHERE connected = 1").rowcount


def station_for_identity(conn: sqlite3.Connection, identity: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT id, uuid, ocpp_password_hash FROM stations WHERE uuid = ?", (identity,)
    ).fetchone()
    return dict(row) if row is not None else None


def record_boot(
    conn: sqlite3.Connection,
    station_id: int,
    vendor: str,
    model: str,
    firmware: str | None,
    ts: str,
) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE stations SET vendor = ?, model = ?, firmware = ?, last_seen = ? WHERE id = ?",
            (vendor, model, firmware, ts, station_id),
        )
