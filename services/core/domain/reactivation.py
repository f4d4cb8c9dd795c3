"""Proof for ``reactivateUser``: a single-use token e-mailed to the account's address.

The document gives ``reactivateUser`` one argument, ``email``, and nothing to prove that the
caller owns it; undoing a deletion re-activates the account's charge cards, so it must not
work for whoever knows an address. Reading: a call without a token mails a reactivation
token to a deactivated account with that address (the answer is the same whether or not
one exists, so addresses cannot be probed); the call repeated with
``Authorization: Bearer <token>`` reactivates. Tokens live ``TOKEN_TTL``, work once, and only
the newest one of an account is valid; the store keeps their sha256 only.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from services.core.domain.account_tokens import AccountMail, replace_token, use_up
from services.core.domain.auth import hash_token
from services.core.store.db import transaction

PURPOSE = "reactivate"
TOKEN_TTL = timedelta(minutes=30)


ReactivationMail = AccountMail


def issue_token(conn: sqlite3.Connection, email: str, now: datetime | None = None
                ) -> ReactivationMail | None:
    """The mail to send for a deactivated account with ``email``; None when there is none."""
    now = now or datetime.now(UTC)
    with transaction(conn):
        row = conn.execute(
            "SELECT id, email FROM users WHERE email = ? AND active = 0", (email,)
        ).fetchone()
        if row is None:
            return None
        token = replace_token(conn, row["id"], PURPOSE, TOKEN_TTL, now)
    minutes = int(TOKEN_TTL.total_seconds() // 60)
    return ReactivationMail(
        to=row["email"],
        subject="Reactivate your Voltra account",
        body=(
            "Someone asked to reactivate the Voltra account of this address. If it was you,\n"
            "send reactivateUser again with this token as 'Authorization: Bearer <token>'\n"
            f"within {minutes} minutes:\n\n{token}\n\n"
            "If it was not you, ignore this mail: the account stays deactivated.\n"
        ),
    )


def redeem_token(conn: sqlite3.Connection, email: str, token: str,
                 now: datetime | None = None) -> int | None:
    """The user id when ``token`` is a live reactivation token of the account with
    ``email`` (it is used up); None otherwise. Call inside the reactivating transaction."""
    now = now or datetime.now(UTC)
    row = conn.execute(
        "SELECT t.id, t.user_id, t.expires_at, t.used_at FROM account_tokens t"
        " JOIN users u ON u.id = t.user_id"
        " WHERE t.token_hash = ? AND t.purpose = ? AND u.email = ?",
        (hash_token(token or ""), PURPOSE, email),
    ).fetchone()
    return int(row["user_id"]) if use_up(conn, row, now) else None
