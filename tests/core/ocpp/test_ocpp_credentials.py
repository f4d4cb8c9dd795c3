"""Charger credentials: hashing, Basic header parsing, demo derivation and upgrade."""

from __future__ import annotations

import base64
import sqlite3

from services.core.demo import chargers as demo_chargers
from services.core.demo.people import DRIVER_EMAIL
from services.core.ocpp import credentials
from services.core.store.db import connect, migrate
from services.hardware.credentials import demo_password as simulator_demo_password


def test_hashes_verify_and_reject() -> None:
    machine = credentials.generate_password()
    assert 16 <= len(machine) <= 40 and credentials.password_problem(machine) is None
    stored = credentials.hash_machine_secret(machine)
    assert machine not in stored and not credentials.is_slow(stored)
    assert credentials.verify(machine, stored) and not credentials.verify(machine + "x", stored)
    typed = credentials.hash_typed_password("my own charger key 1")
    assert credentials.is_slow(typed) and credentials.verify("my own charger key 1", typed)
    assert not credentials.verify("anything", None) and not credentials.verify("x", "garbage")
    assert credentials.password_problem("short") and credentials.password_problem("a:" * 10)


def test_basic_header() -> None:
    good = "Basic " + base64.b64encode(b"CP-1:pa:ss").decode()
    assert credentials.basic_credentials(good) == ("CP-1", "pa:ss")
    for bad in ("", "Bearer abc", "Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode()):
        assert credentials.basic_credentials(bad) is None


def test_loopback() -> None:
    assert credentials.is_loopback("127.0.0.1") and credentials.is_loopback("::1")
    assert not credentials.is_loopback("192.168.1.20") and not credentials.is_loopback("")


def test_simulator_and_core_derive_the_same_demo_password() -> None:
    for ident in ("00000000-0000-4000-8000-000000000001", "CP/ä 1"):
        assert demo_chargers.demo_password(ident) == simulator_demo_password(ident)
        assert demo_chargers.is_demo_password(ident, simulator_demo_password(ident))
    assert demo_chargers.demo_password("a") != demo_chargers.demo_password("b")


def _store(tmp_path, demo_user: bool) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    conn = connect(tmp_path / f"s{int(demo_user)}.sqlite3")
    migrate(conn)
    conn.execute("INSERT INTO operators(id, name, party_id, country) VALUES (1, 'O', 'O', 'DE')")
    conn.execute("INSERT INTO sites(id, uuid, name, operator_id, country, latitude, longitude)"
                 " VALUES (1, 's', 's', 1, 'DEU', 52.5, 13.4)")
    conn.execute("INSERT INTO stations(id, uuid, site_id, operator_id, label, country, latitude,"
                 " longitude) VALUES (1, 'CP-OLD', 1, 1, 'x', 'DEU', 52.5, 13.4)")
    if demo_user:
        conn.execute("INSERT INTO users(uuid, email, password_hash, created_at)"
                     " VALUES ('u', ?, 'x', '2026-01-01T00:00:00Z')", (DRIVER_EMAIL,))
    return conn


def test_an_older_demo_store_gets_demo_credentials_and_no_other_does(tmp_path) -> None:
    demo = _store(tmp_path, demo_user=True)
    assert demo_chargers.upgrade_demo_store(demo) == 1
    stored = demo.execute("SELECT ocpp_password_hash FROM stations").fetchone()[0]
    assert credentials.verify(simulator_demo_password("CP-OLD"), stored)
    assert demo_chargers.upgrade_demo_store(demo) == 0
    other = _store(tmp_path, demo_user=False)
    assert demo_chargers.upgrade_demo_store(other) == 0
    assert other.execute("SELECT ocpp_password_hash FROM stations").fetchone()[0] is None
