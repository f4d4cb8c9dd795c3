"""Whether a database still lets anyone in with the published demo logins (README:
``driver@example.com`` / ``driver-demo`` and ``<name>-demo``). Harmless on 127.0.0.1; on an
address other machines reach, everyone who read the README can sign in."""

from __future__ import annotations

import ipaddress
import sqlite3

from services.core.demo.people import USERS
from services.core.domain.passwords import verify_password


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: assume other machines can reach it


def demo_logins_in_use(conn: sqlite3.Connection) -> list[str]:
    """E-mails of demo users whose documented password still works."""
    rows = conn.execute(
        f"SELECT email, password_hash FROM users WHERE active = 1 AND email IN"
        f" ({', '.join('?' for _ in USERS)})", [u.email for u in USERS]
    ).fetchall()
    known = {u.email: u.password for u in USERS}
    return [r["email"] for r in rows if verify_password(known[r["email"]], r["password_hash"])]


def exposure_warning(conn: sqlite3.Connection, host: str) -> str | None:
    """The start-up warning for serving demo logins beyond this machine, else None."""
    if is_loopback(host):
        return None
    users = demo_logins_in_use(conn)
    if not users:
        return None
    return (f"serving on {host} with demo logins whose passwords are published in the README"
            f" ({', '.join(users)}): anyone who can reach this address can sign in as them."
            " Use a database without demo data (--stations 0 on a new --db) or change those"
            " passwords before exposing the core.")
