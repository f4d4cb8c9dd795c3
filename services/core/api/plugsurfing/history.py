"""user-get-recent-sessions, user-get-recent-stations, user-get-bills, vehicle-get-all.

Readings:
- Recent sessions: the newest ``RECENT_SESSIONS`` of the user, running ones included.
  ``request-sent`` is when the session was requested, ``session-interval`` from the
  transaction's start to its end, ``charging-interval`` from its start to when energy
  stopped flowing; ``connector-id`` / ``charging-station-id`` the ids station-get-by-ids
  uses; ``external-session-id`` the CPO's id of a session it reported (session-post), else the
  core's own (session-start's ``session-id``);
  ``cost`` the gross total so far (``"3.76"``); ``address`` "street, zip city, country".
- Recent stations: ``stations`` is an array of station objects as the field list says (the
  example nests it in a second array); ``limit`` defaults to 10, at most 100.
- Bills: the user's invoices whose date lies in [start, end); ``bill`` a signed link to the
  PDF the core serves (valid 15 minutes), ``external-session-ids`` the sessions it bills.
  ``start``/``end`` must be RFC 3339 with an offset.
- Vehicles: the core's fixed catalogue; ``max-speed`` is the fastest a car charges (kW).
"""

from __future__ import annotations

from typing import Any

from services.core.api.plugsurfing import renderers
from services.core.api.plugsurfing import results as r
from services.core.api.plugsurfing.endpoint import Call
from services.core.api.plugsurfing.parsers import (
    UserGetBills,
    UserRecentStations,
    WithUser,
    instant,
    parse,
)
from services.core.api.plugsurfing.who import user_id
from services.core.domain import countries
from services.core.domain.vehicles import CATALOGUE
from services.core.services import session_views, station_views

RECENT_SESSIONS = 50


def _address(station: dict[str, Any] | None) -> str | None:
    if station is None:
        return None
    town = " ".join(p for p in (station.get("zip"), station.get("city")) if p)
    parts = [station.get("address"), town, countries.name(station.get("country"))]
    return ", ".join(p for p in parts if p) or None


def _session(s: dict[str, Any]) -> dict[str, Any]:
    cost = s.get("cost") or {}
    return {
        "request-sent": renderers.rfc3339(s["requested_at"]),
        "connector-id": s["connector"],
        "charging-station-id": s["station_id"],
        "session-interval": {"start": renderers.rfc3339(s["date_start"]),
                             "end": renderers.rfc3339(s["date_end"])},
        "charging-interval": {"start": renderers.rfc3339(s["date_start"]),
                              "end": renderers.rfc3339(s["charging_end"] or s["date_end"])},
        "energy-consumed": s["energy_kwh"],
        "cost": renderers.money(cost.get("total")),
        "currency": cost.get("currency") or "EUR",
        "external-session-id": s["external_id"] or s["id"],
        "address": _address(s["station"]),
    }


async def user_get_recent_sessions(call: Call, fields: Any) -> dict[str, Any]:
    who = await user_id(call, parse(WithUser, fields, call.kind).user)
    sessions = await call.core.db(session_views.recent_sessions, who, RECENT_SESSIONS)
    return {"user": {"sessions": [_session(s) for s in sessions]}}


async def user_get_recent_stations(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(UserRecentStations, fields, call.kind)
    who = await user_id(call, req.user)
    found = await call.core.db(station_views.recent_of_user, who, req.limit,
                               await call.offer())  # fmt: skip
    return {"user": {"stations": [renderers.station_recent(s, found.connectors[s["id"]])
                                  for s in found.stations]}}


async def user_get_bills(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(UserGetBills, fields, call.kind)
    start = instant(req.date_interval.start, "date-interval.start")
    end = instant(req.date_interval.end, "date-interval.end")
    assert start is not None and end is not None  # both are required fields
    if end < start:
        raise r.bad_format("date-interval.end", "must not be before start")
    who = await user_id(call, req.user)
    base = str(call.request.base_url).rstrip("/")
    found = await call.core.db(session_views.bills, who, start, end, base)
    return {"user": {"bills": [{"external-session-ids": ids, "bill": link}
                               for link, ids in found]}}


async def vehicle_get_all(call: Call, fields: Any) -> dict[str, Any]:
    return {call.kind: {"vehicles": [
        {"id": v.id, "brand": v.brand, "model": v.model, "max-speed": v.max_kw,
         "connector-types": [renderers.PLUG_NAMES[p] for p in v.plugs]} for v in CATALOGUE]}}
