"""``/resources/locations/v2.0``: the operator's locations (the core's sites)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.core.api.ampeco import paging, params, respond
from services.core.api.ampeco import render_network as render
from services.core.api.ampeco.access import offer, operator, parse_id
from services.core.api.ampeco.errors import not_found
from services.core.api.ampeco.listing import cursor_listing, operator_matches, origin
from services.core.api.ampeco.params import NoMatch
from services.core.domain import countries
from services.core.services import operator_catalogue as catalogue
from services.core.services.operator_catalogue import Keyset, SiteQuery

PATH = "/public-api/resources/locations/v2.0"
INCLUDES = ("chargingZones", "externalAppData", "images", "locationImage", "locationPin",
            "notes", "partnerIds")


def _nothing(_raw: Any) -> Any:
    """A filter on something the core does not record for locations (state, region,
    partner, external id, tag, creation time): no location has it, so none matches."""
    raise NoMatch


FILTERS: dict[str, params.Parser] = {
    "operatorId": params.integers, "country": params.text, "state": _nothing,
    "region": _nothing, "city": params.text, "partnerId": _nothing, "externalId": _nothing,
    "tag": _nothing, "roaming": params.boolean, "lastUpdatedAfter": params.moment,
    "lastUpdatedBefore": params.moment, "createdAfter": _nothing, "createdBefore": _nothing,
}


def routes(core: Any) -> list[Route]:
    async def listing(request: Request) -> Response:
        principal = await operator(core, request)
        # the document lists no 422 here: out-of-range paging and unknown filters get the
        # lenient reading (see paging, params)
        win = paging.window(request, refuse=None)
        include = params.includes(request, INCLUDES, refuse=None)
        base = origin(request)
        sold = catalogue.coverage(await offer(core, principal))

        def build() -> SiteQuery:
            found = params.filters(request, FILTERS, refuse=None)
            operator_matches(principal, found.get("operatorId"))
            country = found.get("country")
            alpha3 = countries.alpha3(country) if country else None
            if country and (alpha3 is None or len(country) != 2):
                raise NoMatch
            return SiteQuery(catalogue.operator_id(principal), country=alpha3,
                             city=found.get("city"), roaming=found.get("roaming"),
                             changed_after=found.get("lastUpdatedAfter"),
                             changed_before=found.get("lastUpdatedBefore"), coverage=sold)

        return await cursor_listing(core, request, win, build, catalogue.sites,
                                    lambda row: render.location(row, base, include))

    async def read(request: Request) -> Response:
        principal = await operator(core, request)
        site_id = parse_id(request.path_params["location"], "location")
        query = SiteQuery(catalogue.operator_id(principal), site_ids=[site_id],
                          coverage=catalogue.coverage(await offer(core, principal)))
        rows = await core.db(catalogue.sites, query, Keyset(limit=1))
        if not rows:
            raise not_found(f"No location with id {site_id}.")
        return respond.data(render.location(rows[0], origin(request), frozenset(INCLUDES)))

    return [Route(PATH, listing, methods=["GET"]),
            Route(f"{PATH}/{{location}}", read, methods=["GET"])]
