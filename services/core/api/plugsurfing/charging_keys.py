"""user-add-rfid, user-block-rfid, user-unblock-rfid, user-get-charging-keys,
user-charging-key-activate.

A UID must be as the document writes it: hexadecimal, upper case, 8, 14 or 20 characters
(190 otherwise, naming the rule). A blocked key is refused by the charger at the next tap
(OCPP Authorize answers Blocked). Readings:
- user-get-charging-keys lists every key of the user, blocked ones too, each with its own
  EVCO ID (``DE*VOL*C…``) and an added field ``status`` ("active" | "blocked"; the
  document allows added response fields and has no other way to show a blocked key).
- user-charging-key-activate takes the EVCO ID of one of the user's keys and makes it active
  (it is how a blocked key comes back when only its EVCO ID is known); 190 for a malformed
  EVCO ID or one that names no key of this user.
- user-unblock-rfid answers with the document's ``{"user-unblock-rfid": {"success": true}}``
  and the result block.
"""

from __future__ import annotations

from typing import Any

from services.core.api.plugsurfing import results as r
from services.core.api.plugsurfing.endpoint import Call
from services.core.api.plugsurfing.parsers import (
    UserChargingKeyActivate,
    UserRfid,
    WithUser,
    parse,
    uid,
)
from services.core.api.plugsurfing.who import user_id
from services.core.domain import charging_keys, evco
from services.core.domain.errors import Conflict, NotFound


async def user_add_rfid(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(UserRfid, fields, call.kind)
    tag = uid(req.rfid, "rfid")
    who = await user_id(call, req.user)
    try:
        await call.core.db(charging_keys.add_key, who, tag, call.principal.partner_id)
    except Conflict as exc:
        raise r.OioiError(r.EVCO_ERROR, exc.message) from None
    return {}


async def _set_active(call: Call, fields: Any, active: bool) -> None:
    req = parse(UserRfid, fields, call.kind)
    tag = uid(req.rfid, "rfid")
    who = await user_id(call, req.user)
    try:
        await call.core.db(charging_keys.set_key_active, who, tag, active=active)
    except NotFound as exc:
        raise r.OioiError(r.EVCO_NOT_FOUND, exc.message) from None


async def user_block_rfid(call: Call, fields: Any) -> dict[str, Any]:
    await _set_active(call, fields, False)
    return {}


async def user_unblock_rfid(call: Call, fields: Any) -> dict[str, Any]:
    await _set_active(call, fields, True)
    return {call.kind: {"success": True}}


async def user_get_charging_keys(call: Call, fields: Any) -> dict[str, Any]:
    who = await user_id(call, parse(WithUser, fields, call.kind).user)
    keys = await call.core.db(charging_keys.keys_of, who)
    return {"user": {"charging-keys": [
        {"uid": k["tag_id"], "evco-id": evco.card_evco(k["id"]),
         "status": "active" if str(k["status"]).upper() == "ACTIVE" else "blocked"}
        for k in keys]}}


async def user_charging_key_activate(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(UserChargingKeyActivate, fields, call.kind)
    who = await user_id(call, req.user)
    try:
        ref = evco.parse(req.evco_id)
    except ValueError as exc:
        raise r.OioiError(r.EVCO_ERROR, f"evco-id: {exc}") from None
    if ref is None or ref.kind != evco.CARD:
        raise r.OioiError(r.EVCO_ERROR, f"evco-id: '{req.evco_id}' names no charging key")
    try:
        await call.core.db(charging_keys.set_key_active, who, card_id=ref.row_id, active=True)
    except NotFound:
        raise r.OioiError(r.EVCO_ERROR, f"evco-id: '{req.evco_id}' names no charging key of "
                          "this user") from None
    return {}
