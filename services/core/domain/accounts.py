"""Users as the be.ENERGISED documents see them: registration, the contact profile,
password change, deletion / reactivation, e-mail checks and terms and conditions.

Readings of the document (it says little about behaviour):
- ``deleteContact`` deactivates the account (``active = 0``, ``deactivated_at`` set, every
  auth session revoked) instead of erasing it: invoices and charging history must be kept
  for accounting, and the document's ``reactivateUser`` exists to undo exactly this.
- ``reactivateUser(email)`` needs the proof the document has no field for: a token e-mailed
  to the address (``services.core.domain.reactivation``), sent back as bearer token.
- ``verifyEmail(email)`` checks an address's form only: status 200 when well formed, 400 when
  not. It answers the same for registered and free addresses (otherwise anyone could list
  who has an account) and never marks an address as verified.
- Contact ``language`` is a LanguageCode (``de_DE``); older rows may hold ``de``/``en``
  and are mapped to the matching code.
"""

from __future__ import annotations

import json
import sqlite3
import uuid as uuidlib
from datetime import UTC, datetime
from typing import Any

from services.core.domain import auth, reactivation
from services.core.domain.errors import BadInput, Conflict, NotFound
from services.core.domain.passwords import hash_password, verify_password
from services.core.domain.validation import check_email, check_password, check_text
from services.core.store.db import to_iso, transaction, utcnow

LANGUAGE_CODES = [
    "de_DE", "en_US", "sv_SE", "it_IT", "fr_FR", "ru_RU", "hu_HU", "no_NO", "es_ES", "lv_LV",
    "uk_UA", "da_DK", "nl_NL", "ro_RO", "ja_JP", "hr_HR", "fi_FI", "et_EE", "el_GR", "sk_SK",
    "lt_LT", "cs_CZ",
]
_SHORT_LANG = {code.split("_")[0]: code for code in LANGUAGE_CODES}
GENDERS = ("female", "male", "company", "diverse")

# The mandant's extra registration questions (``additionalRegistrationFields``). ``required``
# and ``type`` are strings because the document types them so.
ADDITIONAL_FIELDS: list[dict[str, str]] = [
    {
        "name": "newsletter",
        "value": "false",
        "description": "Send me news about charging offers by e-mail",
        "required": "false",
        "type": "boolean",
    },
    {
        "name": "vehicle",
        "value": "",
        "description": "Vehicle model (helps to suggest compatible chargers)",
        "required": "false",
        "type": "string",
    },
]
_FIELD_DEFS = {f["name"]: f for f in ADDITIONAL_FIELDS}

# Contact fields kept in users.profile (JSON) rather than in columns.
_PROFILE_KEYS = ("is_company", "vat", "fax", "title", "birthday", "company_id", "billing_name",
                 "billing_address")


def language_code(stored: str | None) -> str:
    if stored in LANGUAGE_CODES:
        return stored
    return _SHORT_LANG.get((stored or "en").split("_")[0].lower(), "en_US")


def short_language(code: str | None) -> str:
    return (code or "en").split("_")[0].lower()


def _user_row(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise NotFound("contact not found")
    return row


def latest_terms(conn: sqlite3.Connection, language: str | None = None) -> sqlite3.Row | None:
    """The newest terms in ``language`` (2-letter or LanguageCode), else in English."""
    lang = short_language(language)
    for candidate in (lang, "en"):
        row = conn.execute(
            "SELECT * FROM terms WHERE language = ? ORDER BY published_at DESC, id DESC LIMIT 1",
            (candidate,),
        ).fetchone()
        if row is not None:
            return row
    return conn.execute("SELECT * FROM terms ORDER BY published_at DESC LIMIT 1").fetchone()


def terms_accepted(conn: sqlite3.Connection, user: sqlite3.Row) -> bool:
    """True when the accepted terms are (a translation of) the newest version."""
    if not user["terms_accepted"]:
        return False
    accepted = conn.execute(
        "SELECT version FROM terms WHERE uuid = ?", (user["terms_accepted"],)
    ).fetchone()
    newest = latest_terms(conn, user["language"])
    return accepted is not None and newest is not None and accepted["version"] == newest["version"]


def contact_dict(conn: sqlite3.Connection, user: sqlite3.Row) -> dict[str, Any]:
    """A user as a contact: person or company, address, language, whether the newest terms
    are accepted."""
    profile = json.loads(user["profile"] or "{}")
    first, last = user["first_name"], user["last_name"]
    display = " ".join(p for p in (first, last) if p) or user["email"]
    return {
        "uuid": user["uuid"],
        "is_company": bool(profile.get("is_company", user["gender"] == "company")),
        "first_name": first,
        "last_name": last,
        "display_name": display,
        "address": {
            "street": user["street"],
            "zip": user["zip"],
            "city": user["city"],
            "state": user["state"],
            "country": (user["country"] or None),
        },
        "vat": profile.get("vat"),
        "phone": user["phone"],
        "mobile": user["mobile"],
        "email": user["email"],
        "language": language_code(user["language"]),
        "gender": user["gender"] if user["gender"] in GENDERS else None,
        "birthday": profile.get("birthday"),
        "company_id": profile.get("company_id"),
        "created_at": user["created_at"],
        "updated_at": user["updated_at"] or user["created_at"],
        "terms_accepted": terms_accepted(conn, user),
    }


def additional_fields_of(user: sqlite3.Row) -> list[dict[str, Any]]:
    stored = json.loads(user["additional_fields"] or "[]")
    if isinstance(stored, dict):  # tolerate {"name": "value"} rows written by generators
        stored = [{"name": k, "value": str(v)} for k, v in stored.items()]
    out = []
    for item in stored:
        definition = _FIELD_DEFS.get(item.get("name"), {})
        out.append({
            "name": item.get("name"),
            "value": item.get("value"),
            "description": item.get("description") or definition.get("description"),
            "required": item.get("required") or definition.get("required", "false"),
            "type": item.get("type") or definition.get("type"),
        })
    return out


def get_contact(conn: sqlite3.Connection, user_id: int) -> dict[str, Any]:
    return contact_dict(conn, _user_row(conn, user_id))


def _check_additional(fields: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    given: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(fields or []):
        name = (item.get("name") or "").strip()
        where = f"additional_fields[{i}]"
        if name not in _FIELD_DEFS:
            known = ", ".join(_FIELD_DEFS)
            raise BadInput(f"{where}.name", f"unknown field '{name}' (known: {known})")
        if name in given:
            raise BadInput(f"{where}.name", f"field '{name}' given twice")
        value = str(item.get("value") if item.get("value") is not None else "")
        if _FIELD_DEFS[name]["type"] == "boolean" and value not in ("true", "false"):
            raise BadInput(f"{where}.value", "must be 'true' or 'false'")
        if len(value) > 200:
            raise BadInput(f"{where}.value", "must be at most 200 characters long")
        given[name] = {"name": name, "value": value}
    for name, definition in _FIELD_DEFS.items():
        if definition["required"] == "true" and not given.get(name, {}).get("value"):
            raise BadInput("additional_fields", f"field '{name}' is required")
    return list(given.values())


def _profile_updates(profile: dict[str, Any], prefix: str) -> tuple[dict[str, Any], dict]:
    """Split a contact profile (first_name, last_name, phone, mobile, gender, language,
    address, and the ``_PROFILE_KEYS``) into user columns and profile JSON."""
    cols: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key in ("first_name", "last_name", "phone", "mobile"):
        if key in profile and profile[key] is not None:
            cols[key] = check_text(profile[key], f"{prefix}.{key}", max_len=100)
    if profile.get("gender") is not None:
        if profile["gender"] not in GENDERS:
            raise BadInput(f"{prefix}.gender", f"must be one of {', '.join(GENDERS)}")
        cols["gender"] = profile["gender"]
    if profile.get("language") is not None:
        if profile["language"] not in LANGUAGE_CODES:
            raise BadInput(f"{prefix}.language", "must be a LanguageCode such as de_DE")
        cols["language"] = profile["language"]
    address = profile.get("address")
    if address:
        for key in ("street", "zip", "city", "state"):
            if address.get(key) is not None:
                cols[key] = check_text(address[key], f"{prefix}.address.{key}", max_len=100)
        if address.get("country") is not None:
            country = str(address["country"])
            if len(country) != 2 or not country.isalpha():
                raise BadInput(f"{prefix}.address.country", "must be a CountryAlpha code")
            cols["country"] = country.upper()
    for key in _PROFILE_KEYS:
        if profile.get(key) is not None:
            value = profile[key]
            if isinstance(value, datetime):  # the DateTime scalar parses to datetime
                value = to_iso(value if value.tzinfo else value.replace(tzinfo=UTC))
            elif isinstance(value, str):
                value = check_text(value, f"{prefix}.{key}", max_len=100)
            extra[key] = value
    return cols, extra


def register(
    conn: sqlite3.Connection,
    profile: dict[str, Any] | None,
    additional_fields: list[dict[str, Any]] | None = None,
    password_hash: str | None = None,
) -> sqlite3.Row:
    """Create a user from a contact profile with e-mail and password; returns the new
    users row. ``password_hash``: the profile's password already hashed (by a caller that
    keeps the slow hashing off the database threads)."""
    if not profile:
        raise BadInput("profile", "is required")
    email = check_email(profile.get("email"), "profile.email")
    password = check_password(profile.get("password"), "profile.password")
    cols, extra = _profile_updates(profile, "profile")
    fields = _check_additional(additional_fields)
    pw_hash = password_hash or hash_password(password)  # slow: outside the transaction
    now = utcnow()
    with transaction(conn):
        if conn.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
            raise Conflict(
                f"profile.email: an account with '{email}' already exists",
                field="profile.email",
            )
        cols.setdefault("language", "en_US")
        columns = {
            "uuid": str(uuidlib.uuid4()),
            "email": email,
            "password_hash": pw_hash,
            "additional_fields": json.dumps(fields),
            "profile": json.dumps(extra),
            "created_at": now,
            "updated_at": now,
            **cols,
        }
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        cur = conn.execute(f"INSERT INTO users({names}) VALUES ({marks})", tuple(columns.values()))
        return _user_row(conn, int(cur.lastrowid))


def update_contact(conn: sqlite3.Connection, user_id: int, profile: dict[str, Any]) -> sqlite3.Row:
    """Apply every non-null field of a contact profile."""
    if profile.get("id") is not None:
        own = _user_row(conn, user_id)
        if profile["id"] != own["uuid"]:
            # Another user's id: do not confirm it exists (NOT_FOUND everywhere).
            raise NotFound("profile.id: no such contact")
    cols, extra = _profile_updates(profile, "profile")
    if profile.get("email") is not None:
        cols["email"] = check_email(profile["email"], "profile.email")
    with transaction(conn):
        user = _user_row(conn, user_id)
        if "email" in cols and cols["email"].lower() != user["email"].lower():
            taken = conn.execute(
                "SELECT 1 FROM users WHERE email = ? AND id != ?", (cols["email"], user_id)
            ).fetchone()
            if taken:
                raise Conflict(
                    "profile.email: another account uses this address",
                    field="profile.email",
                )
            cols["email_verified"] = 0
        if extra:
            merged = {**json.loads(user["profile"] or "{}"), **extra}
            cols["profile"] = json.dumps(merged)
        cols["updated_at"] = utcnow()
        sets = ", ".join(f"{c} = ?" for c in cols)
        conn.execute(f"UPDATE users SET {sets} WHERE id = ?", (*cols.values(), user_id))
        return _user_row(conn, user_id)


def change_password(
    conn: sqlite3.Connection, user_id: int, current: str | None, new: str | None,
    keep_session: int | None = None,
) -> None:
    """Check the current password, store the new hash, revoke the user's other sessions."""
    new_pw = check_new_password(current, new)
    if not verify_password(current or "", password_hash_of(conn, user_id)):
        raise BadInput("current_password", "is not correct")
    set_password_hash(conn, user_id, hash_password(new_pw), keep_session)


def check_new_password(current: str | None, new: str | None) -> str:
    """The checks of a password change that need no stored data; returns the new one."""
    if not current:
        raise BadInput("current_password", "is required")
    new_pw = check_password(new, "new_password")
    if new_pw == current:
        raise BadInput("new_password", "must differ from the current password")
    return new_pw


def password_hash_of(conn: sqlite3.Connection, user_id: int) -> str:
    return _user_row(conn, user_id)["password_hash"]


def set_password_hash(conn: sqlite3.Connection, user_id: int, new_hash: str,
                      keep_session: int | None = None) -> None:
    """Store a new password hash and revoke the user's other sessions."""
    with transaction(conn):
        conn.execute(
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
            (new_hash, utcnow(), user_id),
        )
        auth.invalidate_user_sessions(conn, user_id, except_session=keep_session)


def delete_contact(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row:
    """Deactivate the account, revoke its sessions and suspend its active cards (a charger
    must not accept the RFID card of a deleted account); reactivation restores them."""
    with transaction(conn):
        user = _user_row(conn, user_id)
        suspended = [r[0] for r in conn.execute(
            "SELECT uuid FROM cards WHERE user_id = ? AND status = 'ACTIVE'", (user_id,))]
        conn.execute("UPDATE cards SET status = 'INACTIVE' WHERE user_id = ? AND status = 'ACTIVE'",
                     (user_id,))
        profile = {**json.loads(user["profile"] or "{}"), "suspended_cards": suspended}
        conn.execute(
            "UPDATE users SET active = 0, deactivated_at = ?, updated_at = ?, profile = ?"
            " WHERE id = ?",
            (utcnow(), utcnow(), json.dumps(profile), user_id),
        )
        auth.invalidate_user_sessions(conn, user_id)
        return _user_row(conn, user_id)


def reactivate(conn: sqlite3.Connection, email: str | None, token: str | None
               ) -> tuple[int, str]:
    """(status, message) for reactivateUser with the e-mailed ``token``."""
    address = check_email(email, "email")
    with transaction(conn):
        user_id = reactivation.redeem_token(conn, address, token or "")
        row = None if user_id is None else conn.execute(
            "SELECT id, active, profile FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None or row["active"]:
            return 403, "invalid, used or expired reactivation token for this address"
        _restore(conn, row)
    return 200, "account reactivated; log in with your password"


def _restore(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    profile = json.loads(row["profile"] or "{}")
    for card_uuid in profile.pop("suspended_cards", []):
        conn.execute("UPDATE cards SET status = 'ACTIVE' WHERE uuid = ? AND user_id = ?",
                     (card_uuid, row["id"]))
    conn.execute("UPDATE users SET profile = ? WHERE id = ?", (json.dumps(profile), row["id"]))
    conn.execute(
        "UPDATE users SET active = 1, deactivated_at = NULL, failed_logins = 0,"
        " locked_until = NULL, updated_at = ? WHERE id = ?",
        (utcnow(), row["id"]),
    )


REACTIVATION_SENT = (
    "if a deactivated account uses this address, a reactivation token was sent to it; call"
    " reactivateUser again with it as 'Authorization: Bearer <token>'"
)


def email_shape(email: str | None) -> tuple[int, str]:
    """(status, message) for verifyEmail: the form of the address only, no lookup, so the
    answer and its timing are the same for registered and free addresses."""
    try:
        check_email(email, "email")
    except BadInput as exc:
        return 400, str(exc)
    return 200, "the e-mail address is well formed"


def verify_email(_conn: sqlite3.Connection | None, email: str | None) -> tuple[int, str]:
    return email_shape(email)


def accept_terms(conn: sqlite3.Connection, user_id: int, terms_uuid: str) -> str:
    """Record acceptance; returns the accepted version. Only the newest version counts."""
    with transaction(conn):
        terms = conn.execute("SELECT * FROM terms WHERE uuid = ?", (terms_uuid,)).fetchone()
        if terms is None:
            raise NotFound(f"id: no terms and conditions with id '{terms_uuid}'")
        user = _user_row(conn, user_id)
        newest = latest_terms(conn, terms["language"])
        if newest is not None and newest["version"] != terms["version"]:
            raise BadInput(
                "id", f"terms version {terms['version']} is outdated; accept {newest['version']}"
            )
        conn.execute(
            "UPDATE users SET terms_accepted = ?, updated_at = ? WHERE id = ?",
            (terms_uuid, utcnow(), user["id"]),
        )
        return terms["version"]
