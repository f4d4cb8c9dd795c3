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

DEMO_CHARGER_SECRET = b"voltra-demo-chargers-v1"


def demo_password(identity: str) -> str:
    return hmac.new(DEMO_CHARGER_SECRET, identity.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def is_demo_password(identity: str, password: str) -> bool:
    return hmac.compare_digest(demo_password(identity), password)


def provision(conn: sqlite3.Connection) -> int:
    """Give every station without credentials its demo credentials. Returns how many."""
    conn.create_function(
        "voltra_demo_charger_hash",
        1,
        lambda identity: hash_machine_secret(demo_password(identity)),
        deterministic=True,
    )
    return conn.execute(
        "UPDATE stations SET ocpp_password_hash = voltra_demo_charger_hash(uuid)"
        " WHERE ocpp_password_hash IS NULL"
    ).rowcount
