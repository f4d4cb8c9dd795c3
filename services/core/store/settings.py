"""The ``settings`` table: key/value configuration rows."""

from __future__ import annotations

import sqlite3


def all_settings(conn: sqlite3.Connection) -> dict[str, str]:
    return {r["key"]: r["value"] for r in conn.execute("SELECT key, value FROM settings")}
