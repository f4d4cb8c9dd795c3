"""Reservations (v1.0) as the document shows them: ``active`` while pending or held,
``done`` once its holder started charging there, ``canceled`` when cancelled or refused by
the charger, ``expired`` when its time ran out; ``duration`` in minutes."""

from __future__ import annotations

from typing import Any

from services.core.api.ampeco.respond import timestamp
from services.core.services.reservations import Reservation

_STATUS = {"pending": "active", "accepted": "active", "used": "done", "expired": "expired",
           "cancelled": "canceled", "failed": "canceled"}  # fmt: skip


def status_of(r: Reservation) -> str:
    return _STATUS.get(r.status, "canceled")


def render(r: Reservation, operator_id: int) -> dict[str, Any]:
    status = status_of(r)
    return {
        "id": r.id,
        "operatorId": operator_id,
        "chargePointId": r.station_id,
        "evseId": r.connector_id,
        "status": status,
        "userId": r.user_id,
        "reservedAt": timestamp(r.created_at),
        "canceledAt": timestamp(r.ended_at) if status == "canceled" else None,
        "duration": r.minutes,
        "lastUpdatedAt": timestamp(r.updated_at),
    }
