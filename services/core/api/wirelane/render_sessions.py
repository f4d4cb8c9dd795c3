"""Charging sessions on the wire, with the fields of the document's example in its order.

Readings (README): times in the example's form (``2017-10-15T16:44:40+0000``, UTC);
durations in whole minutes; ``tax_rate`` a fraction (0.19); ``zip_code`` and
``house_number`` strings like the points' (a post code may start with 0); ``status`` from
the session's state (requested -> start_pending, accepted -> start_accepted, charging ->
started, stopping -> stop_pending, finished -> closed, failed -> error).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.core.api.wirelane import vocabulary as words
from services.core.api.wirelane.render_points import CHARGING_PROVIDER, split_address

STATUS_OUT = {"requested": "start_pending", "accepted": "start_accepted", "charging": "started",
              "stopping": "stop_pending", "finished": "closed", "failed": "error"}
STATUS_IN: dict[str, tuple[str, ...]] = {
    wire: tuple(state for state, w in STATUS_OUT.items() if w == wire)
    for wire in ("initial", "authorization_pending", "start_accepted", "start_pending",
                 "started", "stop_accepted", "stop_pending", "stopped", "closed", "canceled",
                 "error", "error_consecutive_start")
}
CHARGING_STATE = {"requested": "preparing", "accepted": "preparing", "charging": "charging",
                  "stopping": "finishing", "finished": "finished", "failed": "failed"}
# Sessions started by a card at the charger are created by the operator's side.
_CARD_STARTS = ("RFID", "CARD", "LOCAL")


def _minutes(begin: str | None, end: str | None) -> int | None:
    if not begin or not end:
        return None
    span = datetime.fromisoformat(end.replace("Z", "+00:00")) - datetime.fromisoformat(
        begin.replace("Z", "+00:00"))
    return max(0, int(span.total_seconds() // 60))


def session(row: dict[str, Any], organisation: str | None) -> dict[str, Any]:
    figures = row["figures"]
    cost = figures.get("cost") or {}
    street, house_number = split_address(row.get("address"))
    end = row.get("date_end")
    card_start = str(row.get("auth_type") or "").upper() in _CARD_STARTS
    tax = cost.get("tax_rate")
    return {
        "session_id": row["uuid"],
        # the charger's own transaction id, where it has one
        "cpo_session_id": str(row.get("ocpp_tx_id") or row["id"]),
        "customer_id": row.get("user_uuid"),
        "customer_email": row.get("user_email"),
        "customer_membership_owner": organisation if row.get("of_member") else None,
        "card_number": row.get("card_number"),
        "card_short_reference": row.get("card_label"),
        "language": row.get("user_language"),
        "charging_station_id": row["station_uuid"],
        "charging_point_id": str(row["connector_id"]),
        "charge_point_id": row.get("connector_code")
        or f"{row['station_uuid']}-{row['sort_order']}",
        "evseid": row["evse_id"],
        "owner": row.get("operator_party_id"),
        "emp": organisation if row.get("of_member") else None,
        "cpo": row.get("operator_name"),
        "charging_provider": CHARGING_PROVIDER,
        "plug_type": words.PLUG_OUT.get(row["plug_type"], "UNKNOWN"),
        "charging_type": row["current_type"],
        "country": words.alpha2(row.get("country")),
        "city": row.get("city"),
        "zip_code": row.get("zip"),
        "street": street,
        "house_number": house_number,
        "tariff": row.get("rate_name"),
        "tariff_text": row.get("rate_name"),
        "price_model": row.get("rate_name"),
        "price_model_text": None,
        "identification": row.get("auth_id"),
        "identification_type": "card" if card_start else "remote",
        "cpo_created": card_start,
        "process_begin": words.timestamp(row.get("created_at")),
        "process_end": words.timestamp(end or (row.get("updated_at") if row["state"] in (
            "finished", "failed") else None)),
        "transaction_begin": words.timestamp(row.get("date_start")),
        "transaction_end": words.timestamp(end),
        "session_begin": words.timestamp(row.get("date_start") or row.get("created_at")),
        "session_end": words.timestamp(end),
        "transaction_duration": _minutes(row.get("date_start"), row.get("charging_end") or end),
        "session_duration": _minutes(row.get("date_start"), end),
        "kwh": figures.get("energy_kwh"),
        "has_signed_value": False,
        "price": cost.get("total"),
        "tax_rate": round(tax / 100, 4) if tax is not None else None,
        "currency": cost.get("currency") or row.get("currency"),
        "charging_session_type": "card_charging" if card_start else "remote_charging",
        "status": STATUS_OUT.get(row["state"], "error"),
        "charging_state": CHARGING_STATE.get(row["state"]),
        "creation_date": words.timestamp(row.get("created_at")),
        "update_date": words.timestamp(row.get("updated_at") or row.get("created_at")),
        "meter_start": row.get("meter_start"),
        "meter_stop": figures.get("meter_end"),
        "error_code": row.get("failure_reason") if row["state"] == "failed" else None,
        "error_message": (row.get("failure_reason") or row.get("stop_reason"))
        if row["state"] == "failed" else None,
    }
