"""Id tags (v2.0) as the document shows them, from the core's cards.

Card states: ``ACTIVE`` is ``enabled``, ``INACTIVE`` ``disabled``, ``SUSPENDED`` ``suspended``.
Every card of the core is an RFID tag (``type: rfid``); ``externalId`` is the reference the
operator gave the tag; vehicle type, payment method and partner are not kept (null).
"""

from __future__ import annotations

from typing import Any

from services.core.api.ampeco.respond import timestamp

STATUS_OF_STATE = {"ACTIVE": "enabled", "INACTIVE": "disabled", "SUSPENDED": "suspended"}
STATE_OF_STATUS = {v: k for k, v in STATUS_OF_STATE.items()}


def id_tag(card: dict[str, Any], operator_id: int) -> dict[str, Any]:
    created = timestamp(card["created_at"])
    return {
        "id": int(card["id"]),
        "operatorId": operator_id,
        "idTagUid": card["tag_id"],
        "idLabel": card["label"],
        "expireAt": timestamp(card["expiry_date"]),
        "createdAt": created,
        "status": STATUS_OF_STATE.get(str(card["status"]).upper(), "disabled"),
        "type": "rfid",
        "vehicleType": None,
        "paymentMethodId": None,
        "userId": int(card["user_id"]),
        "externalId": card["customer_reference"],
        "partnerId": None,
        "lastUpdatedAt": created,
    }
