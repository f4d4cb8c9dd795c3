"""Start and stop charging (``/public-api/actions/...``): on a charge point's EVSE (by its
network id, the OCPP connector number), on a charge point (the first free EVSE), or on an
EVSE by id; stop a session at its charge point (``force``).

A start waits for the charger's answer (at most ``ANSWER_WAIT_S``, then ``SETTLE_WAIT_S``
more for the session to begin or fail) and answers 202 either way: ``success: true`` with
``sessionId`` and ``authorizationId`` (both the session's number), or ``success: false``
with the document's ``errorCode`` and a readable ``message``. Readings of the codes:
a disabled, suspended or expired tag, or an EVSE reserved by someone else, is
``ACCESS_RESTRICTED``; an occupied EVSE ``SESSION_EXISTS`` (``CHARGING_NOT_ALLOWED`` on a
charge point with no free EVSE); a disabled user ``USER_IS_DISABLED``; a charger offline,
out of order, refusing or not answering ``INTERNAL_ISSUE``.

A stop of a session the charger cannot be told about (offline) is 406 unless ``force``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.core.api.ampeco.access import offer, operator, parse_id
from services.core.api.ampeco.bodies import optional_body
from services.core.api.ampeco.errors import invalid
from services.core.api.ampeco.refusals import refusal, refusing
from services.core.api.ampeco.respond import json
from services.core.domain import charging
from services.core.domain.charging import Failure, StartRequest
from services.core.domain.errors import BadInput, DomainError
from services.core.domain.stop_conditions import StopConditions
from services.core.services import charging as charging_service
from services.core.services import member_charging, member_users

ANSWER_WAIT_S = 10.0
SETTLE_WAIT_S = 5.0
CP = "/public-api/actions/charge-point/v1.0/{chargePoint}"
EVSE = "/public-api/actions/evse/v1.0/{evse}"
_FIELDS = {"user": "userId", "tag": "idTag", "card": "idTag", "tag_id": "idTag",
           "connector": "connectorId"}  # fmt: skip
_LIMIT_NAMES = {"max_energy_kwh": "maxEnergyKwh", "max_duration_minutes": "maxDurationMinutes",
                "max_soc_percent": "maxSocPercent", "max_amount": "maxAmount"}  # fmt: skip
# CONNECTOR_RESERVED reads as ACCESS_RESTRICTED ("You do not have access to this charge
# point"): the document's start codes name no reservation or booking, and the document says
# a reserved EVSE "is reserved for a particular EV driver and is unavailable for other
# drivers", which is this driver lacking access to it for now. SESSION_EXISTS would tell
# the caller a session runs there, and CHARGING_NOT_ALLOWED blames the tariff: both would
# send an integration after the wrong cause.
_ACCESS = (Failure.CARD_BLOCKED, Failure.CARD_EXPIRED, Failure.CARD_UNKNOWN,
           Failure.CONNECTOR_RESERVED)


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    maxEnergyKwh: Annotated[float, Field(ge=0.1, le=1000)] | None = None
    maxDurationMinutes: Annotated[int, Field(ge=1, le=2880)] | None = None
    maxSocPercent: Annotated[int, Field(ge=1, le=100)] | None = None
    maxAmount: Annotated[float, Field(ge=0.01, le=10_000)] | None = None


class StartBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    userId: int | None = None
    idTag: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    paymentMethodId: str | None = None
    externalSessionId: Annotated[str, Field(max_length=255)] | None = None
    connectorId: int | None = None
    bookingId: int | None = None
    stopConditions: Limits | None = None
    chargingProfile: dict[str, Any] | None = None


class StopBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    force: bool = False


def _refused(code: str, message: str, *, with_session: bool) -> Response:
    body: dict[str, Any] = {"success": False, "authorizationId": None, "message": message,
                            "errorCode": code}
    if with_session:
        body["sessionId"] = None
    return json(body, 202)


def _code(failure: str, *, with_session: bool) -> str:
    if failure in _ACCESS:
        return "ACCESS_RESTRICTED"
    if failure == Failure.CONNECTOR_OCCUPIED:
        return "SESSION_EXISTS" if with_session else "CHARGING_NOT_ALLOWED"
    return "INTERNAL_ISSUE"


def _options(body: StartBody) -> dict[str, Any]:
    if body.chargingProfile is not None:
        raise invalid("chargingProfile", "is not supported by this charge point operator.")
    if body.bookingId is not None:
        raise invalid("bookingId", "does not name a booking: this operator takes none.")
    given = body.stopConditions
    if given is None:
        return {}
    try:
        limits = StopConditions(max_energy_kwh=given.maxEnergyKwh,
                                max_duration_minutes=given.maxDurationMinutes,
                                max_soc_percent=given.maxSocPercent, max_amount=given.maxAmount)
    except BadInput as exc:
        raise invalid(f"stopConditions.{_LIMIT_NAMES.get(exc.field or '', 'body')}",
                      exc.reason.rstrip(".") + ".") from None
    return {} if limits.empty else {"limits": limits}


def routes(core: Any) -> list[BaseRoute]:
    async def start(request: Request, *, station_id: int | None, number: int | None,
                    connector_id: int | None, with_session: bool) -> Response:
        principal = await operator(core, request)
        body = await optional_body(request, StartBody)
        options = _options(body)
        sold = await offer(core, principal)
        if station_id is not None and number is None:
            connector_id = body.connectorId  # a charge point start may name its connector
        with refusing():
            found = await core.db(member_charging.connector, principal, station_id=station_id,
                                  number=number, connector_id=connector_id, field="evse",
                                  offer=sold)
        if body.connectorId is not None and body.connectorId != found["id"]:
            raise invalid("connectorId", "is not a connector of this EVSE.")
        with refusing(_FIELDS):
            target = await core.db(member_charging.start_target, principal, int(found["id"]),
                                   body.userId, body.idTag, _FIELDS)  # fmt: skip
        if body.paymentMethodId is not None:
            try:
                await core.db(member_users.payment_method, principal, target.user_id,
                              body.paymentMethodId, {"user": "userId",
                                                     "method": "paymentMethodId"})
            except DomainError:
                raise invalid("paymentMethodId", "is not one of the user's payment methods."
                              ) from None
        if not target.user_active:
            return _refused("USER_IS_DISABLED", "The user's account is disabled.",
                            with_session=with_session)
        request_ = StartRequest(user_id=target.user_id, connector_id=target.connector_id,
                                card_id=target.card_id, tag_id=target.tag, offer=sold,
                                **options)
        try:
            plan = await charging_service.start(core, request_, wait_s=ANSWER_WAIT_S)
            attempt = await charging_service.settled_attempt(core, plan, SETTLE_WAIT_S)
        except charging_service.ChargingUnavailable as exc:
            return _refused("INTERNAL_ISSUE", str(exc), with_session=with_session)
        except charging.ChargingError as exc:
            raise invalid(_FIELDS.get(exc.field or "", exc.field or "body"),
                          exc.reason.rstrip(".") + ".") from None
        if attempt["status"] == charging.FAILED or plan.session_id is None:
            failure = attempt.get("failure_reason") or plan.failure or "The start failed."
            return _refused(_code(failure, with_session=with_session), failure,
                            with_session=with_session)
        out: dict[str, Any] = {"success": True, "authorizationId": plan.session_id}
        if with_session:
            out["sessionId"] = plan.session_id
        return json(out, 202)

    async def start_on_evse_of_point(request: Request) -> Response:
        station = parse_id(request.path_params["chargePoint"], "charge point")
        number = parse_id(request.path_params["evse"], "evse")
        return await start(request, station_id=station, number=number, connector_id=None,
                           with_session=True)

    async def start_on_point(request: Request) -> Response:
        station = parse_id(request.path_params["chargePoint"], "charge point")
        return await start(request, station_id=station, number=None, connector_id=None,
                           with_session=False)

    async def start_on_evse(request: Request) -> Response:
        evse = parse_id(request.path_params["evse"], "evse")
        return await start(request, station_id=None, number=None, connector_id=evse,
                           with_session=True)

    async def stop(request: Request) -> Response:
        principal = await operator(core, request)
        station = parse_id(request.path_params["chargePoint"], "charge point")
        session_id = parse_id(request.path_params["session"], "session")
        body = await optional_body(request, StopBody)
        try:
            user_id, session_uuid, online = await core.db(
                member_charging.stop_target, principal, station, session_id, "session")
            if not online and not body.force:
                # the charger cannot be told now: refused, nothing recorded
                return Response(status_code=406)
            await charging_service.stop(core, user_id, session_uuid, "session")
        except DomainError as exc:
            raise refusal(exc) from None
        except charging_service.ChargingUnavailable:
            return Response(status_code=406)
        return Response(status_code=202)

    return [Route(f"{CP}/start/{{evse}}", start_on_evse_of_point, methods=["POST"]),
            Route(f"{CP}/start", start_on_point, methods=["POST"]),
            Route(f"{EVSE}/start", start_on_evse, methods=["POST"]),
            Route(f"{CP}/stop/{{session}}", stop, methods=["POST"])]
