"""Store functions mapping OCPP transactionIds to sessions, scoped to one charge point.

A session's transactionId is drawn at random from the positive 31-bit integers (OCPP 1.6
types it as integer; many chargers keep it in an int32), so a charger cannot name another
charger's transaction by counting. Every lookup is scoped to the asking station: a charger
can only reach transactions it was given.
"""

from __future__ import annotations

import secrets
import sqlite3
from typing import Any

from services.core.store.db import transaction

TX_ID_MAX = 2**31 - 1


def assign(conn: sqlite3.Connection, session_id: int) -> int:
    """The session's transactionId, drawn once (a repeated StartTransaction gets the same)."""
    if not session_id:
        return 0
    with transaction(conn):
        row = conn.execute(
            "SELECT ocpp_tx_id FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None:
            return 0
        if row[0]:
            return int(row[0])
        while True:
            tx = secrets.randbelow(TX_ID_MAX) + 1
            try:
                conn.execute("UPDATE sessions SET ocpp_tx_id = ? WHERE id = ?", (tx, session_id))
            except sqlite3.IntegrityError:
                continue  # drawn twice: draw again
            return tx


def session_of(
    conn: sqlite3.Connection, station_id: int, tx: int
) -> dict[str, Any] | None:
    """The session behind ``tx`` on this station (with its OCPP connectorId), else None."""
    row = conn.execute(
        "SELECT s.id, s.state, s.connector_id, s.meter_start, s.date_start,"
        " c.sort_order AS connector_no, c.max_power_kw"
        " FROM sessions s JOIN connectors c ON c.id = s.connector_id"
        " WHERE s.ocpp_tx_id = ? AND s.station_id = ?",
        (tx, station_id),
    ).fetchone()
    return dict(row) if row is not None else None


def tx_of_session(conn: sqlite3.Connection, session_id: int) -> int:
    row = conn.execute("SELECT ocpp_tx_id FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return int(row[0]) if row is not None and row[0] else session_id


def last_reading(conn: sqlite3.Connection, session_id: int) -> tuple[str, int] | None:
    """(ts, Wh) of the newest stored energy reading of a session."""
    row = conn.execute(
        "SELECT ts, energy_wh FROM meter_values WHERE session_id = ? AND energy_wh IS NOT NULL"
        " ORDER BY ts DESC, id DESC LIMIT 1",
        (session_id,),
    ).fetchone()
    return (row[0], int(row[1])) if row is not None else None
