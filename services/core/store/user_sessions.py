"""A user's sessions as the partner APIs look them up."""

from __future__ import annotations

import sqlite3

_ACTIVE = "('requested', 'accepted', 'charging', 'stopping')"


def active_on_connector(conn: sqlite3.Connection, user_id: int, connector_id: int
                        ) -> str | None:  # fmt: skip
    """The uuid of the user's running session on the connector."""
    row = conn.execute(
        f"SELECT uuid FROM sessions WHERE user_id = ? AND connector_id = ? AND state IN {_ACTIVE}"
        " ORDER BY id DESC LIMIT 1", (user_id, connector_id)).fetchone()  # fmt: skip
    return None if row is None else row["uuid"]


def has_rated_active_card(conn: sqlite3.Connection, user_id: int) -> bool:
    """Whether the user has an active card on a rate (billed with the monthly invoice)."""
    return conn.execute(
        "SELECT 1 FROM cards WHERE user_id = ? AND status = 'ACTIVE'"
        " AND rate_option_id IS NOT NULL LIMIT 1", (user_id,)).fetchone() is not None
