"""``/resources/tariffs``, ``/tariff-groups``, ``/tariff-snapshots``: the tariffs the
operator's connectors charge by, and the prices a session started with."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.core.api.ampeco import paging, params, respond
from services.core.api.ampeco import render_tariffs as render
from services.core.api.ampeco.access import offer, operator, parse_id
from services.core.api.ampeco.errors import not_found
from services.core.api.ampeco.listing import operator_matches
from services.core.api.ampeco.params import NoMatch
from services.core.domain.partners import Principal
from services.core.services import operator_catalogue as catalogue
from services.core.services import partners

TARIFFS = "/public-api/resources/tariffs/v1.0"
GROUPS = "/public-api/resources/tariff-groups/v1.0"
SNAPSHOTS = "/public-api/resources/tariff-snapshots/v1.0"
TYPES = ("free", "flat rate", "duration+energy", "duration+energy time of day", "energy tou",
         "standard", "charging not allowed", "average power levels", "peak power levels",
         "standard_tod", "optimised dynamic pricing")


def _no_partner(raw: Any) -> Any:
    """The core's tariffs belong to no partner: any partner id selects none."""
    params.integer(raw)
    raise NoMatch


def _no_time(raw: Any) -> Any:
    """The core keeps no creation or change time for tariffs: nothing is known to lie in a
    time range."""
    params.moment(raw)
    raise NoMatch


TARIFF_FILTERS: dict[str, params.Parser] = {
    "operatorId": params.integers, "tariffGroupId": params.integer, "userId": params.integer,
    "type": params.one_of(*TYPES), "partnerId": _no_partner,
}
GROUP_FILTERS: dict[str, params.Parser] = {
    "operatorId": params.integers, "partnerId": _no_partner, "lastUpdatedAfter": _no_time,
    "lastUpdatedBefore": _no_time, "createdAfter": _no_time, "createdBefore": _no_time,
}


def routes(core: Any) -> list[Route]:
    async def rendered_tariffs(principal: Principal) -> list[dict[str, Any]]:
        rows = await core.db(catalogue.tariffs, principal, await offer(core, principal))
        op = catalogue.operator_id(principal)
        return [render.tariff(r, op) for r in rows]

    async def list_tariffs(request: Request) -> Response:
        principal = await operator(core, request)
        # no 422 documented here: the lenient reading of paging and filters
        win = paging.window(request, page_form=True, refuse=None)
        items: list[dict[str, Any]] = []
        try:
            found = params.filters(request, TARIFF_FILTERS, refuse=None)
            operator_matches(principal, found.get("operatorId"))
            user = found.get("userId")
            # every tariff of the network applies to each of the operator's users
            if user is not None and not await core.db(partners.can_see_user, principal, user):
                raise NoMatch
            items = [t for t in await rendered_tariffs(principal)
                     if found.get("tariffGroupId") in (None, t["id"])
                     and found.get("type") in (None, t["type"])]
        except NoMatch:
            pass
        return respond.json(paging.listing(request, win, items))

    async def read_tariff(request: Request) -> Response:
        principal = await operator(core, request)
        wanted = parse_id(request.path_params["tariff"], "tariff")
        found = await core.db(catalogue.tariff, principal, wanted, await offer(core, principal))
        if found is None:
            raise not_found(f"No tariff with id {wanted}.")
        return respond.data(render.tariff(found, catalogue.operator_id(principal)))

    async def list_groups(request: Request) -> Response:
        principal = await operator(core, request)
        win = paging.window(request, page_form=True)
        items: list[dict[str, Any]] = []
        try:
            found = params.filters(request, GROUP_FILTERS)
            operator_matches(principal, found.get("operatorId"))
            rows = await core.db(catalogue.tariffs, principal, await offer(core, principal))
            op = catalogue.operator_id(principal)
            items = [render.tariff_group(r, op) for r in rows]
        except NoMatch:
            pass
        return respond.json(paging.listing(request, win, items))

    async def read_group(request: Request) -> Response:
        principal = await operator(core, request)
        wanted = parse_id(request.path_params["tariffGroup"], "tariff group")
        found = await core.db(catalogue.tariff, principal, wanted, await offer(core, principal))
        if found is None:
            raise not_found(f"No tariff group with id {wanted}.")
        return respond.data(render.tariff_group(found, catalogue.operator_id(principal)))

    async def read_snapshot(request: Request) -> Response:
        principal = await operator(core, request)
        wanted = parse_id(request.path_params["tariffSnapshot"], "tariff snapshot")
        found = await core.db(catalogue.session_tariff, principal, wanted)
        if found is None:
            raise not_found(f"No tariff snapshot with id {wanted}.")
        return respond.data(render.snapshot(found, catalogue.operator_id(principal)))

    return [
        Route(TARIFFS, list_tariffs, methods=["GET"]),
        Route(f"{TARIFFS}/{{tariff}}", read_tariff, methods=["GET"]),
        Route(GROUPS, list_groups, methods=["GET"]),
        Route(f"{GROUPS}/{{tariffGroup}}", read_group, methods=["GET"]),
        Route(f"{SNAPSHOTS}/{{tariffSnapshot}}", read_snapshot, methods=["GET"]),
    ]

