"""Credentials of the demo database's charge points.

Every demo charger's Basic auth password is HMAC-SHA256(DEMO_CHARGER_SECRET, charger id),
first 32 hex digits. The secret is fixed and public (it is documented in the README), so
these passwords protect nothing: they exist so the simulator (which may not import the core)
can derive the same password and the core can still refuse every charger without one. The
store keeps only the hash; the core warns when a charger authenticates with a demo password
from beyond loopback. Real chargers get their own password (``voltra-core charger
set-password ID``).
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3

from services.core.ocpp.credentials import hash_machine_secret
from services.core.store.db import transaction

DEMO_CHARGER_SECRET = b"voltra-demo-chargers-v1"


def demo_password(identity: str) -> str:
    return hmac.new(DEMO_CHARGER_SECRET, identity.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def is_demo_password(identity: str, password: str) -> bool:
    return hmac.compare_digest(demo_password(identity), password)


def upgrade_demo_store(conn: sqlite3.Connection) -> int:
    """A demo store generated before chargers had credentials: give its stations their demo
    credentials, so the demo's simulated chargers still connect. A store is a demo store when
    it holds the documented demo login (an example.com address no operator uses)."""
    from services.core.demo.people import DRIVER_EMAIL

    if not conn.execute("SELECT 1 FROM users WHERE email = ?", (DRIVER_EMAIL,)).fetchone():
        return 0
    if not conn.execute("SELECT 1 FROM stations WHERE ocpp_password_hash IS NULL").fetchone():
        return 0
    with transaction(conn):
        return provision(conn)


def provision(conn: sqlite3.Connection) -> int:
    """Give every station without credentials its demo credentials. Returns how many."""
    rows = conn.execute("SELECT id, uuid FROM stations WHERE ocpp_password_hash IS NULL")
    return conn.executemany(
        "UPDATE stations SET ocpp_password_hash = ? WHERE id = ?",
        ((hash_machine_secret(demo_password(uuid)), sid) for sid, uuid in rows.fetchall()),
    ).rowcount
