"""The fields of each OIOI request this app sends, in the document's names and types.

Each function returns the object that goes under the request type's key; the client
wraps it (``{"station-get-surface": {...}}``).
"""

from __future__ import annotations

import re
from datetime import datetime

from services import models as m
from services.provider import InvalidInput

# Request types the app sends (OEM role).
USER_VERIFY = "user-verify"
USER_REGISTER = "user-register"
USER_RESET = "user-reset"
USER_LOGOUT = "user-logout"
USER_CHANGE_PASSWORD = "user-change-password"  # noqa: S105 - a request type
USER_GET_DETAILS = "user-get-details"
USER_POST_DETAILS = "user-post-details"
USER_GET_CHARGING_KEYS = "user-get-charging-keys"
USER_ADD_RFID = "user-add-rfid"
USER_BLOCK_RFID = "user-block-rfid"
USER_UNBLOCK_RFID = "user-unblock-rfid"
USER_GET_RECENT_SESSIONS = "user-get-recent-sessions"
USER_GET_RECENT_STATIONS = "user-get-recent-stations"
USER_GET_BILLS = "user-get-bills"
STATION_GET_SURFACE = "station-get-surface"
STATION_GET_BY_IDS = "station-get-by-ids"
SESSION_START = "session-start"
SESSION_STOP = "session-stop"

MAX_IDS_PER_CALL = 10  # station-get-by-ids: "The maximum number of IDs per call is ten."

# The document's connector type words for the neutral plugs (station-get-surface filter).
CONNECTOR_TYPES: dict[m.PlugType, tuple[str, ...]] = {
    m.PlugType.TYPE2: ("Type2",),
    m.PlugType.CCS: ("Combo",),
    m.PlugType.CHADEMO: ("Chademo",),
    m.PlugType.SCHUKO: ("Schuko", "TypeE"),
}
DC_TYPES = ("Combo", "Chademo", "Tesla")
AC_TYPES = (
    "Type2",
    "Type1",
    "Type3",
    "Schuko",
    "TypeE",
    "CeeBlue",
    "CeeRed",
    "Cee2Poles",
    "CeePlus",
    "3PinSquare",
    "Scame",
    "Nema5",
    "T13",
    "T15",
    "T23",
    "Marechal",
)

_UID = re.compile(r"^[0-9A-F]+$")
UID_LENGTHS = (8, 14, 20)


def normalise_uid(uid: str) -> str:
    """An RFID UID as the document wants it: upper-case hex, 8, 14 or 20 characters,
    zero-padded on the left when shorter."""
    value = (uid or "").strip().replace(" ", "").replace(":", "").upper()
    if not value or not _UID.match(value):
        raise InvalidInput("A card number is written in hex digits (0-9, A-F).", field="uid")
    for length in UID_LENGTHS:
        if len(value) <= length:
            return value.rjust(length, "0")
    raise InvalidInput("A card number has at most 20 hex digits.", field="uid")


def rfc3339(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def verify(username: str, password: str, *, is_token: bool, language: str | None) -> dict:
    fields: dict = {"username": username, "password": password, "is-token": is_token}
    if language:
        fields["language"] = language
    return fields


def register(r: m.Registration, language: str | None) -> dict:
    # the app signs in by e-mail, so the username is the e-mail address
    fields = {"username": r.email, "email": r.email, "password": r.password}
    if language:
        fields["language"] = language
    return fields


def surface(box: m.BoundingBox, filters: dict) -> dict:
    fields: dict = {
        "min-lat": box.south,
        "max-lat": box.north,
        "min-long": box.west,
        "max-long": box.east,
    }
    if filters:
        fields["filters"] = filters
    return fields


def surface_filters(f: m.StationFilters) -> dict:
    """The neutral filters the surface search can express: plug types, the current (as
    the plug types that carry it) and a minimum power."""
    out: dict = {}
    types: list[str] = []
    for plug in f.plug_types:
        types.extend(CONNECTOR_TYPES.get(plug, ()))
    if f.current_type is not None:
        by_current = DC_TYPES if f.current_type is m.CurrentType.DC else AC_TYPES
        types = [t for t in types if t in by_current] if f.plug_types else list(by_current)
        if not types:
            types = ["UNKNOWN"]  # no plug of that current: nothing can match
    if types:
        out["connector-types"] = list(dict.fromkeys(types))
    if f.min_power_kw:
        # "greater" read as at least: a 22 kW point answers a 22 kW minimum
        out["connector-speeds-greater"] = f.min_power_kw
    return out


def details(p: m.Profile) -> dict:
    out: dict = {}
    if p.first_name is not None:
        out["first-name"] = p.first_name
    if p.last_name is not None:
        out["last-name"] = p.last_name
    if p.phone is not None:
        out["phone"] = p.phone
    if p.language:
        out["locale"] = p.language[:2].lower()
    a = p.address
    if any((a.street, a.postal_code, a.city, a.country)):
        if not a.country:
            raise InvalidInput("Choose the country of your address.", field="address.country")
        street, number = split_street(a.street)
        address = {
            "street": street,
            "street-number": number,
            "zip": a.postal_code,
            "city": a.city,
            "country": a.country,
        }
        out["address"] = {k: v for k, v in address.items() if v is not None}
    return out


def split_street(street: str | None) -> tuple[str | None, str | None]:
    """'Torgauer Str. 12-15' -> ('Torgauer Str.', '12-15'): OIOI keeps the number apart."""
    if not street:
        return street, None
    match = re.match(r"^(.*?\S)\s+(\d[\w\s/-]*)$", street.strip())
    if match:
        return match.group(1), match.group(2).strip()
    return street.strip(), None
