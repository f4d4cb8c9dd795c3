"""Which published demo credentials still work in a database (README: ``driver@example.com``
/ ``driver-demo``, ``<name>-demo``, the demo partner keys). Harmless on 127.0.0.1; on an
address other machines reach, everyone who read the README can use them, so the core warns.
Add a line per kind of demo credential (users, partners, chargers) to
``live_demo_credentials``."""

from __future__ import annotations

import ipaddress
import sqlite3

from services.core.demo.partners import live_demo_partner_credentials
from services.core.demo.people import USERS
from services.core.demo.plugsurfing_accounts import live_test_logins
from services.core.domain.passwords import verify_password


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: assume other machines can reach it


def live_demo_logins(conn: sqlite3.Connection) -> list[str]:
    """``user <email> / <password>`` for each demo user whose documented password works."""
    rows = conn.execute(
        f"SELECT email, password_hash FROM users WHERE active = 1 AND email IN"
        f" ({', '.join('?' for _ in USERS)})", [u.email for u in USERS]
    ).fetchall()
    known = {u.email: u.password for u in USERS}
    working = {r[0] for r in rows if verify_password(known[r[0]], r[1])}
    return [f"user {u.email} / {u.password}" for u in USERS if u.email in working]


def live_demo_credentials(conn: sqlite3.Connection) -> list[str]:
    return (live_demo_logins(conn) + live_test_logins(conn)
            + live_demo_partner_credentials(conn))


def exposure_warning(conn: sqlite3.Connection, host: str) -> str | None:
    """The start-up warning for serving demo credentials beyond this machine, else None."""
    if is_loopback(host):
        return None
    live = live_demo_credentials(conn)
    if not live:
        return None
    return (f"serving on {host}, reachable from other machines, with published demo "
            "credentials still working (demo logins and partner keys, demo only): anyone who "
            "can reach this address can use them. Use a database without demo data "
            "(--stations 0 on a new --db), or change those passwords and revoke the keys "
            "(voltra-core api-key revoke ID):\n  " + "\n  ".join(live))
