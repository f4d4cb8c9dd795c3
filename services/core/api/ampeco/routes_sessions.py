"""``/public-api/resources/sessions/v1.0`` (list, read, consumption statistics) and
``/public-api/resources/authorizations/v2.1`` (list, read): the sessions of the operator's
users, live while they run. Sessions of anyone else answer 404.

Readings: the listing is in id order like every AMPECO listing; filters the core cannot
answer (payment, roaming, billing fields) match nothing rather than everything;
``withClockAlignedEnergyConsumption``, ``withChargingPeriods`` and the price breakdowns are
accepted but add nothing (the core keeps no periods).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.core.api.ampeco import params, slices
from services.core.api.ampeco.access import operator, parse_id
from services.core.api.ampeco.errors import invalid
from services.core.api.ampeco.listing import operator_matches
from services.core.api.ampeco.paging import window
from services.core.api.ampeco.params import NoMatch
from services.core.api.ampeco.refusals import refusing
from services.core.api.ampeco.render_sessions import authorization, consumption_point, session
from services.core.api.ampeco.respond import data
from services.core.services import charging, member_sessions

SESSIONS = "/public-api/resources/sessions/v1.0"
AUTHORIZATIONS = "/public-api/resources/authorizations/v2.1"
_STATES = {"pending": ("requested", "accepted"), "active": ("charging", "stopping"),
           "finished": ("finished",), "failed": ("failed",), "expired": (), "unknown": ()}
_NOT_KEPT = ("reason", "chargePointBootNotificationSerialNumber",
             "chargePointBootNotificationVendor", "partnerId", "userPartnerId",
             "subOperatorId", "paymentType", "selectedPaymentMethod", "paymentStatus",
             "taxId", "paymentStatusUpdatedBefore", "paymentStatusUpdatedAfter",
             "billingCompletedBefore", "billingCompletedAfter", "externalAppData", "receiptId",
             "authorizationSource", "billingStatus", "terminalId", "roaming.roamingOperatorCpoIds",
             "roaming.roamingOperatorEmspIds", "roaming.roamingConnectionIds")
SESSION_FILTERS: dict[str, Any] = {
    "operatorId": params.integers, "evseId": params.integer, "chargePointId": params.integer,
    "evsePhysicalReference": params.text, "chargePointNetworkId": params.text,
    "startedAfter": params.moment, "startedBefore": params.moment, "userId": params.integer,
    "status": params.one_of(*_STATES), "endedAfter": params.moment,
    "endedBefore": params.moment, "locationId": params.integer, "idTag": params.text,
    "lastUpdatedAfter": params.moment, "lastUpdatedBefore": params.moment,
    **{name: params.text for name in _NOT_KEPT}}
AUTHORIZATION_FILTERS: dict[str, Any] = {
    "operatorId": params.integers, "createdAfter": params.moment,
    "createdBefore": params.moment, "lastUpdatedAfter": params.moment,
    "lastUpdatedBefore": params.moment, "status": params.text, "method": params.text,
    "partnerId": params.integer}
_FLAGS = ("withClockAlignedEnergyConsumption", "withAuthorization", "withPriceBreakdown",
          "withChargingPeriods", "withChargingPeriodsPriceBreakdown")


def _flags(request: Request) -> dict[str, bool]:
    out = {}
    for name in _FLAGS:
        raw = request.query_params.get(name)
        try:
            out[name] = params.boolean(raw) if raw is not None else False
        except ValueError as exc:
            raise invalid(name, str(exc)) from None
    interval = request.query_params.get("clockAlignedInterval")
    if interval is not None and interval not in ("15", "30", "60"):
        raise invalid("clockAlignedInterval", "must be one of 15, 30, 60.")
    return out


def _nothing(found: dict[str, Any], operator_id: int) -> bool:
    """Whether the filters rule out every session this core can have."""
    if "operatorId" in found and operator_id not in found["operatorId"]:
        return True
    if any(name in found for name in _NOT_KEPT) or "evsePhysicalReference" in found \
            or "chargePointNetworkId" in found:
        return True
    return found.get("status") in ("expired", "unknown")


def routes(core: Any) -> list[BaseRoute]:
    async def listing(request: Request) -> Response:
        principal = await operator(core, request)
        flags = _flags(request)
        win = window(request, page_form=True)
        params.includes(request, ("externalAppData",))
        found = params.filters(request, SESSION_FILTERS)
        operator_id = principal.operator_id or 0

        async def read() -> tuple[list[dict[str, Any]], int]:
            if _nothing(found, operator_id):
                raise NoMatch
            await charging.flush(core)
            return await core.db(
                member_sessions.sessions_page, principal, slices.slice_of(win),
                states=_STATES[found["status"]] if "status" in found else None,
                user_id=found.get("userId"), station_id=found.get("chargePointId"),
                connector_id=found.get("evseId"), tag=found.get("idTag"),
                started_after=found.get("startedAfter"),
                started_before=found.get("startedBefore"),
                ended_after=found.get("endedAfter"), ended_before=found.get("endedBefore"),
                site_id=found.get("locationId"), updated_after=found.get("lastUpdatedAfter"),
                updated_before=found.get("lastUpdatedBefore"))

        return await slices.page(request, win, read, lambda r: session(
            r, operator_id, with_authorization=flags["withAuthorization"]))

    async def read(request: Request) -> Response:
        principal = await operator(core, request)
        session_id = parse_id(request.path_params["session"], "session")
        flags = _flags(request)
        params.includes(request, ("externalAppData",))
        await charging.flush(core)
        with refusing():
            row = await core.db(member_sessions.session, principal, session_id, "session")
        return data(session(row, principal.operator_id or 0,
                            with_authorization=flags["withAuthorization"]))

    async def stats(request: Request) -> Response:
        principal = await operator(core, request)
        session_id = parse_id(request.path_params["session"], "session")
        await charging.flush(core)
        with refusing():
            points = await core.db(member_sessions.consumption, principal, session_id,
                                   "session")  # fmt: skip
        return data([consumption_point(p) for p in points])

    async def authorizations(request: Request) -> Response:
        principal = await operator(core, request)
        win = window(request, page_form=True, refuse=None)

        async def read() -> tuple[list[dict[str, Any]], int]:
            found = params.filters(request, AUTHORIZATION_FILTERS, refuse=None)
            operator_matches(principal, found.get("operatorId"))
            method = found.get("method")
            if "partnerId" in found or method not in (None, "user_device", "id_tag"):
                raise NoMatch
            states = None
            if "status" in found:
                states = {"accepted": ("requested", "accepted", "charging", "stopping",
                                       "finished"),
                          "rejected": ("failed",)}.get(found["status"], ())  # fmt: skip
            return await core.db(
                member_sessions.sessions_page, principal, slices.slice_of(win), states=states,
                remote=None if method is None else method == "user_device",
                started_after=found.get("createdAfter"),
                started_before=found.get("createdBefore"),
                updated_after=found.get("lastUpdatedAfter"),
                updated_before=found.get("lastUpdatedBefore"))

        operator_id = principal.operator_id or 0
        return await slices.page(request, win, read, lambda r: authorization(r, operator_id))

    async def read_authorization(request: Request) -> Response:
        principal = await operator(core, request)
        auth_id = parse_id(request.path_params["authorization"], "authorization")
        with refusing():
            row = await core.db(member_sessions.session, principal, auth_id, "authorization")
        return data(authorization(row, principal.operator_id or 0))

    return [Route(SESSIONS, listing, methods=["GET"]),
            Route(f"{SESSIONS}/{{session}}", read, methods=["GET"]),
            Route(f"{SESSIONS}/{{session}}/consumption-stats", stats, methods=["GET"]),
            Route(AUTHORIZATIONS, authorizations, methods=["GET"]),
            Route(f"{AUTHORIZATIONS}/{{authorization}}", read_authorization, methods=["GET"])]
