"""The core's rows and dicts as GP JOULE CONNECT wire objects (the document's type and
field names live here and nowhere else)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.core.domain.cards import CARD_TYPES
from services.core.domain.charging import FAILED, STARTED, Failure
from services.core.domain.sessions import ACTIVE

# ``Status``: the document leaves the value names blank; its descriptions read available,
# faulty, occupied, not available, unknown. An offline charger's connectors are UNKNOWN.
_STATUS = {"Available": "AVAILABLE", "Occupied": "OCCUPIED", "Faulted": "FAULTED",
           "Unavailable": "UNAVAILABLE"}  # fmt: skip
_OFFLINE = "Unknown"
# remoteStart's ``status`` when a start fails: one word per reason; ``message`` is the
# domain's sentence for drivers.
START_FAILURES = {
    Failure.CONNECTOR_OCCUPIED: "OCCUPIED",
    Failure.CONNECTOR_RESERVED: "OCCUPIED",
    Failure.CONNECTOR_OUT_OF_ORDER: "OUT_OF_ORDER",
    Failure.CHARGER_OFFLINE: "OFFLINE",
    Failure.REJECTED: "REJECTED",
    Failure.NO_ANSWER: "TIMEOUT",
    Failure.EXPIRED_BEFORE_START: "TIMEOUT",
    Failure.NO_VEHICLE: "NO_VEHICLE",
    Failure.CARD_BLOCKED: "CARD_BLOCKED",
    Failure.CARD_UNKNOWN: "CARD_UNKNOWN",
    Failure.CARD_EXPIRED: "CARD_EXPIRED",
    Failure.CANCELLED: "CANCELLED",
}
_PLUG_NAMES = {"TYPE2": "Type 2", "CCS": "CCS", "CHADEMO": "CHAdeMO", "SCHUKO": "Schuko"}


def _money(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


# ------------------------------------------------------------------ chargepoints


def connector_status(c: dict[str, Any]) -> str:
    if c.get("calculated_status") == _OFFLINE or not c.get("ocpp_status"):
        return "UNKNOWN"
    return _STATUS.get(c.get("simple_status") or "", "UNKNOWN")


def plug_name(plug_type: str | None) -> str | None:
    return _PLUG_NAMES.get(plug_type or "", plug_type)


def connector(c: dict[str, Any]) -> dict[str, Any]:
    plug = plug_name(c["plug_type"])
    power = float(c["max_power_kw"])
    return {
        "evse": c["evse_id"],
        "id": str(c["id"]),
        "name": c.get("label") or f"{plug} {c['sort_order']}",
        "status": {"status": connector_status(c), "updatedAt": c.get("status_since")},
        "type": {
            "currentType": c["current_type"],
            "description": f"{plug}, {c['current_type']} up to {power:g} kW",
            "maxPower": power,
            "name": plug,
        },
    }


def chargepoint(st: dict[str, Any]) -> dict[str, Any]:
    connectors = [connector(c) for c in st.get("connectors") or ()]
    statuses = [c["status"]["status"] for c in connectors]
    changes = [c["status"]["updatedAt"] for c in connectors if c["status"]["updatedAt"]]
    free = statuses.count("AVAILABLE")
    occupied = statuses.count("OCCUPIED")
    return {
        "connectors": connectors,
        "connectorsFree": free,
        "connectorsOccupied": occupied,
        "connectorsTotal": len(statuses),
        "connectorsUnavailable": len(statuses) - free - occupied,
        # The core keeps no creation time of a station.
        "createdAt": None,
        "id": st["uuid"],
        "location": {
            "street": st.get("address"),
            "postalCode": st.get("zip"),
            "city": st.get("city"),
            "country": st.get("country"),
            "latitude": st.get("latitude"),
            "longitude": st.get("longitude"),
        },
        "name": st["label"],
        "publicName": st.get("public_name") or st["label"],
        # The last change the core knows of: the newest connector status change.
        "updatedAt": max(changes) if changes else None,
    }


# ------------------------------------------------------------------ contacts and cards


def contact(c: dict[str, Any]) -> dict[str, Any]:
    address = c.get("address") or {}
    has_address = any(address.get(k) for k in ("street", "zip", "city", "country"))
    return {
        "birthdate": c.get("birthday"),
        "customerNumber": c["customer_number"],
        "email": c["email"],
        "fax": None,
        "gender": c.get("gender"),
        "givenName": c.get("first_name"),
        "id": c["uuid"],
        "isCompany": bool(c.get("is_company")),
        "location": {
            "street": address.get("street"),
            "postalCode": address.get("zip"),
            "city": address.get("city"),
            "country": address.get("country"),
            "latitude": None,
            "longitude": None,
        } if has_address else None,
        "name": c.get("last_name"),
        "phone": c.get("phone") or c.get("mobile"),
    }


def card_type(value: str) -> int:
    """``cardType`` is an Int the document does not enumerate: the position of the core's
    card type in CARD_TYPES (0 RFID card, 1 roaming, 2 virtual, 3 simple, 4 eMSP)."""
    return CARD_TYPES.index(value) if value in CARD_TYPES else 0


def card(row: Any) -> dict[str, Any]:
    return {
        "active": str(row["status"]).upper() == "ACTIVE",
        "billingContact": row["billing_contact_id"] or row["user_uuid"],
        "cardType": card_type(row["card_type"]),
        "contact": row["user_uuid"],
        "name": row["label"],
        "rate": row["rate_name"],
        "tagId": row["tag_id"],
        "validFrom": row["created_at"],
    }


# ------------------------------------------------------------------ sessions


def _seconds(start: str | None, end: str | None) -> int | None:
    if not start:
        return None
    t0 = datetime.fromisoformat(start.replace("Z", "+00:00"))
    t1 = datetime.fromisoformat(end.replace("Z", "+00:00")) if end else datetime.now(UTC)
    return max(0, int((t1 - t0).total_seconds()))


def session(s: dict[str, Any]) -> dict[str, Any]:
    """``costs`` is what the driver pays (gross) = ``costsNet`` + ``taxAmount``; meters in
    Wh; a running session shows its figures so far."""
    c = s.get("connector")
    cost = s.get("cost")
    total = _money(cost["total"]) if cost else None
    tax = _money(cost["tax_amount"]) if cost else None
    if cost is None and s["state"] == "failed":
        total = tax = 0.0
    net = _money(total - tax) if total is not None and tax is not None else None
    meter_start, meter_end = s.get("meter_start"), s.get("meter_end")
    meter_total = None
    if s.get("energy_kwh") is not None:
        meter_total = round(float(s["energy_kwh"]) * 1000)
    elif meter_start is not None and meter_end is not None:
        meter_total = max(0, meter_end - meter_start)
    return {
        "cardId": s.get("auth_id"),
        "connector": {
            "connectorId": str(c["id"]),
            "connectorType": plug_name(c["plug_type"]),
            "evse": c["evse_id"],
        } if c else None,
        "costs": total,
        "costsNet": net,
        "currency": (cost or {}).get("currency") or "EUR",
        "duration": _seconds(s.get("date_start"), s.get("date_end")),
        "endTime": s.get("date_end"),
        "id": s["id"],
        "meterEnd": meter_end,
        "meterStart": meter_start,
        "meterTotal": meter_total,
        "startTime": s.get("date_start"),
        "status": "ACTIVE" if s["state"] in ACTIVE else "STOPPED",
        "tariff": s.get("rate_name"),
        "taxAmount": tax,
    }


# ------------------------------------------------------------------ remote start / stop


def remote_start(a: dict[str, Any]) -> dict[str, Any]:
    """``status``: ACCEPTED (the charger took the start and waits for the vehicle, or has
    not answered yet: PENDING), STARTED (energy flows), or the reason it failed in one word
    (see ``START_FAILURES``) with ``message`` saying it in a sentence."""
    if a["is_failure"] or a["status"] == FAILED:
        return {"message": a["failure_reason"], "session": None,
                "status": START_FAILURES.get(a["failure_reason"], "REJECTED")}  # fmt: skip
    if a["status"] == STARTED:
        status, message = "STARTED", "Charging started."
    elif a["status"] == "ACCEPTED":
        status, message = "ACCEPTED", "The charger accepted: plug in the vehicle to charge."
    else:
        status, message = "PENDING", "Start sent to the charger; it has not answered yet."
    return {"message": message, "session": a["session_uuid"], "status": status}


def remote_stop(session_uuid: str, outcome: str, state: str, online: bool) -> dict[str, Any]:
    if outcome == "cancelled":
        status, message = "CANCELLED", "The start was cancelled before charging began."
    elif state in ("finished", "failed"):
        status, message = "STOPPED", "The charging process has already ended."
    elif not online:
        status, message = ("STOPPING", "The charger is offline; the stop is sent as soon as "
                           "it reconnects.")  # fmt: skip
    else:
        status, message = "STOPPING", "Stop sent to the charger."
    return {"message": message, "session": session_uuid, "status": status}
