"""Small, explicit store fixtures for tests that need exactly known stations (distances,
plugs, prices) rather than the seeded demo data."""

from __future__ import annotations

import itertools
import json
import sqlite3
import uuid as uuidlib
from typing import Any

from services.core.demo import chargers as demo_chargers
from services.core.store.db import transaction, utcnow

_seq = itertools.count(1)


def operator(conn: sqlite3.Connection, name: str = "Test Energy", party: str = "TST",
             country: str = "DE", phone: str | None = "+49 30 1234567",
             email: str | None = "hotline@test-energy.example") -> int:
    with transaction(conn):
        return conn.execute(
            "INSERT INTO operators(name, party_id, country, phone, email, website)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (name, party, country, phone, email, "https://test-energy.example"),
        ).lastrowid


def tariff(conn: sqlite3.Connection, per_kwh: float = 0.49, start_fee: float = 0.0,
           per_minute: float = 0.0, name: str = "Standard") -> int:
    with transaction(conn):
        return conn.execute(
            "INSERT INTO tariffs(name, currency, start_fee, per_kwh, per_minute)"
            " VALUES (?, 'EUR', ?, ?, ?)", (name, start_fee, per_kwh, per_minute),
        ).lastrowid


def rate_option(conn: sqlite3.Connection, tariff_id: int, name: str = "Voltra Flex",
                for_contracts: bool = True) -> tuple[int, str]:
    uid = str(uuidlib.uuid4())
    with transaction(conn):
        rid = conn.execute(
            "INSERT INTO rate_options(uuid, name, description, tariff_id, for_contracts)"
            " VALUES (?, ?, ?, ?, ?)",
            (uid, name, f"{name}. Pay per kWh.", tariff_id, int(for_contracts)),
        ).lastrowid
    return rid, uid


def rate_package(conn: sqlite3.Connection, rate_option_id: int, amount: float = 5.0,
                 runtime: int = 60, stop: int | None = 60) -> str:
    uid = str(uuidlib.uuid4())
    with transaction(conn):
        conn.execute(
            "INSERT INTO rate_packages(uuid, name, rate_option_id, amount, visible_runtime,"
            " automatic_stop) VALUES (?, ?, ?, ?, ?, ?)",
            (uid, f"{runtime} min", rate_option_id, amount, runtime, stop),
        )
    return uid


def site(conn: sqlite3.Connection, operator_id: int, lat: float, lon: float,
         name: str | None = None) -> tuple[int, str]:
    uid = str(uuidlib.uuid4())
    with transaction(conn):
        sid = conn.execute(
            "INSERT INTO sites(uuid, name, operator_id, address, zip, city, country, latitude,"
            " longitude, location_type) VALUES (?, ?, ?, 'Teststr. 1', '10115', 'Berlin',"
            " 'DEU', ?, ?, 'PARKING_LOT')",
            (uid, name or f"Site {next(_seq)}", operator_id, lat, lon),
        ).lastrowid
    return sid, uid


def station(conn: sqlite3.Connection, site_id: int, operator_id: int, lat: float, lon: float,
            connectors: list[dict[str, Any]], *, label: str | None = None,
            access_type: str = "INTERNAL", connected: bool = False,
            opening_hours: dict | None = None, images: list[str] | None = None,
            occupancy: dict[tuple[int, int], float] | None = None) -> dict[str, Any]:
    """Insert a station with connectors. Each connector dict: plug (TYPE2/CCS/CHADEMO/
    SCHUKO), current (AC/DC), power (kW), optional tariff_id, free, status (simple)."""
    uid = str(uuidlib.uuid4())
    n = next(_seq)
    with transaction(conn):
        st = conn.execute(
            "INSERT INTO stations(uuid, site_id, operator_id, label, public_name, address, zip,"
            " city, country, latitude, longitude, access_type, opening_hours, images,"
            " connected, simple_status) VALUES (?, ?, ?, ?, ?, 'Teststr. 1', '10115', 'Berlin',"
            " 'DEU', ?, ?, ?, ?, ?, ?, 'Available')",
            (uid, site_id, operator_id, label or f"Station {n}", f"Public {n}", lat, lon,
             access_type, json.dumps(opening_hours or {"twentyfourseven": True}),
             json.dumps(images or []), int(connected)),
        ).lastrowid
        ids = []
        for i, c in enumerate(connectors, start=1):
            ids.append(conn.execute(
                "INSERT INTO connectors(station_id, sort_order, evse_id, label, plug_type,"
                " current_type, max_power_kw, tariff_id, free_of_charge, ocpp_status,"
                " calculated_status, simple_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (st, i, f"DE*TST*E{n}*{i}", f"Connector {i}", c["plug"], c["current"],
                 c["power"], c.get("tariff_id"), int(c.get("free", False)),
                 c.get("ocpp", "Available"), c.get("ocpp", "Available"),
                 c.get("status", "Available")),
            ).lastrowid)
        demo_chargers.provision(conn)
        for (weekday, hour), rate in (occupancy or {}).items():
            conn.execute("INSERT INTO occupancy(station_id, weekday, hour, rate)"
                         " VALUES (?, ?, ?, ?)", (st, weekday, hour, rate))
    return {"id": st, "uuid": uid, "connector_ids": ids, "evse_ids":
            [f"DE*TST*E{n}*{i}" for i in range(1, len(connectors) + 1)]}


def user(conn: sqlite3.Connection, email: str = "tester@example.com") -> int:
    with transaction(conn):
        return conn.execute(
            "INSERT INTO users(uuid, email, password_hash, created_at) VALUES (?, ?, 'x', ?)",
            (str(uuidlib.uuid4()), email, utcnow()),
        ).lastrowid


def card(conn: sqlite3.Connection, user_id: int, tag: str, *, status: str = "ACTIVE",
         card_type: str = "default", expiry: str | None = None) -> int:
    with transaction(conn):
        return conn.execute(
            "INSERT INTO cards(uuid, user_id, tag_id, number, card_type, status, expiry_date,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (str(uuidlib.uuid4()), user_id, tag, f"VOL-{tag}", card_type, status, expiry,
             utcnow()),
        ).lastrowid
