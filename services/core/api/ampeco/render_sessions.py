"""Sessions (v1.0), their consumption statistics and authorizations (v2.1) as the document
shows them, from the core's sessions.

Readings: ``id`` is the session's number as a string (the document types it so; every
``sessionId`` elsewhere is that number as an integer). ``status``: requested and accepted
starts are ``pending``, charging and stopping ``active``. Every session has one
authorization, numbered like the session: by the driver's device (a remote start) or by the
tag at the charger; a start that never charged has an authorization that lists no session.
Energies are in Wh, powers in W (``powerKw`` in kW).
"""

from __future__ import annotations

from typing import Any

from services.core.api.ampeco.respond import timestamp

_STATUS = {"requested": "pending", "accepted": "pending", "charging": "active",
           "stopping": "active", "finished": "finished", "failed": "failed"}  # fmt: skip
# Stop reasons the core records besides OCPP's own (which the document lists lower case).
_REASONS = {"closedbycentralsystem": "system_force_stop", "energy": "energy_exceeded",
            "energy_limit": "energy_exceeded", "duration": "time_limit",
            "time_limit": "time_limit", "soc": "soclimitreached", "amount": "balance_exceeded",
            "max_amount": "balance_exceeded"}  # fmt: skip
_OCPP_REASONS = {"deauthorized", "emergencystop", "evdisconnected", "hardreset", "local",
                 "other", "powerloss", "reboot", "remote", "softreset", "unlockcommand",
                 "energylimitreached", "soclimitreached", "timeoutlimitreached",
                 "stoppedbyev", "energy_exceeded", "time_limit", "balance_exceeded",
                 "system_force_stop", "force_stop", "standard_stop"}  # fmt: skip
_FAILURES = (("occupied", "evse_occupied"), ("out of order", "evse_inoperative"),
             ("offline", "charge_point_timeout"), ("did not answer", "charge_point_timeout"),
             ("Rejected", "rejected"), ("No vehicle", "no_ev_connected"),
             ("Card", "authorization_failed"))  # fmt: skip


def status(state: str) -> str:
    return _STATUS.get(state, "unknown")


# The limit a session reached (``sessions.limit_reached``): the stop conditions' fields.
_LIMITS = {"max_energy_kwh": "energy_exceeded", "max_duration_minutes": "time_limit",
           "max_soc_percent": "soclimitreached", "max_amount": "balance_exceeded"}


def reason(row: dict[str, Any]) -> str | None:
    if row.get("limit_reached") in _LIMITS:
        return _LIMITS[row["limit_reached"]]
    if row["state"] == "failed":
        text = row.get("failure_reason") or ""
        return next((code for part, code in _FAILURES if part in text), "remote_start_failed")
    raw = (row.get("stop_reason") or "").strip()
    key = raw.lower()
    if key in _REASONS:
        return _REASONS[key]
    return key if key in _OCPP_REASONS else None


def energy_wh(row: dict[str, Any]) -> float:
    kwh = row["live"]["energy_kwh"]
    return round((kwh or 0.0) * 1000, 1)


def _money(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def session(row: dict[str, Any], operator_id: int, *, with_authorization: bool = False
            ) -> dict[str, Any]:  # fmt: skip
    live, meter = row["live"], row["meter"]
    wh = energy_wh(row)
    cost = live.get("cost")
    running = row["state"] in ("charging", "stopping")
    out: dict[str, Any] = {
        "id": str(row["id"]),
        "operatorId": operator_id,
        "chargePointId": int(row["station_id"]),
        "evseId": int(row["connector_id"]),
        "connectorId": int(row["connector_id"]),
        "status": status(row["state"]),
        "userId": row["user_id"],
        "startedAt": timestamp(row["date_start"] or row["created_at"]),
        "stoppedAt": timestamp(row["date_end"]),
        "energy": wh,
        "amount": _money(cost["total"]) if cost else None,
        "totalAmount": None,
        "tax": None,
        "paymentMethodId": None,
        "paymentStatus": None,
        "authorizationId": int(row["id"]),
        "idTag": row["auth_id"],
        "idTagType": "rfid",
        "externalSessionId": row.get("external_id"),
        "energyConsumption": {"total": wh, "grid": wh},
        "billingStatus": ("completed" if row["state"] == "finished" else
                          None if row["state"] == "failed" else "pending"),
        "power": {"latest": meter.get("latest_w") if running else None,
                  "peak": meter.get("peak_w"), "average": _average(meter.get("average_w"))},
        "lastUpdatedAt": timestamp(row.get("updated_at") or row["created_at"]),
    }
    found = reason(row)
    if found is not None:
        out["reason"] = found
    if running and meter.get("latest_w") is not None:
        out["powerKw"] = round(meter["latest_w"] / 1000, 3)
    if meter.get("soc") is not None:
        out["socPercent"] = meter["soc"]
    if cost:
        gross = _money(cost["total"]) or 0.0
        tax = _money(cost.get("tax_amount"))
        out["totalAmount"] = {"withTax": gross, **({"withoutTax": round(gross - tax, 2)}
                                                   if tax is not None else {})}
        if cost.get("currency"):
            out["currency"] = cost["currency"]
        if cost.get("tax_rate") is not None:
            out["tax"] = {"taxPercentage": cost["tax_rate"]}
    if row.get("card_label"):
        out["idTagLabel"] = row["card_label"]
    if with_authorization:
        out["authorization"] = _session_authorization(row)
    return out


def _average(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _session_authorization(row: dict[str, Any]) -> dict[str, Any]:
    refused = row["state"] == "failed"
    return {
        "id": int(row["id"]),
        "method": "user_device" if row["remote"] else "rfid_tag",
        "source": "local",
        "createdAt": timestamp(row["created_at"]),
        "status": "rejected" if refused else "accepted",
        "rejectionReason": row.get("failure_reason") if refused else None,
        "userId": row["user_id"],
        "rfidTagUid": row["auth_id"],
        "lastUpdatedAt": timestamp(row.get("updated_at") or row["created_at"]),
    }


def authorization(row: dict[str, Any], operator_id: int) -> dict[str, Any]:
    refused = row["state"] == "failed"
    out: dict[str, Any] = {
        "id": int(row["id"]),
        "operatorId": operator_id,
        "method": "user_device" if row["remote"] else "id_tag",
        "source": "local",
        "createdAt": timestamp(row["created_at"]),
        "status": "rejected" if refused else "accepted",
        "userId": row["user_id"],
        "idTagUid": row["auth_id"],
        "chargePointId": int(row["station_id"]),
        "evseId": int(row["connector_id"]),
        "sessionIds": [] if refused or not row["date_start"] else [int(row["id"])],
        "lastUpdatedAt": timestamp(row.get("updated_at") or row["created_at"]),
    }
    if refused and row.get("failure_reason"):
        out["rejectionReason"] = row["failure_reason"]
    return out


def consumption_point(point: dict[str, Any]) -> dict[str, Any]:
    return {"energy": point["energy_wh"], "power": point["power_w"],
            "timestamp": timestamp(point["ts"])}
