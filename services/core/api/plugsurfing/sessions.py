"""session-start and session-stop: the core's one charging service, driving the real
charger over OCPP.

session-start names the user (any identifier type; the document's example sends an EVCO
ID and no token, which the partner's key vouches for) and the EVSE by its EVSE ID or the
connector id of station-get-by-ids. The key used: the charging key the identifier names
(an RFID UID or a key's EVCO ID), else the user's first active key. Readings of the codes:
- 181 unknown EVSE; 193 a user the core cannot bill (no payment method, no SEPA mandate and
  no active key on a rate); 192 no active key, or the key named is blocked or expired;
- 320 occupied, 310 out of order or the charger refused, 312 the charger is offline or did
  not answer, 321 no vehicle plugged in within the time limit, 300 the core commands no
  chargers (it runs without its OCPP central system);
- success: 011 charging started, 012 the charger accepted and waits for the vehicle to be
  plugged in, 000 the charger has not answered within 10 s (the start goes on; the session
  can be stopped or watched in user-get-recent-sessions).
Every success answers ``session-id`` (the session's id in user-get-recent-sessions'
``external-session-id``) and ``is-stoppable: true``.

session-stop stops the user's session named by ``session-id`` (it must be on that EVSE),
else the user's running session on the EVSE (182 when there is none). Stopping twice is
harmless.
"""

from __future__ import annotations

from typing import Any

from services.core.api.plugsurfing import results as r
from services.core.api.plugsurfing.endpoint import Call, Reply
from services.core.api.plugsurfing.parsers import SessionStart, SessionStop, UserRef, parse, uid
from services.core.api.plugsurfing.who import user_id
from services.core.domain import charging, evco
from services.core.domain.charging import Failure, StartRequest
from services.core.domain.errors import BadInput, NotFound
from services.core.domain.offers import Offer
from services.core.services import charging as charging_service
from services.core.services import session_views

START_WAIT_S = 10.0
CHARGING_STARTED, AUTHORIZED = 11, 12

_FAILURES = {
    Failure.CONNECTOR_OCCUPIED: r.EVSE_IN_USE,
    Failure.CONNECTOR_OUT_OF_ORDER: r.EVSE_ERROR,
    Failure.REJECTED: r.EVSE_ERROR,
    Failure.CHARGER_OFFLINE: r.EVSE_TIMEOUT,
    Failure.NO_ANSWER: r.EVSE_TIMEOUT,
    Failure.NO_VEHICLE: r.NO_EV,
    Failure.EXPIRED_BEFORE_START: r.EVSE_TIMEOUT,
    Failure.CARD_BLOCKED: r.EVCO_LOCKED,
    Failure.CARD_EXPIRED: r.EVCO_LOCKED,
    Failure.CARD_UNKNOWN: r.EVCO_NOT_FOUND,
    Failure.CANCELLED: r.EVSE_ERROR,
}


async def _connector(call: Call, ref: str, offer: Offer | None = None) -> int:
    try:
        return await charging_service.connector_id(call.core, ref, "connector-id", offer)
    except (NotFound, BadInput):
        raise r.OioiError(r.EVSE_NOT_FOUND, f"connector-id: no EVSE '{ref}'") from None


async def _key(call: Call, who: int, ref: UserRef) -> tuple[int | None, str | None]:
    named: str | None = None
    if ref.identifier_type == "rfid":
        named = uid(ref.identifier, "user.identifier")
    elif ref.identifier_type == "evco-id":
        key = evco.parse(ref.identifier)
        if key is not None and key.kind == evco.CARD:
            named = str(key.row_id)
    try:
        if named is not None and ref.identifier_type == "evco-id":
            return int(named), None
        return await charging_service.card_for(call.core, who, named, allow_unknown_tag=False,
                                               field="user.identifier")  # fmt: skip
    except BadInput:
        raise r.OioiError(r.EVCO_LOCKED, "user: has no active charging key to charge with"
                          ) from None  # fmt: skip


async def session_start(call: Call, fields: Any) -> Reply:
    req = parse(SessionStart, fields, call.kind)
    who = await user_id(call, req.user)
    core = call.core
    charging_service.gateway(core)
    sold = await call.offer()
    connector = await _connector(call, req.connector_id, sold)
    if not await core.db(session_views.billable, who):
        raise r.OioiError(r.EVCO_NO_PAYMENT, "user: has no valid payment method")
    card_id, _tag = await _key(call, who, req.user)
    try:
        plan = await charging_service.start(
            core, StartRequest(user_id=who, connector_id=connector, card_id=card_id,
                               offer=sold),
            wait_s=START_WAIT_S)
    except charging.ChargingError as exc:
        if exc.code == "NOT_FOUND" and exc.field == "card":
            raise r.OioiError(r.EVCO_NOT_FOUND, "user.identifier: no such charging key"
                              ) from None  # fmt: skip
        if exc.code == "NOT_FOUND":
            raise r.OioiError(r.EVSE_NOT_FOUND, f"connector-id: {exc.reason}") from None
        raise r.OioiError(r.EVSE_ERROR, exc.message) from None
    attempt = await charging_service.attempt(core, plan.attempt_uuid)
    if attempt["is_failure"]:
        reason = attempt["failure_reason"] or "the start failed"
        raise r.OioiError(_FAILURES.get(reason, r.EVSE_ERROR), reason)
    code = {charging.STARTED: CHARGING_STARTED, charging.ACCEPTED: AUTHORIZED}.get(
        attempt["status"], r.SUCCESS)
    return Reply({call.kind: {"session-id": plan.session_uuid, "is-stoppable": True}}, code)


async def session_stop(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(SessionStop, fields, call.kind)
    who = await user_id(call, req.user)
    core = call.core
    charging_service.gateway(core)
    connector = await _connector(call, req.connector_id)
    ref = req.session_id
    if ref is None:
        ref = await core.db(session_views.running_session, who, connector)
        if ref is None:
            raise r.OioiError(r.SESSION_NOT_FOUND, "connector-id: no running session of this "
                              "user on this EVSE")
    else:
        found = await core.db(charging.find_session, ref)
        if found is None or found["user_id"] != who or found["connector_id"] != connector:
            raise r.OioiError(r.SESSION_NOT_FOUND, f"session-id: no session '{ref}' of this "
                              "user on this EVSE")
    try:
        await charging_service.stop(core, who, ref, "session-id")
    except NotFound as exc:
        raise r.OioiError(r.SESSION_NOT_FOUND, exc.message) from None
    return {}
