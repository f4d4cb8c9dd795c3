"""Connector and station status from OCPP StatusNotification: store, derive, publish.

The be.ENERGISED ``ConnectorStatus`` has three views of one status: ``ocpp`` (what the
charger said), ``calculated`` (the back end's reading of it) and ``simple``
(``SimpleConnectorStatus``: Available | Occupied | Unavailable | Faulted). Stations get a
``SimpleCpStatus`` (Available | Unavailable | Occupied) derived from their connectors.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.store.db import transaction

_SIMPLE = {
    "Available": "Available",
    "Preparing": "Occupied",
    "Charging": "Occupied",
    "SuspendedEV": "Occupied",
    "SuspendedEVSE": "Occupied",
    "Finishing": "Occupied",
    "Reserved": "Occupied",
    "Unavailable": "Unavailable",
    "Faulted": "Faulted",
}


def simple_status(ocpp_status: str) -> str:
    return _SIMPLE.get(ocpp_status, "Unavailable")


def calculated_status(ocpp_status: str, error_code: str | None) -> str:
    # "calculated" is undocumented beyond its name; we read it as the OCPP status refined by
    # the error code, so a connector that reports Available with an error still shows it.
    if error_code and error_code != "NoError" and ocpp_status != "Faulted":
        return f"{ocpp_status}:{error_code}"
    return ocpp_status


def station_simple_status(connector_simple: list[str]) -> str:
    if any(s == "Available" for s in connector_simple):
        return "Available"
    if any(s == "Occupied" for s in connector_simple):
        return "Occupied"
    return "Unavailable"


def apply_status_notification(
    conn: sqlite3.Connection,
    station_id: int,
    connector_no: int,
    ocpp_status: str,
    error_code: str | None,
    ts: str,
) -> dict[str, Any] | None:
    """Store a StatusNotification in one transaction. Returns the connector's new status
    (for the feed) or None for connectorId 0 / unknown connectors."""
    with transaction(conn):
        if connector_no == 0:
            conn.execute(
                "UPDATE stations SET ocpp_status = ?, calculated_status = ?, last_seen = ?"
                " WHERE id = ?",
                (ocpp_status, calculated_status(ocpp_status, error_code), ts, station_id),
            )
            return None
        row = conn.execute(
            "SELECT id, ocpp_status FROM connectors WHERE station_id = ? AND sort_order = ?",
            (station_id, connector_no),
        ).fetchone()
        if row is None:
            return None
        simple = simple_status(ocpp_status)
        calc = calculated_status(ocpp_status, error_code)
        conn.execute(
            "UPDATE connectors SET ocpp_status = ?, calculated_status = ?, simple_status = ?,"
            " status_since = CASE WHEN ocpp_status IS ? THEN status_since ELSE ? END"
            " WHERE id = ?",
            (ocpp_status, calc, simple, ocpp_status, ts, row["id"]),
        )
        sims = [
            r[0]
            for r in conn.execute(
                "SELECT simple_status FROM connectors WHERE station_id = ?", (station_id,)
            )
        ]
        conn.execute(
            "UPDATE stations SET simple_status = ?, last_seen = ? WHERE id = ?",
            (station_simple_status(sims), ts, station_id),
        )
        return {
            "connector_id": int(row["id"]),
            "previous": row["ocpp_status"],
            "ocpp": ocpp_status,
            "calculated": calc,
            "simple": simple,
        }


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
