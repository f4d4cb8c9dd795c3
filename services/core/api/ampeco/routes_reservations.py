"""Reservations and unlock: reserve an EVSE of a charge point for one of the operator's users
(OCPP ReserveNow), cancel (CancelReservation), list and read reservations, and release a
stuck cable (UnlockConnector).

Readings: the document gives a reservation no length, so one lasts ``RESERVATION_MINUTES``
(``duration`` in the answers, in minutes). A reservation is ``active`` while pending or
held, ``done`` once its holder started charging there, ``canceled`` when cancelled or
refused by the charger, ``expired`` when its time ran out. Any refusal of the charge point
(offline, occupied, already reserved, or the charger's own answer) is 406, an unlock that
did not release the cable too; cancelling a reservation that already ended is accepted
(202) and changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.core.api.ampeco import params
from services.core.api.ampeco.access import offer, operator, parse_id
from services.core.api.ampeco.bodies import optional_body
from services.core.api.ampeco.errors import invalid
from services.core.api.ampeco.paging import listing, window
from services.core.api.ampeco.refusals import refusal, refusing
from services.core.api.ampeco.render_reservations import render, status_of
from services.core.api.ampeco.respond import data, json, timestamp
from services.core.domain.errors import BadInput, DomainError
from services.core.services import charging as charging_service
from services.core.services import member_charging, member_reservations, partners, reservations
from services.core.services.reservations import Reservation, ReservationRefused

RESERVATION_MINUTES = 15
CP = "/public-api/actions/charge-point/v1.0/{chargePoint}"
LIST = "/public-api/resources/reservations/v1.0"
FILTERS = {"operatorId": params.integers, "evseId": params.integer, "userId": params.integer,
           "status": params.one_of("active", "expired", "canceled", "done"),
           "reservedFrom": params.moment, "reservedTo": params.moment}  # fmt: skip


class ReserveBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    userId: int
    reason: Annotated[str, Field(max_length=255)] | None = None


class CancelBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    force: bool = False
    reason: Annotated[str, Field(max_length=255)] | None = None


def _matches(r: Reservation, found: dict[str, Any]) -> bool:
    reserved = timestamp(r.created_at) or ""
    return (found.get("evseId") in (None, r.connector_id)
            and found.get("userId") in (None, r.user_id)
            and found.get("status") in (None, status_of(r))
            and ("reservedFrom" not in found or reserved >= timestamp(found["reservedFrom"]))
            and ("reservedTo" not in found or reserved <= timestamp(found["reservedTo"])))


def routes(core: Any) -> list[BaseRoute]:
    async def reserve(request: Request) -> Response:
        principal = await operator(core, request)
        station = parse_id(request.path_params["chargePoint"], "charge point")
        number = parse_id(request.path_params["evse"], "evse")
        body = await optional_body(request, ReserveBody)
        with refusing():
            found = await core.db(member_charging.connector, principal, station_id=station,
                                  number=number, field="evse",
                                  offer=await offer(core, principal))
        if not await core.db(partners.can_see_user, principal, body.userId):
            raise invalid("userId", "is not one of the operator's users.")
        try:
            made = await reservations.reserve(
                core, user_id=body.userId, minutes=RESERVATION_MINUTES,
                station_uuid=found["station_uuid"], connector_no=int(found["sort_order"]))
        except ReservationRefused:
            return Response(status_code=406)
        except charging_service.ChargingUnavailable:
            return Response(status_code=406)
        except BadInput as exc:
            raise invalid("userId" if exc.field == "card" else exc.field or "body",
                          exc.reason.rstrip(".") + ".") from None
        return json({"success": True, "reservationId": made.id}, 202)

    async def cancel(request: Request) -> Response:
        principal = await operator(core, request)
        reservation_id = parse_id(request.path_params["reservation"], "reservation")
        await optional_body(request, CancelBody)
        with refusing():
            await member_reservations.cancel(core, principal, reservation_id, "reservation")
        return Response(status_code=202)

    async def list_reservations(request: Request) -> Response:
        principal = await operator(core, request)
        win = window(request, page_form=True)
        found = params.filters(request, FILTERS)
        operator_id = principal.operator_id or 0
        rows: list[Reservation] = []
        if "operatorId" not in found or operator_id in found["operatorId"]:
            rows = [r for r in await member_reservations.of_members(core, principal)
                    if _matches(r, found)]
        return json(listing(request, win, rows, lambda r: r.id,
                            lambda r: render(r, operator_id)))

    async def read(request: Request) -> Response:
        principal = await operator(core, request)
        reservation_id = parse_id(request.path_params["reservation"], "reservation")
        with refusing():
            found = await member_reservations.get(core, principal, reservation_id,
                                                  "reservation")  # fmt: skip
        return data(render(found, principal.operator_id or 0))

    async def unlock(request: Request) -> Response:
        principal = await operator(core, request)
        station = parse_id(request.path_params["chargePoint"], "charge point")
        number = parse_id(request.path_params["evse"], "evse")
        try:
            found = await core.db(member_charging.connector, principal, station_id=station,
                                  number=number, field="evse",
                                  offer=await offer(core, principal))
            result = await charging_service.unlock(core, found["station_uuid"],
                                                   int(found["sort_order"]))  # fmt: skip
        except DomainError as exc:
            raise refusal(exc) from None
        except charging_service.ChargingUnavailable:
            return Response(status_code=406)
        if not result.unlocked:
            return Response(status_code=406)
        return json({"success": True}, 202)

    return [Route(f"{CP}/reserve/{{evse}}", reserve, methods=["POST"]),
            Route("/public-api/actions/reservation/v1.0/{reservation}/cancel", cancel,
                  methods=["POST"]),
            Route(LIST, list_reservations, methods=["GET"]),
            Route(f"{LIST}/{{reservation}}", read, methods=["GET"]),
            Route(f"{CP}/unlock/{{evse}}", unlock, methods=["POST"])]
