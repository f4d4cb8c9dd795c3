"""Connector status: stored with the station's status in one transaction, simple forms."""

from __future__ import annotations

import sqlite3

import pytest

from services.core.domain import status
from tests import factories as f


@pytest.fixture
def station(conn: sqlite3.Connection) -> dict:
    op = f.operator(conn)
    site, _ = f.site(conn, op, 52.5, 13.4)
    return f.station(conn, site, op, 52.5, 13.4,
                     [{"plug": "TYPE2", "current": "AC", "power": 22},
                      {"plug": "CCS", "current": "DC", "power": 150}])


def _row(conn: sqlite3.Connection, table: str, ident: int) -> sqlite3.Row:
    return conn.execute(f"SELECT * FROM {table} WHERE id = ?", (ident,)).fetchone()


def test_derive_maps_ocpp_statuses() -> None:
    assert status.derive("Charging") == ("Charging", "Occupied")
    assert status.derive("SuspendedEV") == ("SuspendedEV", "Occupied")
    assert status.derive("Faulted") == ("Faulted", "Faulted")
    assert status.derive("Available", connected=False) == ("Unknown", "Unavailable")
    assert status.simple_connector("UNKNOWN") == "Unavailable"
    assert status.simple_cp("Faulted") == "Unavailable"


def test_station_status_follows_connectors(conn: sqlite3.Connection, station: dict) -> None:
    a, b = station["connector_ids"]
    event = status.set_connector_status(conn, a, "Charging", "Charging", "Occupied",
                                        now="2026-01-01T10:00:00.000Z")
    assert event is not None and event.simple == "Occupied"
    assert _row(conn, "connectors", a)["status_since"] == "2026-01-01T10:00:00.000Z"
    assert _row(conn, "stations", station["id"])["simple_status"] == "Available"  # b free
    status.set_connector_status(conn, b, "Faulted", "Faulted", "Faulted")
    assert _row(conn, "stations", station["id"])["simple_status"] == "Occupied"
    status.set_connector_status(conn, a, "Unavailable", "Unavailable", "Unavailable")
    assert _row(conn, "stations", station["id"])["simple_status"] == "Unavailable"


def test_status_since_moves_only_on_change(conn: sqlite3.Connection, station: dict) -> None:
    a = station["connector_ids"][0]
    status.set_connector_status(conn, a, "Preparing", "Preparing", "Occupied", now="T1")
    status.set_connector_status(conn, a, "Charging", "Charging", "Occupied", now="T2")
    row = _row(conn, "connectors", a)
    assert (row["ocpp_status"], row["status_since"]) == ("Charging", "T1")


def test_unknown_connector_and_bad_simple(conn: sqlite3.Connection, station: dict) -> None:
    assert status.set_connector_status(conn, 424242, "Available", "Available", "Available") is None
    with pytest.raises(ValueError, match="simple"):
        status.set_connector_status(conn, station["connector_ids"][0], "x", "x", "Charging")
