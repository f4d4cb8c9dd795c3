"""The core warns at start-up when a database with the published demo logins is served on an
address other machines can reach."""

from __future__ import annotations

import logging

import pytest

from services.core import __main__ as core_main
from services.core.demo.credentials import exposure_warning, is_loopback
from services.core.domain.passwords import hash_password
from services.core.store.db import connect, migrate, utcnow

ALL_INTERFACES = "0.0.0." + "0"  # only ever a string here: nothing binds to it


@pytest.fixture(scope="module")
def demo_hash() -> str:
    return hash_password("driver-demo")


def _with_driver(conn, password_hash: str) -> None:
    conn.execute("INSERT INTO users(uuid, email, password_hash, created_at)"
                 " VALUES ('u-d', 'driver@example.com', ?, ?)", (password_hash, utcnow()))


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"])
def test_loopback_hosts(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", [ALL_INTERFACES, "::", "192.168.1.20", "core.example.org"])
def test_reachable_hosts(host):
    assert not is_loopback(host)


def test_warns_for_demo_logins_beyond_loopback(conn, demo_hash):
    _with_driver(conn, demo_hash)
    message = exposure_warning(conn, ALL_INTERFACES)
    assert message and "driver@example.com" in message and ALL_INTERFACES in message
    assert exposure_warning(conn, "127.0.0.1") is None


def test_no_warning_once_the_demo_password_was_changed(conn):
    _with_driver(conn, hash_password("a-real-secret-9"))
    assert exposure_warning(conn, ALL_INTERFACES) is None


def test_start_up_logs_the_warning(tmp_path, demo_hash, caplog):
    path = tmp_path / "demo.sqlite3"
    conn = connect(path)
    migrate(conn)
    _with_driver(conn, demo_hash)
    conn.close()
    with caplog.at_level(logging.WARNING, logger="services.core"):
        core_main.warn_demo_credentials(path, ALL_INTERFACES)
        core_main.warn_demo_credentials(path, "127.0.0.1")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "demo logins" in warnings[0].getMessage()
