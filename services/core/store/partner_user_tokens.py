"""Tokens a partner API handed to its users (sha256 of each token only)."""

from __future__ import annotations

import sqlite3


def insert(conn: sqlite3.Connection, partner_id: int, user_id: int, token_hash: str,
           created_at: str, expires_at: str) -> None:  # fmt: skip
    conn.execute(
        "INSERT INTO partner_user_tokens(partner_id, user_id, token_hash, created_at,"
        " expires_at) VALUES (?, ?, ?, ?, ?)",
        (partner_id, user_id, token_hash, created_at, expires_at),
    )


def by_hash(conn: sqlite3.Connection, token_hash: str) -> sqlite3.Row | None:
    """partner_id, user_id, expires_at, revoked and whether the user is active."""
    return conn.execute(
        "SELECT t.partner_id, t.user_id, t.expires_at, t.revoked, u.active"
        " FROM partner_user_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
        (token_hash,),
    ).fetchone()


def revoke_for_partner(conn: sqlite3.Connection, partner_id: int, user_id: int) -> int:
    return conn.execute(
        "UPDATE partner_user_tokens SET revoked = 1 WHERE partner_id = ? AND user_id = ?"
        " AND revoked = 0",
        (partner_id, user_id),
    ).rowcount


def purge_expired(conn: sqlite3.Connection, now: str) -> None:
    conn.execute("DELETE FROM partner_user_tokens WHERE expires_at < ?", (now,))
