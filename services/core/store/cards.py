"""Cards: queries the application services need beside the card rules in the domain."""

from __future__ import annotations

import sqlite3


def cards_of_user(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    """The user's cards, oldest first (id, tag_id, status, expiry_date)."""
    return conn.execute(
        "SELECT id, tag_id, status, expiry_date FROM cards WHERE user_id = ?"
        " ORDER BY created_at, id",
        (user_id,),
    ).fetchall()


def rate_package_uuid(conn: sqlite3.Connection, package_id: int) -> str | None:
    row = conn.execute("SELECT uuid FROM rate_packages WHERE id = ?", (package_id,)).fetchone()
    return row["uuid"] if row is not None else None


def card_by_tag(conn: sqlite3.Connection, tag: str) -> sqlite3.Row | None:
    """status, expiry_date and card_type of the card with this tag (upper case)."""
    return conn.execute(
        "SELECT status, expiry_date, card_type FROM cards WHERE tag_id = ?", (tag,)
    ).fetchone()


def owner_of_card(conn: sqlite3.Connection, card_id: int) -> int | None:
    row = conn.execute("SELECT user_id FROM cards WHERE id = ?", (card_id,)).fetchone()
    return None if row is None else int(row["user_id"])


def owner_of_tag(conn: sqlite3.Connection, tag: str) -> int | None:
    row = conn.execute("SELECT user_id FROM cards WHERE tag_id = ?", (tag,)).fetchone()
    return None if row is None else int(row["user_id"])
