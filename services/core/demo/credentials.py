"""Which published demo credentials still work in a database: the core lists them in a
warning when it serves that database on a non-loopback interface. Add a line per kind of
demo credential (users, partners, chargers) to ``live_demo_credentials``."""

from __future__ import annotations

import sqlite3

from services.core.demo.partners import live_demo_partner_credentials
from services.core.demo.people import USERS
from services.core.domain.passwords import verify_password


def live_demo_logins(conn: sqlite3.Connection) -> list[str]:
    live = []
    for user in USERS:
        row = conn.execute("SELECT password_hash FROM users WHERE email = ? AND active = 1",
                           (user.email,)).fetchone()  # fmt: skip
        if row is not None and verify_password(user.password, row[0]):
            live.append(f"user {user.email} / {user.password}")
    return live


def live_demo_credentials(conn: sqlite3.Connection) -> list[str]:
    return live_demo_logins(conn) + live_demo_partner_credentials(conn)
