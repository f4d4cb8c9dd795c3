"""What a partner (an API key holder) reads and changes of its own contacts: the contacts,
their cards and charging sessions, and prices of stations for one of those cards.

Every function takes the store connection and the calling ``Principal`` first (run them
through ``Core.db``). Anything outside the partner's members (another partner's contact,
card or session, or one that does not exist) raises ``NotFound`` naming the input field in
the caller's words: a partner can never tell the two apart.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from services.core.domain import accounts, history
from services.core.domain import cards as cards_domain
from services.core.domain.charging import card_problem, find_session
from services.core.domain.errors import BadInput, Forbidden, NotFound
from services.core.domain.offers import Offer
from services.core.domain.partners import Principal
from services.core.services import offers
from services.core.store import connectors as connector_store
from services.core.store import partners as partner_store
from services.core.store import stations as station_store
from services.core.store import users as user_store

# ------------------------------------------------------------------ contacts


def _member(conn: sqlite3.Connection, principal: Principal, contact_uuid: str | None,
            field: str) -> int:  # fmt: skip
    ref = (contact_uuid or "").strip()
    if not ref:
        raise BadInput(field, "is required")
    user_id = user_store.user_id_by_uuid(conn, ref)
    if user_id is None or partner_store.membership(conn, principal.partner_id, user_id) is None:
        raise NotFound(f"{field}: no contact '{ref}'", field=field)
    return user_id


def contacts_page(conn: sqlite3.Connection, principal: Principal, offset: int, limit: int
                  ) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    """(contacts of one page, oldest member first; how many contacts the partner has)."""
    ids, total = partner_store.member_ids_page(conn, principal.partner_id, offset, limit)
    out = []
    for user_id in ids:
        row = user_store.user_by_id(conn, user_id)
        if row is not None:
            out.append(_contact(conn, row))
    return out, total


def contact(conn: sqlite3.Connection, principal: Principal, contact_uuid: str | None,
            field: str) -> dict[str, Any]:  # fmt: skip
    user_id = _member(conn, principal, contact_uuid, field)
    return _contact(conn, user_store.user_by_id(conn, user_id))


def _contact(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    """``accounts.contact_dict`` with the user's number (unique, stable)."""
    out = accounts.contact_dict(conn, row)
    out["customer_number"] = f"VOL-C{int(row['id']):07d}"
    return out


# ------------------------------------------------------------------ cards


def _card_dict(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    """A card row (with its rate) and ``user_uuid``, the contact it belongs to."""
    out = dict(row)
    out["user_uuid"] = user_store.user_uuid(conn, row["user_id"])
    return out


def cards_of_contact(conn: sqlite3.Connection, principal: Principal, contact_uuid: str | None,
                     *, active_only: bool, offset: int, limit: int, field: str
                     ) -> list[dict[str, Any]]:  # fmt: skip
    user_id = _member(conn, principal, contact_uuid, field)
    rows, _total = cards_domain.list_cards(conn, user_id, limit, offset, active_only=active_only)
    return [_card_dict(conn, r) for r in rows]


def _card_row(conn: sqlite3.Connection, principal: Principal, tag_id: str | None,
              field: str) -> sqlite3.Row:  # fmt: skip
    ref = (tag_id or "").strip()
    if not ref:
        raise BadInput(field, "is required")
    row = cards_domain.card_by_tag(conn, ref)
    if row is None or partner_store.membership(conn, principal.partner_id,
                                               row["user_id"]) is None:  # fmt: skip
        raise NotFound(f"{field}: no card '{ref}'", field=field)
    return row


def card(conn: sqlite3.Connection, principal: Principal, tag_id: str | None,
         field: str) -> dict[str, Any]:  # fmt: skip
    """A member's card by its tag id (case-insensitive), with ``user_uuid``."""
    return _card_dict(conn, _card_row(conn, principal, tag_id, field))


def update_card(conn: sqlite3.Connection, principal: Principal, tag_id: str | None,
                name: str | None, active: bool | None, *, tag_field: str,
                name_field: str) -> dict[str, Any]:  # fmt: skip
    found = _card_row(conn, principal, tag_id, tag_field)
    row = cards_domain.rename_and_activate(conn, int(found["id"]), name, active, name_field)
    return _card_dict(conn, row)


def start_card(conn: sqlite3.Connection, principal: Principal, tag_id: str | None,
               field: str) -> tuple[int, int]:  # fmt: skip
    """(user id, card id) of a member's card to start charging with; whether the card may
    charge is the charging domain's to decide (a blocked card's start fails visibly)."""
    row = _card_row(conn, principal, tag_id, field)
    return int(row["user_id"]), int(row["id"])


# ------------------------------------------------------------------ sessions


def _with_connectors(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    connectors = {c["id"]: c for c in connector_store.connectors_by_ids(
        conn, list({r["connector_id"] for r in rows}))}
    out = []
    for row in rows:
        s = history.session_dict(conn, row)
        s["connector"] = connectors.get(row["connector_id"])
        s["state"] = row["state"]
        s["created_at"] = row["created_at"]
        out.append(s)
    return out


def sessions_of_contact(conn: sqlite3.Connection, principal: Principal,
                        contact_uuid: str | None, *, tag_id: str | None, active_only: bool,
                        offset: int, limit: int, field: str
                        ) -> list[dict[str, Any]]:  # fmt: skip
    """The contact's sessions, newest first (``history.session_dict`` with ``connector``
    the connector row, ``state`` and ``created_at``)."""
    user_id = _member(conn, principal, contact_uuid, field)
    tag = (tag_id or "").strip() or None
    rows, _total = history.list_sessions(conn, user_id, limit=limit, offset=offset,
                                         status="started" if active_only else None,
                                         tag_id=tag)  # fmt: skip
    return _with_connectors(conn, rows)


def session(conn: sqlite3.Connection, principal: Principal, ref: str | None,
            field: str) -> dict[str, Any]:  # fmt: skip
    """A member's session by its uuid (or transaction id), as ``sessions_of_contact``."""
    row = _session_row(conn, principal, ref, field)
    return _with_connectors(conn, [row])[0]


def _session_row(conn: sqlite3.Connection, principal: Principal, ref: str | None,
                 field: str) -> sqlite3.Row:  # fmt: skip
    ident = (ref or "").strip()
    if not ident:
        raise BadInput(field, "is required")
    found = find_session(conn, ident)
    if (found is None or found["user_id"] is None
            or partner_store.membership(conn, principal.partner_id, found["user_id"]) is None):
        raise NotFound(f"{field}: no session '{ident}'", field=field)
    return conn.execute("SELECT * FROM sessions WHERE id = ?", (found["id"],)).fetchone()


def session_owner(conn: sqlite3.Connection, principal: Principal, ref: str | None,
                  field: str) -> tuple[int, str]:  # fmt: skip
    """(user id, session uuid) of a member's session: what a stop needs."""
    row = _session_row(conn, principal, ref, field)
    return int(row["user_id"]), row["uuid"]


# ------------------------------------------------------------------ prices


def station_price(conn: sqlite3.Connection, principal: Principal, station_uuid: str | None,
                  tag_id: str | None, *, station_field: str, tag_field: str,
                  offer: Offer | None = None) -> dict[str, Any]:  # fmt: skip
    """What a kWh costs at the station (gross, tax included): ``name`` of the tariff,
    ``currency``, ``price``. A station whose connectors differ answers its cheapest
    connector the card may use. With ``tag_id``: one of the partner's cards, which must be
    able to charge there (active, unexpired, and a roaming card at a roaming station).
    Prices are the ``offer``'s; a station it does not cover is not found."""
    ref = (station_uuid or "").strip()
    if not ref:
        raise BadInput(station_field, "is required")
    station = station_store.station_by_uuid(conn, ref)
    if station is None or not offers.covers(offer, station):
        raise NotFound(f"{station_field}: no chargepoint '{ref}'", field=station_field)
    if tag_id is not None and tag_id.strip():
        found = _card_row(conn, principal, tag_id, tag_field)
        problem = card_problem(found, datetime.now(UTC))
        if problem is None and not cards_domain.card_can_charge(found, station["access_type"]):
            problem = "this card may not charge at roaming stations"
        if problem is not None:
            raise Forbidden(f"{tag_field}: {problem}", field=tag_field)
    connectors = offers.priced(
        offer, connector_store.connectors_of_stations(conn, [station["id"]])[station["id"]])
    prices = []
    for c in connectors:
        if c["free_of_charge"]:
            prices.append((0.0, "Free of charge", c["tariff_currency"] or "EUR"))
        elif c["tariff_name"] is not None:
            prices.append((float(c["per_kwh"]), c["tariff_name"], c["tariff_currency"]))
    if not prices:
        raise NotFound(f"{station_field}: chargepoint '{ref}' has no price", field=station_field)
    price, name, currency = min(prices, key=lambda o: o[0])
    return {"price": round(price, 4), "name": name, "currency": currency}
