"""Cards (authentication media) of a user: list, look up, create, rename, (de)activate.

Every function takes the acting ``user_id`` and only ever touches that user's cards: a card
of someone else is reported as NOT_FOUND (never FORBIDDEN), so ids cannot be probed.

Which cards can charge where (``card_can_charge``): an active, unexpired card can start at
internal stations; roaming stations (``access_type = 'ROAMING'``) accept only cards of type
``roaming`` or ``emsp``, the ones that are registered with roaming partners.
"""

from __future__ import annotations

import secrets
import sqlite3
import uuid as uuidlib
from datetime import UTC, datetime
from typing import Any

from services.core.domain.errors import BadInput, NotFound
from services.core.domain.validation import check_text
from services.core.store.db import from_iso, transaction, utcnow

CARD_TYPES = ("default", "roaming", "virtual", "simple", "emsp")
ROAMING_CARD_TYPES = ("roaming", "emsp")

_CARD_SELECT = (
    "SELECT c.*, r.uuid AS rate_uuid, r.name AS rate_name, r.description AS rate_description"
    " FROM cards c LEFT JOIN rate_options r ON r.id = c.rate_option_id"
)


def is_expired(expiry: str | None, now: datetime | None = None) -> bool:
    """``expiry_date`` may be a date ("2027-01-31": valid through that day) or a timestamp
    (the same reading as the charging domain's card check)."""
    if not expiry:
        return False
    exp = from_iso(expiry if "T" in expiry else expiry + "T23:59:59Z")
    if exp.tzinfo is None:
        exp = exp.replace(tzinfo=UTC)
    return exp < (now or datetime.now(UTC))


def card_can_charge(card: sqlite3.Row | dict, access_type: str | None,
                    now: datetime | None = None) -> bool:
    if str(card["status"]).upper() != "ACTIVE" or is_expired(card["expiry_date"], now):
        return False
    return access_type != "ROAMING" or card["card_type"] in ROAMING_CARD_TYPES


def list_cards(conn: sqlite3.Connection, user_id: int, limit: int, offset: int,
               active_only: bool = False) -> tuple[list[sqlite3.Row], int]:
    where = "user_id = ?" + (" AND status = 'ACTIVE'" if active_only else "")
    total = conn.execute(f"SELECT COUNT(*) FROM cards WHERE {where}", (user_id,)).fetchone()[0]
    rows = conn.execute(
        _CARD_SELECT + f" WHERE c.{where} ORDER BY c.created_at, c.id LIMIT ? OFFSET ?",
        (user_id, limit, offset),
    ).fetchall()
    return rows, int(total)


def card_by_tag(conn: sqlite3.Connection, tag: str) -> sqlite3.Row | None:
    """Any user's card by its tag id (case-insensitive), with its rate; callers scope it."""
    tag = (tag or "").strip().upper()
    if not tag:
        return None
    return conn.execute(_CARD_SELECT + " WHERE c.tag_id = ?", (tag,)).fetchone()


def rename_and_activate(conn: sqlite3.Connection, card_id: int, label: str | None,
                        active: bool | None, label_field: str = "name") -> sqlite3.Row:
    """Rename a card and/or switch it between ACTIVE and INACTIVE. An inactive card is
    refused at the charger (Authorize: Blocked) and for remote starts."""
    updates: dict[str, Any] = {}
    if label is not None:
        updates["label"] = check_text(label, label_field, max_len=60)
    if active is not None:
        updates["status"] = "ACTIVE" if active else "INACTIVE"
    with transaction(conn):
        if updates:
            sets = ", ".join(f"{k} = ?" for k in updates)
            conn.execute(f"UPDATE cards SET {sets} WHERE id = ?", (*updates.values(), card_id))
        row = conn.execute(_CARD_SELECT + " WHERE c.id = ?", (card_id,)).fetchone()
    if row is None:
        raise NotFound(f"card {card_id} not found")
    return row


def get_card(conn: sqlite3.Connection, user_id: int, ident: str, field: str = "id"
             ) -> sqlite3.Row:
    """By uuid or tag id (``card(id:)`` accepts both); tag ids match case-insensitively."""
    ident = (ident or "").strip()
    if not ident:
        raise BadInput(field, "is required")
    row = conn.execute(
        _CARD_SELECT + " WHERE c.user_id = ? AND (c.uuid = ? OR c.tag_id = ?)",
        (user_id, ident, ident.upper()),
    ).fetchone()
    if row is None:
        raise NotFound(f"{field}: no card '{ident}'", field=field)
    return row


def cards_for_connector(conn: sqlite3.Connection, user_id: int, connector_id: str
                        ) -> list[dict[str, Any]]:
    """The user's cards that can start a session on this connector: ``card`` (the row),
    ``rate_name`` (the card's rate, else the connector's price) and ``price_text`` (the
    connector's price in words)."""
    from services.core.domain.tariffs import price_summary  # tariffs is H2's pure module

    try:
        cid = int(str(connector_id).strip())
        if not 0 < cid < 2**63:  # SQLite INTEGER range
            raise ValueError(connector_id)
    except ValueError:
        raise BadInput("connector_id", f"'{connector_id}' is not a connector id") from None
    conn_row = conn.execute(
        "SELECT k.id, k.free_of_charge, s.access_type, t.* FROM connectors k"
        " JOIN stations s ON s.id = k.station_id LEFT JOIN tariffs t ON t.id = k.tariff_id"
        " WHERE k.id = ?",
        (cid,),
    ).fetchone()
    if conn_row is None:
        raise NotFound(f"connector_id: no connector '{connector_id}'", field="connector_id")
    if conn_row["free_of_charge"]:
        tariff_text = "Free of charge"
    elif conn_row["name"] is not None:
        tariff_text = price_summary(dict(conn_row))
    else:
        tariff_text = None
    out = []
    now = datetime.now(UTC)
    for row in conn.execute(
        _CARD_SELECT + " WHERE c.user_id = ? ORDER BY c.created_at, c.id", (user_id,)
    ):
        if not card_can_charge(row, conn_row["access_type"], now):
            continue
        out.append({"card": row, "rate_name": row["rate_name"] or tariff_text,
                    "price_text": tariff_text})
    return out


def _new_tag(conn: sqlite3.Connection) -> str:
    # 7-byte UIDs (14 hex digits, upper case) like common MIFARE cards and the OIOI rules.
    while True:
        tag = secrets.token_hex(7).upper()
        if not conn.execute("SELECT 1 FROM cards WHERE tag_id = ?", (tag,)).fetchone():
            return tag


def find_rate_option(conn: sqlite3.Connection, rate_id: str, field: str = "rate_id"
                     ) -> sqlite3.Row:
    rate_id = (rate_id or "").strip()
    if not rate_id:
        raise BadInput(field, "is required")
    row = conn.execute(
        "SELECT * FROM rate_options WHERE uuid = ? OR CAST(id AS TEXT) = ?", (rate_id, rate_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"{field}: no rate option '{rate_id}'", field=field)
    return row


def create_card(conn: sqlite3.Connection, user_id: int, rate_id: str,
                customer_reference: str | None, *, card_type: str = "virtual",
                prefix: str = "new_card", api: str = "beenergised",
                partner_id: int | None = None) -> sqlite3.Row:
    """A new virtual card on the given rate (createAuthenticationMedia), issued through
    ``api`` (and its partner ``partner_id``): taps are billed at that audience's offer."""
    reference = check_text(customer_reference, f"{prefix}.customer_reference", required=True,
                           max_len=100)
    with transaction(conn):
        rate = find_rate_option(conn, rate_id, f"{prefix}.rate_id")
        tag = _new_tag(conn)
        count = conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
        number = f"VOL-{count + 1:06d}-{tag[-4:]}"
        card_uuid = str(uuidlib.uuid4())
        conn.execute(
            "INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status,"
            " expiry_date, rate_option_id, customer_reference, created_at, api, partner_id)"
            " VALUES (?, ?, ?, ?, ?, ?, 'ACTIVE', NULL, ?, ?, ?, ?, ?)",
            (card_uuid, user_id, tag, number, reference, card_type, rate["id"], reference,
             utcnow(), api, partner_id),
        )
        return get_card(conn, user_id, card_uuid)


def update_card(conn: sqlite3.Connection, user_id: int, card_id: str, label: str | None,
                status_action: str | None) -> sqlite3.Row:
    """Rename and/or DEACTIVATE a card (CardStatusActionEnum has only DEACTIVATE).

    Reading: the enum offers no ACTIVATE, so a deactivated card stays inactive through
    this API (as with a blocked RFID card at a real operator).
    """
    with transaction(conn):
        card = get_card(conn, user_id, card_id, field="input.card_id")
        updates: dict[str, Any] = {}
        if label is not None:
            updates["label"] = check_text(label, "input.label", max_len=60)
        if status_action is not None:
            if status_action != "DEACTIVATE":
                raise BadInput("input.status", "the only status action is DEACTIVATE")
            updates["status"] = "INACTIVE"
        if updates:
            sets = ", ".join(f"{k} = ?" for k in updates)
            conn.execute(f"UPDATE cards SET {sets} WHERE id = ?", (*updates.values(), card["id"]))
        return get_card(conn, user_id, card["uuid"])


def update_billing_contact(conn: sqlite3.Connection, user_id: int, card_id: str,
                           billing_contact_id: str) -> sqlite3.Row:
    """Point a card's billing at a contact. The only contact a driver may bill to here is
    themselves (the core has no company / fleet contacts), so any other id is NOT_FOUND."""
    with transaction(conn):
        card = get_card(conn, user_id, card_id, field="card_id")
        user = conn.execute("SELECT uuid FROM users WHERE id = ?", (user_id,)).fetchone()
        contact = (billing_contact_id or "").strip()
        if not contact:
            raise BadInput("billing_contact_id", "is required")
        if contact != user["uuid"]:
            raise NotFound(f"billing_contact_id: no contact '{contact}'",
                           field="billing_contact_id")
        conn.execute("UPDATE cards SET billing_contact_id = ? WHERE id = ?", (contact, card["id"]))
        return get_card(conn, user_id, card["uuid"])
