"""Charging keys (RFID cards by UID) a user adds, blocks and unblocks themselves.

A UID is added as an active eMSP card of the user (it charges at internal and roaming
stations). A UID the user already has is fine to add again. A UID held by the card stock
(keys issued but not yet given to a driver: cards of an inactive stock account) moves to the
user who adds it. A UID of another driver is refused. Blocking makes the card INACTIVE,
which the charger hears as ``Blocked`` on its next Authorize; unblocking makes it ACTIVE.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib

from services.core.domain.errors import Conflict, NotFound
from services.core.store.db import transaction, utcnow

STOCK_EMAIL = "card-stock@voltra.invalid"
KEY_CARD_TYPE = "emsp"
ISSUER_API = "plugsurfing"  # the API through which drivers add their keys


def _card(conn: sqlite3.Connection, tag: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT c.*, u.email AS owner_email FROM cards c JOIN users u ON u.id = c.user_id"
        " WHERE c.tag_id = ?", (tag,)).fetchone()  # fmt: skip


def add_key(conn: sqlite3.Connection, user_id: int, tag: str, partner_id: int | None = None
            ) -> sqlite3.Row:  # fmt: skip
    """Add ``tag`` as the user's key, issued through OIOI by the OEM ``partner_id`` (whose
    offer then bills its taps)."""
    with transaction(conn):
        card = _card(conn, tag)
        if card is not None and card["user_id"] == user_id:
            return card
        if card is not None and card["owner_email"] != STOCK_EMAIL:
            raise Conflict(f"rfid: '{tag}' is registered to another account", field="rfid")
        if card is not None:
            conn.execute("UPDATE cards SET user_id = ?, status = 'ACTIVE', api = ?,"
                         " partner_id = ? WHERE id = ?",
                         (user_id, ISSUER_API, partner_id, card["id"]))  # fmt: skip
        else:
            count = conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
            conn.execute(
                "INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status,"
                " created_at, api, partner_id) VALUES (?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?)",
                (str(uuidlib.uuid4()), user_id, tag, f"VOL-{count + 1:06d}-{tag[-4:]}",
                 "Charging key", KEY_CARD_TYPE, utcnow(), ISSUER_API, partner_id),
            )  # fmt: skip
        return _card(conn, tag)  # type: ignore[return-value]


def set_key_active(conn: sqlite3.Connection, user_id: int, tag: str | None = None, *,
                   card_id: int | None = None, active: bool) -> sqlite3.Row:  # fmt: skip
    """Block or unblock one of the user's cards, named by UID or id. Another user's card is
    NotFound, like a UID nobody has."""
    with transaction(conn):
        row = conn.execute(
            "SELECT id FROM cards WHERE user_id = ? AND (tag_id = ? OR id = ?)",
            (user_id, tag, card_id)).fetchone()  # fmt: skip
        if row is None:
            raise NotFound(f"rfid: no charging key '{tag or card_id}' of this user",
                           field="rfid")  # fmt: skip
        conn.execute("UPDATE cards SET status = ? WHERE id = ?",
                     ("ACTIVE" if active else "INACTIVE", row["id"]))  # fmt: skip
        return conn.execute("SELECT * FROM cards WHERE id = ?", (row["id"],)).fetchone()


def keys_of(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT id, tag_id, status FROM cards WHERE user_id = ?"
                        " ORDER BY created_at, id", (user_id,)).fetchall()  # fmt: skip


def verify_tag(conn: sqlite3.Connection, tag: str) -> tuple[str, int | None]:
    """('unknown' | 'blocked' | 'active', owner id) of a UID, for online authorization."""
    card = _card(conn, tag)
    if card is None:
        return "unknown", None
    if str(card["status"]).upper() != "ACTIVE" or card["owner_email"] == STOCK_EMAIL:
        return "blocked", int(card["user_id"])
    return "active", int(card["user_id"])
