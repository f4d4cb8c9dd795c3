"""Cards of a partner's members as a partner manages them by numeric id (AMPECO id tags):
list, create for a member, read, rename / change state / expiry, delete.

States: ``ACTIVE`` charges; ``INACTIVE`` (disabled) and ``SUSPENDED`` are both refused at the
charger (``Authorize``: Blocked) and for remote starts, as every non-active card is. A card
outside the partner's members answers ``NotFound`` like one that does not exist.
"""

from __future__ import annotations

import re
import sqlite3
import uuid as uuidlib
from datetime import datetime
from typing import Any

from services.core.domain.errors import BadInput, Conflict, NotFound
from services.core.domain.partners import Principal
from services.core.store import member_records
from services.core.store import partners as partner_store
from services.core.store.db import to_iso, transaction, utcnow
from services.core.store.member_records import Slice

STATES = ("ACTIVE", "INACTIVE", "SUSPENDED")
# An OCPP 1.6 idTag is a CiString20; the core keeps tags upper case.
_TAG = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
_LABEL_MAX = 60
_REFERENCE_MAX = 100


def _tag(value: str | None, field: str) -> str:
    tag = (value or "").strip()
    if not _TAG.match(tag):
        raise BadInput(field, "must be 1 to 20 letters, digits, '-' or '_' (an OCPP idTag)")
    return tag.upper()


def _text(value: str | None, field: str, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit or not value.isprintable():
        raise BadInput(field, f"must be at most {limit} printable characters")
    return value or None


def _expiry(value: datetime | None) -> str | None:
    return None if value is None else to_iso(value)


def cards_page(conn: sqlite3.Connection, principal: Principal, part: Slice, **filters: Any
               ) -> tuple[list[dict[str, Any]], int | None]:  # fmt: skip
    """The members' cards of one slice (``member_records.cards``)."""
    if filters.get("tag") is not None:
        filters["tag"] = str(filters["tag"]).strip().upper()
    return member_records.cards(conn, principal.partner_id, part, **filters)


def card(conn: sqlite3.Connection, principal: Principal, card_id: int, field: str
         ) -> dict[str, Any]:  # fmt: skip
    found = member_records.card(conn, principal.partner_id, card_id)
    if found is None:
        raise NotFound(f"{field}: no id tag {card_id}", field=field)
    return found


def create(conn: sqlite3.Connection, principal: Principal, *, user_id: int, tag: str,
           label: str | None, state: str, expires: datetime | None, reference: str | None,
           fields: dict[str, str]) -> dict[str, Any]:  # fmt: skip
    """A new card of a member. ``fields`` names the inputs in the caller's words (keys
    ``user``, ``tag``, ``label``, ``state``, ``reference``)."""
    uid = _tag(tag, fields["tag"])
    if state not in STATES:
        raise BadInput(fields["state"], f"must be one of {', '.join(STATES)}")
    label = _text(label, fields["label"], _LABEL_MAX)
    reference = _text(reference, fields["reference"], _REFERENCE_MAX)
    with transaction(conn):
        if partner_store.membership(conn, principal.partner_id, user_id) is None:
            raise NotFound(f"{fields['user']}: no user {user_id}", field=fields["user"])
        if conn.execute("SELECT 1 FROM cards WHERE tag_id = ?", (uid,)).fetchone():
            raise Conflict(f"{fields['tag']}: the tag '{uid}' is already registered",
                           field=fields["tag"])  # fmt: skip
        count = conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
        cur = conn.execute(
            "INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status,"
            " expiry_date, customer_reference, created_at, api, partner_id)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (str(uuidlib.uuid4()), user_id, uid, f"VOL-{count + 1:06d}-{uid[-4:]}", label,
             "default", state, _expiry(expires), reference, utcnow(), principal.api,
             principal.partner_id))
        new_id = int(cur.lastrowid)
    return card(conn, principal, new_id, "id")


def update(conn: sqlite3.Connection, principal: Principal, card_id: int, changes: dict[str, Any],
           fields: dict[str, str]) -> dict[str, Any]:  # fmt: skip
    """Apply ``changes`` (keys ``label``, ``state``, ``expires``, ``reference``; a key present
    with None clears label, expiry and reference)."""
    cols: dict[str, Any] = {}
    if "label" in changes:
        cols["label"] = _text(changes["label"], fields["label"], _LABEL_MAX)
    if "reference" in changes:
        cols["customer_reference"] = _text(changes["reference"], fields["reference"],
                                           _REFERENCE_MAX)  # fmt: skip
    if "state" in changes:
        if changes["state"] not in STATES:
            raise BadInput(fields["state"], f"must be one of {', '.join(STATES)}")
        cols["status"] = changes["state"]
    if "expires" in changes:
        cols["expiry_date"] = _expiry(changes["expires"])
    with transaction(conn):
        card(conn, principal, card_id, fields["id"])
        if cols:
            sets = ", ".join(f"{c} = ?" for c in cols)
            conn.execute(f"UPDATE cards SET {sets} WHERE id = ?", (*cols.values(), card_id))
    return card(conn, principal, card_id, fields["id"])


def delete(conn: sqlite3.Connection, principal: Principal, card_id: int, field: str) -> None:
    """Remove a card; its past sessions and start attempts stay, without the card."""
    with transaction(conn):
        card(conn, principal, card_id, field)
        conn.execute("UPDATE remote_start_attempts SET card_id = NULL WHERE card_id = ?",
                     (card_id,))  # fmt: skip
        conn.execute("DELETE FROM cards WHERE id = ?", (card_id,))
