"""Forgotten passwords: a single-use code e-mailed to the account's address, to be given as
the current password of the next password change.

The code lives ``CODE_TTL``; only the newest one of an account works, and only once; the
store keeps its sha256 (``account_tokens``, purpose ``password_reset``). The code is long
and random, so it cannot be mistaken for a password anybody chose.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.core.domain.auth import hash_token, new_token
from services.core.store.db import from_iso, to_iso, transaction

PURPOSE = "password_reset"
CODE_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class ResetMail:
    to: str
    subject: str
    body: str


def issue_code(conn: sqlite3.Connection, user_id: int, now: datetime | None = None
               ) -> ResetMail | None:  # fmt: skip
    """The mail for an active account; None for a deactivated or unknown one."""
    now = now or datetime.now(UTC)
    with transaction(conn):
        row = conn.execute("SELECT id, email FROM users WHERE id = ? AND active = 1",
                           (user_id,)).fetchone()  # fmt: skip
        if row is None:
            return None
        conn.execute("DELETE FROM account_tokens WHERE user_id = ? AND purpose = ?",
                     (user_id, PURPOSE))  # fmt: skip
        code = new_token()
        conn.execute(
            "INSERT INTO account_tokens(user_id, purpose, token_hash, expires_at, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (user_id, PURPOSE, hash_token(code), to_iso(now + CODE_TTL), to_iso(now)),
        )
    minutes = int(CODE_TTL.total_seconds() // 60)
    return ResetMail(
        to=row["email"],
        subject="Reset your Voltra password",
        body=(
            "Someone asked to reset the password of the Voltra account of this address. If\n"
            f"it was you, change your password within {minutes} minutes, giving this code as\n"
            f"your current password:\n\n{code}\n\n"
            "If it was not you, ignore this mail: your password stays as it is.\n"
        ),
    )


def redeem_code(conn: sqlite3.Connection, user_id: int, code: str,
                now: datetime | None = None) -> bool:  # fmt: skip
    """Whether ``code`` is the user's live reset code (it is used up)."""
    now = now or datetime.now(UTC)
    with transaction(conn):
        row = conn.execute(
            "SELECT id, expires_at, used_at FROM account_tokens WHERE token_hash = ?"
            " AND purpose = ? AND user_id = ?", (hash_token(code or ""), PURPOSE, user_id),
        ).fetchone()  # fmt: skip
        if row is None or row["used_at"] or from_iso(row["expires_at"]) <= now:
            return False
        conn.execute("UPDATE account_tokens SET used_at = ? WHERE id = ?",
                     (to_iso(now), row["id"]))  # fmt: skip
        return True
