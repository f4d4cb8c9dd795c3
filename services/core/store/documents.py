"""Account documents (invoices, statements)."""

from __future__ import annotations

import sqlite3


def document_of_user(conn: sqlite3.Connection, user_id: int, uuid: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM documents WHERE uuid = ? AND user_id = ?", (uuid, user_id)
    ).fetchone()
