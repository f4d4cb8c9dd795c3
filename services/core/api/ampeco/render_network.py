"""The network as AMPECO shows it: a location is a site, a charge point a station (its OCPP
identity is ``network.id``), an EVSE a connector of the station (``networkId`` its OCPP
connector number), and an EVSE's one connector the same connector (same id): the core
records one plug per outlet. Ids are the core's numeric ids, the same in every operation.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from services.core.api.ampeco.respond import timestamp
from services.core.domain import countries

LOCALE = "en"
# A charger silent this long is long-term rather than temporarily unavailable.
LONG_TERM = timedelta(days=7)
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# OCPP 1.6 ChargePointStatus -> the document's hardwareStatus spelling
_HARDWARE = {"Available": "available", "Preparing": "preparing", "Charging": "charging",
             "SuspendedEV": "suspendedEV", "SuspendedEVSE": "suspendedEVSE",
             "Finishing": "finishing", "Reserved": "reserved", "Unavailable": "unavailable",
             "Faulted": "faulted"}  # fmt: skip
_PLUGS = {"TYPE2": "type2", "CCS": "ccs2", "CHADEMO": "chademo", "SCHUKO": "schuko"}


def translated(text: str | None) -> list[dict[str, str]]:
    return [{"locale": LOCALE, "translation": text}] if text else []


def image(base: str, name: str) -> dict[str, str]:
    url = f"{base}/images/{name}"
    kind = "image/jpeg" if name.lower().endswith((".jpg", ".jpeg")) else "image/png"
    return {"original": url, "thumbnail": url, "mimeType": kind}


def _images(stored: str | None) -> list[str]:
    return list(json.loads(stored)) if stored else []


def working_hours(hours: dict[str, Any] | None) -> dict[str, Any]:
    if not hours or hours.get("twentyfourseven"):
        return {"isAlwaysOpen": True, "allowChargingOutsideWorkingHours": False, "hours": None}
    days: dict[str, list[dict[str, str]]] = {d: [] for d in _DAYS}
    for span in hours.get("regular") or []:
        days[_DAYS[int(span["weekday"]) - 1]].append({"start": span["begin"],
                                                      "end": span["end"]})
    return {"isAlwaysOpen": False, "allowChargingOutsideWorkingHours": False, "hours": days}


def location(site: dict[str, Any], base: str, include: frozenset[str]) -> dict[str, Any]:
    stations = site.get("stations") or []
    first = stations[0] if stations else {}
    roaming = any(s.get("partner_id") for s in stations)
    names = _images(first.get("images"))
    out: dict[str, Any] = {
        "id": site["id"],
        "operatorId": None if roaming else site["operator_id"],
        "externalId": None,
        "name": translated(site["name"]),
        "status": "enabled",
        "geoposition": {"latitude": site["latitude"], "longitude": site["longitude"]},
        "address": translated(", ".join(p for p in (site.get("address"), " ".join(
            q for q in (site.get("zip"), site.get("city")) if q)) if p)),
        "streetAddress": translated(site.get("address")),
        "city": site.get("city"),
        "region": None,
        "country": countries.alpha2(site["country"]),
        "postCode": site.get("zip"),
        "timezone": None,
        "workingHours": working_hours(
            json.loads(first["opening_hours"]) if first.get("opening_hours") else None),
        "isRoaming": roaming,
        # required by the document; for the core's own locations, their operator
        "roamingOperatorId": site["operator_id"],
        "tags": [],
    }
    changed = [s["static_changed_at"] for s in stations if s.get("static_changed_at")]
    if changed:
        out["lastUpdatedAt"] = timestamp(max(changed))
    if "images" in include:
        out["images"] = [image(base, n) for n in names]
    if "locationImage" in include:
        out["locationImage"] = image(base, names[0]) if names else None
    if "chargingZones" in include:
        out["chargingZones"] = []
    if "externalAppData" in include:
        out["externalAppData"] = None
    if "notes" in include:
        out["notes"] = []
    if "partnerIds" in include:
        out["partnerIds"] = []
    return out


def network_status(station: dict[str, Any], now: datetime | None = None) -> str:
    """``available`` / ``never_connected`` / ``temporarily_unavailable`` /
    ``long-term_unavailable`` (the v2.0 spelling)."""
    if station.get("connected"):
        return "available"
    if not station.get("last_seen"):
        return "never_connected"
    seen = datetime.fromisoformat(str(station["last_seen"]).replace("Z", "+00:00"))
    now = now or datetime.now(UTC)
    return "long-term_unavailable" if now - seen > LONG_TERM else "temporarily_unavailable"


def station_hardware(station: dict[str, Any]) -> str | None:
    """The charger's own status (OCPP connector 0): available, unavailable or faulted; what
    its outlets say when it reported none; None while it is offline."""
    if station.get("calculated_status") == "Unknown":
        return None
    own = station.get("ocpp_status")
    if own in ("Unavailable", "Faulted"):
        return own.lower()
    outlets = [c.get("ocpp_status") for c in station.get("connectors") or []]
    if outlets and all(s == "Faulted" for s in outlets):
        return "faulted"
    if outlets and all(s in ("Unavailable", "Faulted") for s in outlets):
        return "unavailable"
    return "available"


def evse_hardware(connector: dict[str, Any]) -> str | None:
    """The outlet's live OCPP status; None while unknown (its charger is offline)."""
    if connector.get("calculated_status") in (None, "Unknown"):
        return None
    return _HARDWARE.get(connector.get("ocpp_status") or "")


def charge_point(station: dict[str, Any], include: frozenset[str]) -> dict[str, Any]:
    roaming = station.get("partner_id") is not None
    out: dict[str, Any] = {
        "id": station["id"],
        "operatorId": None if roaming else station["operator_id"],
        "name": station.get("public_name") or station["label"],
        "type": "public",
        "locationId": station["site_id"],
        "chargingZoneId": None,
        "status": "enabled",
        "managedByOperator": True,
        # the core starts only on authorised requests and never recovers faults by itself;
        # it watches every charger's status
        "autoStartWithoutAuthorization": False,
        "disableAutoStartEmulation": True,
        "autoRecoveryEnabled": False,
        "enableAutoFaultRecovery": False,
        "monitoringEnabled": True,
        "network": {"id": station["uuid"], "protocol": "ocpp 1.6"},
        "modelId": None,
        # security profile 1 (Basic auth) for chargers with a password, else 0 (none)
        "security": {"currentProfile": 1 if station.get("has_password") else 0},
        "networkStatus": network_status(station),
        "lastNetworkStatusUpdateAt": timestamp(station.get("last_seen")),
        "communicationMode": "roaming" if roaming else "direct_ocpp",
        "tags": [],
    }
    hardware = station_hardware(station)
    if hardware is not None:
        out["hardwareStatus"] = hardware
    if station.get("external_id"):
        out["externalId"] = station["external_id"]
    statuses = [c["status_since"] for c in station.get("connectors") or []
                if c.get("status_since")]
    out["lastUpdatedAt"] = timestamp(station.get("static_changed_at")
                                     or max(statuses, default=None)) or _EPOCH
    if "lastBootNotification" in include:
        out["lastBootNotification"] = {
            "model": station.get("model") or "", "vendor": station.get("vendor") or "",
            "firmwareVersion": station.get("firmware"),
            "lastUpdatedAt": timestamp(station["last_seen"]),
        } if station.get("last_seen") else None
    if "chargingProfile" in include:
        out["chargingProfile"] = None
    if "notes" in include:
        out["notes"] = []
    return out


def status_v1(station: dict[str, Any]) -> dict[str, Any]:
    """``GET .../v1.0/{chargePoint}/status``: v1.0 spells the network states with spaces."""
    changes = [c["status_since"] for c in station.get("connectors") or []
               if c.get("status_since")]
    out: dict[str, Any] = {
        "networkStatus": network_status(station).replace("_", " "),
        "evses": [{"id": c["id"], **_known("hardwareStatus", evse_hardware(c))}
                  for c in station.get("connectors") or []],
        **_known("hardwareStatus", station_hardware(station)),
    }
    latest = max([*changes, *([station["last_seen"]] if station.get("last_seen") else [])],
                 default=None)
    if latest:
        out["lastUpdatedAt"] = timestamp(latest)
    return out


def connector(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "type": _PLUGS.get(row["plug_type"], "type2"),
            "format": "socket" if row["plug_type"] in ("TYPE2", "SCHUKO") else "cable",
            "status": "enabled"}


def _known(name: str, value: Any) -> dict[str, Any]:
    """The field when its value is known. The document's nullable enums do not list null,
    which OpenAPI 3.0.3 requires for null to be valid, so an unknown value is left out."""
    return {} if value is None else {name: value}


def _power(row: dict[str, Any]) -> dict[str, Any]:
    kw = float(row["max_power_kw"])
    ac = row["current_type"] == "AC"
    three = ac and kw > 3.7
    # maxPower: the document says "in Wh"; a power is in W (22 kW -> 22000)
    out: dict[str, Any] = {"maxPower": round(kw * 1000)}
    if ac:
        out.update(maxVoltage="400" if three else "230",
                   maxAmperage=round(kw * 1000 / (400 * 3 ** 0.5 if three else 230), 1),
                   phases="three_phase" if three else "single_phase")
    return out


def evse(row: dict[str, Any], include: frozenset[str], *, with_station: bool) -> dict[str, Any]:
    roaming = row.get("partner_id") is not None
    created = row.get("created_at") or row.get("status_since") or row.get("updated_at")
    updated = row.get("updated_at") or row.get("status_since") or created
    out: dict[str, Any] = {}
    if with_station:
        out["chargePointId"] = row["station_id"]
    out.update({
        "id": row["id"],
        "operatorId": None if roaming else row["operator_id"],
        "physicalReference": row["evse_id"],
        "emi3Id": row["evse_id"],
        "label": row.get("label") or row["evse_id"],
        "currentType": "dc" if row["current_type"] == "DC" else "ac",
        "networkId": str(row["sort_order"]),
        "status": "enabled",
        "allowsReservation": bool(row.get("reservable")),
        "bookingEnabled": False,
        "powerOptions": _power(row),
        # required by the document; for the core's own EVSEs, their operator
        "roamingOperatorId": row["operator_id"],
        # required and non-null in effect (see _known): an outlet of an offline charger
        # cannot be used, so it is unavailable
        "hardwareStatus": evse_hardware(row) or "unavailable",
        "createdAt": timestamp(created) or _EPOCH,
        "lastUpdatedAt": timestamp(updated) or _EPOCH,
    })
    if row.get("tariff_id") is not None:
        out["tariffGroupId"] = row["tariff_id"]
    if "connectors" in include:
        out["connectors"] = [connector(row)]
    if "chargingProfile" in include:
        out["chargingProfile"] = None
    if "externalAppData" in include:
        out["externalAppData"] = None
    if "notes" in include:
        out["notes"] = []
    if "accessibleParkingSpaces" in include:
        out["accessibleParkingSpaces"] = []
    return out


# A record with no known time at all (the demo catalogue before any status report).
_EPOCH = "1970-01-01T00:00:00+00:00"
