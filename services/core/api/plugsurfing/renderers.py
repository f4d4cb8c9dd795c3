"""Domain rows -> OIOI wire objects (kebab-case keys, the document's types).

Readings:
- Dates are RFC 3339 with an explicit offset (``2016-05-09T04:08:06+00:00``), in UTC.
- Prices are strings with two decimals (``"0.36"``), speeds ``"<kW>kW"`` (``"22.2kW"``);
  ``charging-per-hour`` is the per-minute price times 60, ``parking-per-hour`` likewise.
- Connector ``name`` is the document's type word (TYPE2 Type2, CCS Combo, CHADEMO Chademo,
  SCHUKO Schuko); ``mode`` the IEC 61851 charging mode (Schuko Mode2... read as the
  document's "Model" = Mode1 for a plain socket, AC Mode3, DC Mode4).
- Status: Available, Occupied (charging, preparing, finishing, suspended), Reserved,
  Offline (out of order, unavailable, or the charger is not connected), Unknown (never
  reported). A station's summary is Available if any connector is, else Occupied /
  Reserved / Offline in that order; station-get-surface allows no "Unknown" there, so an
  unknown summary is null.
- Addresses: the core keeps street and number in one field, so ``street`` holds both and
  ``street-number`` is null; the country is its English name (the document's examples).
  The station-get-by-ids example writes ``streetNumber`` where its field list says
  ``street-number``: both keys are sent.
- Companies are the operators; the core knows no owner companies, owner types or
  company types (null), and every station's service provider is its operator.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from services.core.domain import countries
from services.core.store.db import from_iso

PLUG_NAMES = {"TYPE2": "Type2", "CCS": "Combo", "CHADEMO": "Chademo", "SCHUKO": "Schuko"}
PLUG_OF_NAME = {v: k for k, v in PLUG_NAMES.items()}
_MODES = {"SCHUKO": "Mode1"}
_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# A whole day as the core stores it (and be.ENERGISED shows it); the document's ["24h"].
ALL_DAY = ("00:00", "23:59")


def rfc3339(value: str | None) -> str | None:
    if not value:
        return None
    dt = from_iso(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0).isoformat()


def money(value: float | None) -> str:
    return f"{(value or 0.0):.2f}"


def speed(kw: float | None) -> str | None:
    return None if kw is None else f"{round(float(kw), 1):g}kW"


def connector_status(c: dict[str, Any], station_connected: bool = True) -> str:
    if (c.get("ocpp_status") or "") == "Reserved":
        return "Reserved"
    simple = c.get("simple_status")
    if simple == "Available":
        return "Available"
    if simple == "Occupied":
        return "Occupied"
    if simple in ("Unavailable", "Faulted"):
        # Unknown: nothing was ever reported (a pushed "Unknown" stores no OCPP status).
        return "Offline" if c.get("ocpp_status") else "Unknown"
    return "Unknown"


def summary(statuses: list[str]) -> str:
    for value in ("Available", "Occupied", "Reserved", "Offline"):
        if value in statuses:
            return value
    return "Unknown"


def _address(street: str | None, zipcode: str | None, city: str | None, country: str | None
             ) -> dict[str, Any]:  # fmt: skip
    return {"street": street, "street-number": None, "streetNumber": None, "city": city,
            "zip": zipcode, "country": countries.name(country)}  # fmt: skip


def open_hour_notes(stored: str | None) -> list[dict[str, Any]] | None:
    """The stored opening hours as the document's day ranges with equal times."""
    hours = json.loads(stored) if stored else None
    if not hours:
        return None
    if hours.get("twentyfourseven"):
        return [{"times": ["24h"], "days": ["Mo", "Su"]}]
    by_day = {int(p["weekday"]): (p["begin"], p["end"]) for p in hours.get("regular") or []}
    notes: list[dict[str, Any]] = []
    day = 1
    while day <= 7:
        times = by_day.get(day)
        if times is None:
            day += 1
            continue
        last = day
        while last + 1 <= 7 and by_day.get(last + 1) == times:
            last += 1
        shown = ["24h"] if tuple(times) == ALL_DAY else list(times)
        notes.append({"times": shown, "days": [_DAYS[day - 1], _DAYS[last - 1]]})
        day = last + 1
    return notes


def prices(c: dict[str, Any]) -> dict[str, Any] | None:
    if c.get("free_of_charge"):
        return {"starting-fee": "0.00", "charging-per-hour": "0.00",
                "parking-per-hour": "0.00", "charging-per-kwh": "0.00", "currency": "EUR"}
    if c.get("tariff_name") is None:
        return None
    return {
        "starting-fee": money(c["start_fee"]),
        "charging-per-hour": money((c["per_minute"] or 0) * 60),
        "parking-per-hour": money((c["parking_per_minute"] or 0) * 60),
        "charging-per-kwh": money(c["per_kwh"]),
        "currency": c["tariff_currency"] or "EUR",
    }


def connector(c: dict[str, Any], connected: bool) -> dict[str, Any]:
    plug = c["plug_type"]
    return {
        "id": c["id"],
        "status": connector_status(c, connected),
        "last-change": rfc3339(c.get("status_since")),
        "name": PLUG_NAMES.get(plug, "UNKNOWN"),
        "speed": speed(c["max_power_kw"]),
        "mode": _MODES.get(plug, "Mode4" if c["current_type"] == "DC" else "Mode3"),
        "external-id": c["evse_id"],
        "prices": prices(c),
    }


def _last_dynamic(connectors: list[dict[str, Any]]) -> str | None:
    times = [c["status_since"] for c in connectors if c.get("status_since")]
    return rfc3339(max(times)) if times else None


def station_name(s: dict[str, Any]) -> str:
    return s.get("public_name") or s["label"]


def station_surface(s: dict[str, Any], connectors: list[dict[str, Any]]) -> dict[str, Any]:
    statuses = {str(c["id"]): connector_status(c) for c in connectors}
    overall = summary(list(statuses.values()))
    return {
        "id": s["id"],
        "name": station_name(s),
        "latitude": s["latitude"],
        "longitude": s["longitude"],
        "dynamic-status-summary": None if overall == "Unknown" else overall,
        "owner-type": None,
        "last-static-change": rfc3339(s.get("static_changed_at")),
        "connector-statuses": statuses,
    }


def station_recent(s: dict[str, Any], connectors: list[dict[str, Any]]) -> dict[str, Any]:
    full = station_surface(s, connectors)
    return {k: full[k] for k in ("id", "name", "latitude", "longitude",
                                 "dynamic-status-summary", "owner-type")}


def station_full(s: dict[str, Any], connectors: list[dict[str, Any]]) -> dict[str, Any]:
    hours = open_hour_notes(s.get("opening_hours"))
    rendered = [connector(c, bool(s.get("connected"))) for c in connectors]
    overall = summary([c["status"] for c in rendered])
    # What a partner pushed with the station (station-post), where the core has no column.
    d = s.get("details") or {}
    contact = d.get("contact") or {}
    return {
        "id": s["id"],
        "address": _address(s.get("address"), s.get("zip"), s.get("city"), s.get("country")),
        "contact": {"email": contact.get("email", s.get("operator_email")),
                    "web": contact.get("web", s.get("operator_website")),
                    "phone": contact.get("phone", s.get("operator_phone")),
                    "fax": contact.get("fax")},
        "operator-company-id": s["operator_id"],
        "operator-logo": None,
        "floor-level": d.get("floor_level"),
        "is-free-charge": bool(connectors) and all(c.get("free_of_charge") for c in connectors),
        "last-static-change": rfc3339(s.get("static_changed_at")),
        "last-dynamic-change": _last_dynamic(connectors),
        "name": station_name(s),
        "description": d.get("description"),
        "latitude": s["latitude"],
        "longitude": s["longitude"],
        "open-hour-notes": hours,
        "total-parking": d.get("total_parking") or len(connectors),
        "notes": d.get("notes"),
        "is-green-power-available": bool(d.get("green_power")),
        "is-plugin-charge": bool(d.get("plugin_charge")),
        "is-roofed": bool(d.get("roofed")),
        "is-reservable": bool(d.get("reservable")),
        "has-dynamic-info": True,
        "is-open-24": hours == [{"times": ["24h"], "days": ["Mo", "Su"]}],
        "dynamic-status-summary": overall,
        "is-validated": True,
        "is-private": bool(d.get("private")) or s.get("access_type") == "PRIVATE",
        "owner-company-id": None,
        "service-providers": [s["operator_id"]],
        "connectors": rendered,
    }


def company(op: Any) -> dict[str, Any]:
    return {
        "id": op["id"],
        "name": op["name"],
        "contact": {"email": op["email"], "web": op["website"], "phone": op["phone"],
                    "fax": None},
        "address": _address(None, None, None, op["country"]),
        "description": None,
        "type": None,
    }
