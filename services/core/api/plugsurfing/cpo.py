"""The CPO role: station-post, connector-post-status, session-post, rfid-verify, rfid-post.

Readings:
- ``partner-identifier``: the first partner to use an identifier owns it (the document
  lets the sender choose it and hand it over "in a secure manner"; using it is that
  handover); another partner's identifier is 211. Stations, statuses and sessions are the
  partner's, whichever of its identifiers it sends.
- station-post: the station's ``id`` is the partner's; a second push updates the station.
  The operator is the one whose EVSE operator id ``cpo-id`` names (``DE*8PS``: country DE,
  party 8PS), a new one named after that id when the core has none. Connector ``id`` is the
  EVSE ID (the glossary's pattern) and must be unique in the whole core; the connectors of
  an existing station cannot change (230). The core keeps Type2, Combo, Chademo and Schuko
  plugs only (other types are 230). ``speed`` is kW; Combo and Chademo are DC, the others
  AC. ``is-open-24`` opens around the clock, else ``open-hour-notes`` (``["24h"]`` times
  kept as 00:00-23:59, the core's whole day). ``deleted: true`` hides the station from
  every search and from station-get-by-ids; a later push without it brings it back.
  ``contact.web`` (the example) and ``contact.website`` (the field list) are both read.
  Pushed stations are roaming stations for the core's drivers: they charge there with
  roaming keys, started at the partner's chargers (the core sends no commands to them).
- connector-post-status: only for EVSEs of the partner's own stations: those it pushed, and
  those of the operator its key speaks for (``--organisation``), 181 otherwise. The
  status reaches every API's status feed: Available; Occupied (charging); Reserved;
  Offline (unavailable); Unknown (nothing known).
- session-post: the user as identified (a charging key's UID, an EVCO ID, a user name or
  e-mail; 191/144 when the core has no such driver); the session lands in that driver's
  history. Without ``session-interval.stop`` it is running; a second post with the same
  ``session-id`` updates it. The EVSE must be one of the partner's (181).
- rfid-verify: 0 when the UID is an active key of a driver the core can bill; 191 unknown,
  192 blocked (or in the card stock), 193 no payment method.
- rfid-post replaces the whitelist of that partner identifier: those UIDs may start at the
  core's chargers (OCPP Authorize accepts them; the sessions belong to no driver of the
  core). ``processed`` counts the UIDs new to the list. The document's own example sends
  "abcdefab", so hex UIDs are upper-cased here (user-add-rfid is strict); other rules apply.
"""

from __future__ import annotations

import re
from typing import Any

from services.core.api.plugsurfing import results as r
from services.core.api.plugsurfing.endpoint import Call
from services.core.api.plugsurfing.parsers import (
    ConnectorPostStatus,
    RfidPost,
    RfidVerify,
    SessionPost,
    StationPost,
    StationWire,
    instant,
    parse,
    uid,
)
from services.core.api.plugsurfing.renderers import ALL_DAY, PLUG_OF_NAME
from services.core.domain import countries, status
from services.core.domain.partner_feeds import (
    FeedError,
    PostedConnector,
    PostedSession,
    PostedStation,
)
from services.core.services import partner_feeds

_CPO_ID = re.compile(r"^([A-Za-z]{2})\*?([A-Za-z0-9]{3})$")
_EVSE_ID = re.compile(r"^[A-Za-z]{2}\*?[A-Za-z0-9]{3}\*?E[A-Za-z0-9*]{1,30}$")
_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
DC_PLUGS = ("CCS", "CHADEMO")
# OIOI status -> (OCPP status, calculated, simple) as the core stores connector statuses.
_STATUS = {
    "Available": ("Available", "Available", "Available"),
    "Occupied": ("Charging", "Charging", "Occupied"),
    "Reserved": ("Reserved", "Reserved", "Occupied"),
    "Offline": ("Unavailable", "Unknown", "Unavailable"),
    "Unknown": (None, "Unknown", "Unavailable"),
}


def _feed_error(exc: FeedError) -> r.OioiError:
    code = {"identifier": r.INVALID_PARTNER, "not_found": r.EVSE_NOT_FOUND}.get(
        exc.kind, r.INVALID_FORMAT)
    return r.OioiError(code, exc.message)


def _hours(st: StationWire) -> dict[str, Any]:
    if st.is_open_24:
        return {"twentyfourseven": True}
    regular = []
    for i, note in enumerate(st.open_hour_notes or []):
        where = f"station.open-hour-notes.{i}"
        if note.times == ["24h"]:
            begin, end = ALL_DAY
        elif len(note.times) == 2 and all(_TIME.match(t) for t in note.times):
            begin, end = note.times
        else:
            raise r.bad_format(f"{where}.times", "must be two times 'HH:MM' or ['24h']")
        first, last = _DAYS.index(note.days[0]), _DAYS.index(note.days[1])
        if last < first:
            raise r.bad_format(f"{where}.days", "must run from the first day to the last")
        regular += [{"weekday": d + 1, "begin": begin, "end": end}
                    for d in range(first, last + 1)]
    return {"twentyfourseven": False, "regular": regular}


def _station(st: StationWire) -> PostedStation:
    cpo = _CPO_ID.match(st.cpo_id.strip())
    if cpo is None:
        raise r.bad_format("station.cpo-id", "must be an EVSE operator id such as DE*8PS")
    country3 = countries.alpha3(st.address.country) if len(st.address.country) == 2 else None
    if country3 is None:
        raise r.bad_format("station.address.country", "must be an ISO 3166-1 alpha-2 code")
    connectors = []
    for i, c in enumerate(st.connectors):
        if not _EVSE_ID.match(c.id):
            raise r.bad_format(f"station.connectors.{i}.id", "must be an EVSE ID such as "
                               "DE*8PS*E123456")
        plug = PLUG_OF_NAME.get(c.name)
        if plug is None:
            raise r.bad_format(f"station.connectors.{i}.name", "the core keeps Type2, Combo, "
                               f"Chademo and Schuko connectors, not {c.name}")
        connectors.append(PostedConnector(c.id, plug, "DC" if plug in DC_PLUGS else "AC",
                                          c.speed))
    if len({c.evse_id for c in connectors}) != len(connectors):
        raise r.bad_format("station.connectors", "every connector id must be unique")
    a, contact = st.address, st.contact
    street = " ".join(p.strip() for p in (a.street, a.street_number) if p and p.strip())
    details = {
        "description": st.description, "notes": st.notes, "floor_level": st.floor_level,
        "total_parking": st.total_parking, "green_power": st.is_green_power_available,
        "plugin_charge": st.is_plugin_charge, "roofed": st.is_roofed,
        "reservable": st.is_reservable,
        "contact": None if contact is None else {
            "phone": contact.phone, "fax": contact.fax, "email": contact.email,
            "web": contact.website or contact.web},
    }  # fmt: skip
    return PostedStation(
        external_id=st.id, name=st.name, latitude=st.latitude, longitude=st.longitude,
        street=street or None, zip=a.zip, city=a.city, country3=country3,
        operator_country=cpo.group(1).upper(), operator_party=cpo.group(2).upper(),
        connectors=tuple(connectors), opening_hours=_hours(st),
        free_of_charge=bool(st.is_free_charge), private=bool(st.is_private),
        deleted=st.deleted, details={k: v for k, v in details.items() if v is not None},
    )  # fmt: skip


async def station_post(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(StationPost, fields, call.kind)
    try:
        await call.core.db(partner_feeds.post_station, call.principal, req.partner_identifier,
                           _station(req.station))  # fmt: skip
    except FeedError as exc:
        raise _feed_error(exc) from None
    return {}


async def connector_post_status(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(ConnectorPostStatus, fields, call.kind)
    try:
        connector = await call.core.db(partner_feeds.partner_connector, call.principal,
                                       req.partner_identifier, req.connector_id)
    except FeedError as exc:
        raise _feed_error(exc) from None
    ocpp, calculated, simple = _STATUS[req.status]
    await status.publish_connector_status(call.core, connector, ocpp, calculated, simple)
    return {}


async def session_post(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(SessionPost, fields, call.kind)
    start = instant(req.session_interval.start, "session-interval.start")
    stop = instant(req.session_interval.stop, "session-interval.stop")
    charging = req.charging_interval
    charging_end = instant(charging.stop, "charging-interval.stop") if charging else None
    if start is None or (stop is not None and stop < start):
        raise r.bad_format("session-interval.stop", "must not be before start")
    ident = req.user.identifier.strip()
    kind = req.user.identifier_type
    if kind == "rfid":
        ident = uid(ident, "user.identifier")
    try:
        found = await call.core.db(partner_feeds.customer, kind, ident)
    except ValueError as exc:
        raise r.OioiError(r.EVCO_ERROR, f"user.identifier: {exc}") from None
    if found is None:
        code = r.EMAIL_UNKNOWN if kind == "username" else r.EVCO_NOT_FOUND
        raise r.OioiError(code, f"user.identifier: the core has no driver '{ident}'")
    user_id, card_id = found
    cost = req.calculated_cost
    posted = PostedSession(
        external_id=req.session_id, user_id=user_id, card_id=card_id, auth_id=ident,
        evse_id=req.connector_id, start=start, stop=stop, charging_end=charging_end,
        energy_kwh=req.energy_consumed, cost=cost.amount if cost else None,
        currency=cost.currency.upper() if cost else None)
    try:
        await call.core.db(partner_feeds.post_session, call.principal, req.partner_identifier,
                           posted)  # fmt: skip
    except FeedError as exc:
        raise _feed_error(exc) from None
    return {}


async def rfid_verify(call: Call, fields: Any) -> dict[str, Any]:
    tag = uid(parse(RfidVerify, fields, call.kind).rfid, "rfid")
    state = await call.core.db(partner_feeds.verify_uid, tag)
    if state == "unknown":
        raise r.OioiError(r.EVCO_NOT_FOUND, f"rfid: no charging key '{tag}'")
    if state == "blocked":
        raise r.OioiError(r.EVCO_LOCKED, f"rfid: charging key '{tag}' is blocked")
    if state == "no_payment":
        raise r.OioiError(r.EVCO_NO_PAYMENT, "rfid: its driver has no valid payment method")
    return {}


async def rfid_post(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(RfidPost, fields, call.kind)
    uids = [uid(u.strip().upper(), f"rfids.{i}") for i, u in enumerate(req.rfids)]
    try:
        processed = await call.core.db(partner_feeds.replace_whitelist, call.principal,
                                       req.partner_identifier, uids)
    except FeedError as exc:
        raise _feed_error(exc) from None
    return {"rfid": {"processed": processed}}
