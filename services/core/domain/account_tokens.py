"""Single-use tokens mailed to an account's address (password reset, reactivation).

Only the newest token of an account and purpose is valid, each works once, and the store
keeps their sha256 only (``account_tokens``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.core.domain.auth import hash_token, new_token
from services.core.store.db import from_iso, to_iso


@dataclass(frozen=True)
class AccountMail:
    to: str
    subject: str
    body: str


def replace_token(conn: sqlite3.Connection, user_id: int, purpose: str, ttl: timedelta,
                  now: datetime) -> str:  # fmt: skip
    """A new token for the account, voiding its earlier ones of ``purpose``. Call inside a
    transaction."""
    conn.execute("DELETE FROM account_tokens WHERE user_id = ? AND purpose = ?",
                 (user_id, purpose))  # fmt: skip
    token = new_token()
    conn.execute(
        "INSERT INTO account_tokens(user_id, purpose, token_hash, expires_at, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (user_id, purpose, hash_token(token), to_iso(now + ttl), to_iso(now)),
    )
    return token


def use_up(conn: sqlite3.Connection, row: sqlite3.Row | None, now: datetime) -> bool:
    """Whether the looked-up token ``row`` (``id``, ``expires_at``, ``used_at``) is live; a
    live one is marked used. Call inside a transaction."""
    if row is None or row["used_at"] or from_iso(row["expires_at"]) <= now:
        return False
    conn.execute("UPDATE account_tokens SET used_at = ? WHERE id = ?", (to_iso(now), row["id"]))
    return True
