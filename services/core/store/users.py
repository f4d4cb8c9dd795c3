"""Users: plain lookups the services need beside the account rules in the domain."""

from __future__ import annotations

import sqlite3


def user_by_id(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()


def user_uuid(conn: sqlite3.Connection, user_id: int) -> str:
    return conn.execute("SELECT uuid FROM users WHERE id = ?", (user_id,)).fetchone()["uuid"]


def terms_by_uuid(conn: sqlite3.Connection, terms_uuid: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM terms WHERE uuid = ?", (terms_uuid,)).fetchone()


def user_id_by_uuid(conn: sqlite3.Connection, user_uuid: str) -> int | None:
    row = conn.execute("SELECT id FROM users WHERE uuid = ?", (user_uuid,)).fetchone()
    return None if row is None else int(row["id"])


def user_by_login(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    """A user by e-mail address or user name (both case-insensitive)."""
    return conn.execute(
        "SELECT * FROM users WHERE email = ?1 OR username = ?1 ORDER BY email = ?1 DESC LIMIT 1",
        (name,),
    ).fetchone()


def username_taken(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM users WHERE username = ?1 OR email = ?1",
                        (name,)).fetchone() is not None  # fmt: skip


def set_username(conn: sqlite3.Connection, user_id: int, name: str) -> None:
    conn.execute("UPDATE users SET username = ? WHERE id = ?", (name, user_id))
