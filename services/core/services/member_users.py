"""Users of a partner that manages them by numeric id (AMPECO operator users): list, create
(the new user becomes a member), read, update, their payment methods and invoice details.

Users outside the partner's members answer ``NotFound`` like ones that do not exist.
Invoice details are kept as one JSON object in the user's profile (``invoice_details``),
stamped with the time they last changed.
"""

from __future__ import annotations

import json
import sqlite3
import uuid as uuidlib
from typing import Any

from services.core.domain import payments
from services.core.domain.errors import Conflict, NotFound
from services.core.domain.partners import Principal
from services.core.store import member_records
from services.core.store import partners as partner_store
from services.core.store import users as user_store
from services.core.store.db import transaction, utcnow
from services.core.store.member_records import Slice

# Columns a partner may set (neutral names), besides e-mail, password and ``active``.
COLUMNS = ("first_name", "last_name", "phone", "street", "zip", "city", "state", "country",
           "language")  # fmt: skip
INVOICE_DETAILS = "invoice_details"


def _member(conn: sqlite3.Connection, principal: Principal, user_id: int, field: str
            ) -> dict[str, Any]:  # fmt: skip
    row = user_store.user_by_id(conn, user_id)
    if row is None or partner_store.membership(conn, principal.partner_id, user_id) is None:
        raise NotFound(f"{field}: no user {user_id}", field=field)
    return dict(row)


def users_page(conn: sqlite3.Connection, principal: Principal, part: Slice, **filters: Any
               ) -> tuple[list[dict[str, Any]], int | None]:  # fmt: skip
    return member_records.users(conn, principal.partner_id, part, **filters)


def user(conn: sqlite3.Connection, principal: Principal, user_id: int, field: str
         ) -> dict[str, Any]:  # fmt: skip
    return _member(conn, principal, user_id, field)


def _profile(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(row.get("profile") or "{}")


def create(conn: sqlite3.Connection, principal: Principal, *, email: str, password_hash: str,
           columns: dict[str, Any], active: bool, extra: dict[str, Any],
           email_field: str) -> dict[str, Any]:  # fmt: skip
    """A new user, a member of the partner; Conflict naming ``email_field`` when taken.
    ``extra``: what the partner keeps about the user without a column of its own (e.g. its
    ``external_id``), stored in the profile."""
    now = utcnow()
    cols = {k: v for k, v in columns.items() if k in COLUMNS and v is not None}
    cols.setdefault("language", "en_US")
    profile = {k: v for k, v in extra.items() if v is not None}
    with transaction(conn):
        if user_store.username_taken(conn, email):
            raise Conflict(f"{email_field}: the email has already been taken", field=email_field)
        values = {"uuid": str(uuidlib.uuid4()), "email": email, "password_hash": password_hash,
                  "additional_fields": "[]", "profile": json.dumps(profile),
                  "active": int(active), "created_at": now, "updated_at": now, **cols}
        cur = conn.execute(f"INSERT INTO users({', '.join(values)}) VALUES"
                           f" ({', '.join('?' * len(values))})", tuple(values.values()))
        user_id = int(cur.lastrowid)
        partner_store.add_member(conn, principal.partner_id, user_id, False, now)
    return _member(conn, principal, user_id, "id")


def update(conn: sqlite3.Connection, principal: Principal, user_id: int, *,
           columns: dict[str, Any], email: str | None = None, password_hash: str | None = None,
           active: bool | None = None, extra: dict[str, Any] | None = None,
           fields: dict[str, str]
           ) -> dict[str, Any]:  # fmt: skip
    """Change what is given (None leaves a value as it is). ``fields`` names ``id`` and
    ``email`` in the caller's words."""
    cols = {k: v for k, v in columns.items() if k in COLUMNS and v is not None}
    with transaction(conn):
        row = _member(conn, principal, user_id, fields["id"])
        if email is not None and email.lower() != row["email"].lower():
            if user_store.username_taken(conn, email):
                raise Conflict(f"{fields['email']}: the email has already been taken",
                               field=fields["email"])  # fmt: skip
            cols.update(email=email, email_verified=0)
        if password_hash is not None:
            cols["password_hash"] = password_hash
        if active is not None:
            cols["active"] = int(active)
        if extra:
            cols["profile"] = json.dumps({**_profile(row), **extra})
        cols["updated_at"] = utcnow()
        conn.execute(f"UPDATE users SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                     (*cols.values(), user_id))  # fmt: skip
    return _member(conn, principal, user_id, fields["id"])


def profile_of(row: dict[str, Any]) -> dict[str, Any]:
    """What ``create``/``update`` kept as ``extra`` (and the rest of the profile)."""
    return _profile(row)


# ------------------------------------------------------------------ invoice details


def invoice_details(conn: sqlite3.Connection, principal: Principal, user_id: int, field: str
                    ) -> dict[str, Any] | None:  # fmt: skip
    """The stored details (with ``updated_at``), None when never given."""
    return _profile(_member(conn, principal, user_id, field)).get(INVOICE_DETAILS)


def set_invoice_details(conn: sqlite3.Connection, principal: Principal, user_id: int,
                        details: dict[str, Any], field: str) -> dict[str, Any]:  # fmt: skip
    with transaction(conn):
        row = _member(conn, principal, user_id, field)
        stored = {**details, "updated_at": utcnow()}
        profile = {**_profile(row), INVOICE_DETAILS: stored}
        conn.execute("UPDATE users SET profile = ?, updated_at = ? WHERE id = ?",
                     (json.dumps(profile), stored["updated_at"], user_id))
    return stored


# ------------------------------------------------------------------ payment methods


def payment_methods(conn: sqlite3.Connection, principal: Principal, user_id: int, field: str
                    ) -> list[dict[str, Any]]:  # fmt: skip
    """The member's active payment methods, newest first; the first is the default."""
    _member(conn, principal, user_id, field)
    return [dict(r) for r in payments.method_rows(conn, user_id)]


def payment_method(conn: sqlite3.Connection, principal: Principal, user_id: int,
                   method_uuid: str, fields: dict[str, str]) -> tuple[dict[str, Any], bool]:
    """(the method, whether it is the default) by its uuid."""
    methods = payment_methods(conn, principal, user_id, fields["user"])
    for i, method in enumerate(methods):
        if method["uuid"] == method_uuid:
            return method, i == 0
    raise NotFound(f"{fields['method']}: no payment method '{method_uuid[:40]}'",
                   field=fields["method"])  # fmt: skip
