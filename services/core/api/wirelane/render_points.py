"""Charge points on the wire: one connector (EVSE) of a station, with the fields of the
document's ChargingPoint in its order."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from services.core.api.wirelane import vocabulary as words
from services.core.domain import connector_specs

CHARGING_PROVIDER = "voltra"
_HOUSE_NUMBER = re.compile(r"^(.*?)[\s,]+(\d+\s?[a-zA-Z]?(?:\s?[-/]\s?\d+\s?[a-zA-Z]?)?)$")
_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def split_address(address: str | None) -> tuple[str | None, str | None]:
    """("Honiggasse", "21") from "Honiggasse 21"; the whole text as street otherwise."""
    if not address:
        return None, None
    found = _HOUSE_NUMBER.match(address.strip())
    return (found.group(1), found.group(2)) if found else (address.strip(), None)


@lru_cache(maxsize=256)
def _hours(stored: str | None) -> tuple[str | None, str | None]:
    """(opening_hours label, availability JSON) from the station's stored hours; stations
    share a few patterns, so each is shaped once."""
    if not stored:
        return None, None
    hours = json.loads(stored)
    if hours.get("twentyfourseven"):
        return "24/7", json.dumps({"twentyfourseven": True, "regular_hours": [],
                                   "exceptional_openings": [], "exceptional_closings": []})
    regular = sorted(hours.get("regular") or [], key=lambda r: r["weekday"])
    spans: list[list[Any]] = []  # [first day, last day, begin, end]
    for r in regular:
        if spans and spans[-1][1] == r["weekday"] - 1 and spans[-1][2:] == [r["begin"], r["end"]]:
            spans[-1][1] = r["weekday"]
        else:
            spans.append([r["weekday"], r["weekday"], r["begin"], r["end"]])
    label = ", ".join(
        (_DAYS[a - 1] if a == b else f"{_DAYS[a - 1]}-{_DAYS[b - 1]}") + f" {begin} - {end}"
        for a, b, begin, end in spans) or None
    exceptional = hours.get("exceptional") or []
    availability = {
        "twentyfourseven": False,
        "regular_hours": [{"weekday": r["weekday"], "period_begin": r["begin"],
                           "period_end": r["end"]} for r in regular],
        "exceptional_openings": [{"period_begin": e["begin"], "period_end": e["end"]}
                                 for e in exceptional if not e.get("closed")],
        "exceptional_closings": [{"period_begin": e["begin"], "period_end": e["end"]}
                                 for e in exceptional if e.get("closed")],
    }
    return label, json.dumps(availability)


def point(row: dict[str, Any]) -> dict[str, Any]:
    """``row``: a connector with ``station``, ``groups`` and ``distance_m`` (organisations.py)."""
    st = row["station"]
    details = connector_specs.details(row)
    street, house_number = split_address(st.get("address"))
    hours_label, availability = _hours(st.get("opening_hours"))
    country = words.alpha2(st.get("country"))
    cid = str(row["id"])
    distance = row.get("distance_m")
    return {
        "id": cid,
        "charging_point_id": cid,
        "charging_station_id": st["uuid"],
        "charge_point_id": row.get("code") or f"{st['uuid']}-{row['sort_order']}",
        "evseid": row["evse_id"],
        "display_id": row.get("label") or str(row["sort_order"]),
        "owner": st.get("operator_party_id"),
        "emp": None,
        "cpo": st.get("operator_name"),
        "plug_types": [words.PLUG_OUT.get(row["plug_type"], "UNKNOWN")],
        "charging_type": row["current_type"],
        "model": st.get("model"),
        "serial_number": details.get("serial_number"),
        "current": connector_specs.stated_current(row),
        "power": float(row["max_power_kw"]),
        "voltage": connector_specs.stated_voltage(row),
        "reservable": bool(row.get("reservable")),
        "authentication_types": connector_specs.auth_types(row),
        "status": words.point_status(row.get("calculated_status")),
        "country": country,
        "city": st.get("city"),
        "zip_code": st.get("zip"),
        "street": street,
        "house_number": house_number,
        "opening_hours": hours_label,
        "availability": json.loads(availability) if availability else None,
        "timezone": details.get("timezone") or words.timezone(country),
        "service_hotline": details.get("service_hotline") or st.get("operator_phone"),
        "payment_url": details.get("payment_url"),
        "longitude": float(st["longitude"]),
        "latitude": float(st["latitude"]),
        "distance": round(distance, 2) if distance is not None else None,
        "creation_date": words.point_timestamp(row.get("created_at")),
        "update_date": words.point_timestamp(row.get("updated_at") or row.get("created_at")),
        "charging_provider": CHARGING_PROVIDER,
        "charging_group": row.get("groups") or [],
    }
