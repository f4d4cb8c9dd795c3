"""Users of a partner API that signs them in for an app (OIOI OEMs): the tokens it hands
them, finding them by e-mail, user name, EVCO ID or card UID, registering them.

A token works only with the partner that issued it, for 30 days; only its sha256 is kept.
A user becomes a member of the partner (``partners.add_member``) on registering or signing
in with a password through it: that is the user entrusting the partner with the account.
Every lookup on behalf of a partner answers only for its members, so one partner can
neither use nor probe another's users.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.core.domain import accounts, evco
from services.core.domain.errors import Conflict
from services.core.domain.partners import Principal
from services.core.store import cards as card_store
from services.core.store import partner_user_tokens as token_store
from services.core.store import partners as partner_store
from services.core.store import users as user_store
from services.core.store.db import from_iso, to_iso, transaction

TOKEN_TTL = timedelta(days=30)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(conn: sqlite3.Connection, principal: Principal, user_id: int,
                now: datetime | None = None) -> str:  # fmt: skip
    """A new token of the user for this partner (and the user a member of it)."""
    now = now or datetime.now(UTC)
    token = secrets.token_hex(16)
    with transaction(conn):
        partner_store.add_member(conn, principal.partner_id, user_id, False, to_iso(now))
        token_store.purge_expired(conn, to_iso(now))
        token_store.insert(conn, principal.partner_id, user_id, _hash(token), to_iso(now),
                           to_iso(now + TOKEN_TTL))  # fmt: skip
    return token


def token_user(conn: sqlite3.Connection, principal: Principal, token: str | None,
               now: datetime | None = None) -> int | None:  # fmt: skip
    """The user a token of this partner belongs to; None when unknown, of another partner,
    revoked, expired, or the account is deactivated."""
    if not token or len(token) > 200:
        return None
    row = token_store.by_hash(conn, _hash(token))
    if row is None or row["partner_id"] != principal.partner_id or row["revoked"]:
        return None
    if not row["active"] or from_iso(row["expires_at"]) <= (now or datetime.now(UTC)):
        return None
    return int(row["user_id"])


def log_out(conn: sqlite3.Connection, principal: Principal, user_id: int) -> int:
    """End every token this partner holds for the user (every device signed in through
    it); returns how many."""
    with transaction(conn):
        return token_store.revoke_for_partner(conn, principal.partner_id, user_id)


@dataclass(frozen=True)
class Member:
    user_id: int
    email: str
    active: bool


def member_by_login(conn: sqlite3.Connection, principal: Principal, name: str | None
                    ) -> Member | None:  # fmt: skip
    """A member of the partner by e-mail address or user name."""
    row = user_store.user_by_login(conn, (name or "").strip()) if name else None
    if row is None or not partner_store.membership(conn, principal.partner_id, row["id"]) \
            is not None:
        return None
    return Member(int(row["id"]), row["email"], bool(row["active"]))


def login_email(conn: sqlite3.Connection, name: str | None) -> str:
    """The e-mail address to sign in with for an e-mail address or user name (the name
    itself when nobody has it, so an unknown name fails like a wrong password)."""
    name = (name or "").strip()
    row = user_store.user_by_login(conn, name) if name else None
    return row["email"] if row is not None else name


def member_by_evco(conn: sqlite3.Connection, principal: Principal, value: str
                   ) -> int | None:  # fmt: skip
    """The member an EVCO ID of a user or of one of the user's cards names. Raises
    ValueError for a malformed EVCO ID."""
    ref = evco.parse(value)
    if ref is None:
        return None
    user_id = ref.row_id
    if ref.kind == evco.CARD:
        owner = card_store.owner_of_card(conn, ref.row_id)
        if owner is None:
            return None
        user_id = owner
    if partner_store.membership(conn, principal.partner_id, user_id) is None:
        return None
    return user_id


def register(conn: sqlite3.Connection, principal: Principal, *, username: str | None,
             email: str, password: str, password_hash: str, language: str | None
             ) -> int:  # fmt: skip
    """A new user (a member of the partner) with an optional user name; returns its id.
    Conflict when the e-mail address or the user name is taken."""
    profile = {"email": email, "password": password}
    if language:
        profile["language"] = accounts.language_code(language)
    with transaction(conn):
        if user_store.username_taken(conn, email):
            raise Conflict("email: an account with this address already exists", field="email")
        if username and username.lower() != email.lower() and user_store.username_taken(
                conn, username):
            raise Conflict(f"username: '{username}' is taken", field="username")
        row = accounts.register(conn, profile, None, password_hash)
        if username and username.lower() != email.lower():
            user_store.set_username(conn, row["id"], username)
    return int(row["id"])


def member_by_uid(conn: sqlite3.Connection, principal: Principal, tag: str) -> int | None:
    """The member owning the card with this UID (whatever the card's status)."""
    owner = card_store.owner_of_tag(conn, tag)
    if owner is None or partner_store.membership(conn, principal.partner_id, owner) is None:
        return None
    return owner


def _street_parts(street: str | None) -> tuple[str | None, str | None]:
    """'Torgauer Str. 12 - 15' -> ('Torgauer Str.', '12 - 15'): the number starts at the
    first word after the first that starts with a digit."""
    if not street:
        return None, None
    words = street.split()
    for i, word in enumerate(words[1:], start=1):
        if word[:1].isdigit():
            return " ".join(words[:i]), " ".join(words[i:])
    return street, None


def _address_of(street: str | None, zipcode: str | None, city: str | None,
                country: str | None) -> dict[str, Any] | None:  # fmt: skip
    if not any((street, zipcode, city, country)):
        return None
    name, number = _street_parts(street)
    return {"street": name, "street_number": number, "zip": zipcode, "city": city,
            "country": country}  # fmt: skip


def details(conn: sqlite3.Connection, user_id: int) -> dict[str, Any]:
    """The user's personal and billing details (neutral names)."""
    row = user_store.user_by_id(conn, user_id)
    profile = json.loads(row["profile"] or "{}")
    billing = profile.get("billing_address") or None
    return {
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "address": _address_of(row["street"], row["zip"], row["city"], row["country"]),
        "billing_name": profile.get("billing_name"),
        "billing_address": _address_of(billing.get("street"), billing.get("zip"),
                                       billing.get("city"), billing.get("country"))
        if isinstance(billing, dict) else None,
        "language": accounts.short_language(row["language"]),
        "vat": profile.get("vat"),
        "phone": row["phone"],
        "evco_id": evco.user_evco(user_id),
    }


def update_details(conn: sqlite3.Connection, user_id: int, profile: dict[str, Any]) -> None:
    """``profile`` as ``accounts.update_contact`` takes it (None values leave a field)."""
    accounts.update_contact(conn, user_id, profile)
