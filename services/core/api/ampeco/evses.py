"""``/resources/evses/v2.1``: every EVSE (the core's connectors) of the operator's network."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.core.api.ampeco import paging, params, respond
from services.core.api.ampeco import render_network as render
from services.core.api.ampeco.access import offer, operator, parse_id
from services.core.api.ampeco.errors import not_found
from services.core.api.ampeco.listing import cursor_listing, operator_matches
from services.core.api.ampeco.params import NoMatch
from services.core.domain.offers import Coverage
from services.core.domain.partners import Principal
from services.core.services import operator_catalogue as catalogue
from services.core.services.operator_catalogue import ConnectorQuery, Keyset

PATH = "/public-api/resources/evses/v2.1"
INCLUDES = ("chargingProfile", "connectors", "externalAppData", "notes")
READ_INCLUDES = (*INCLUDES, "accessibleParkingSpaces")


def _nothing(raw: Any) -> Any:
    """External ids and parking spaces: the core records none, so any value selects none."""
    params.text(raw)
    raise NoMatch


FILTERS: dict[str, params.Parser] = {
    "operatorId": params.integers, "chargePointId": params.integer,
    "physicalReference": params.text, "externalId": _nothing, "roaming": params.boolean,
    "lastUpdatedAfter": params.moment, "lastUpdatedBefore": params.moment,
    "hasRoamingTariffIds": params.boolean, "hasTariffGroup": params.boolean,
    "roamingOperatorIds": params.integers, "parkingSpaceId": _nothing,
    "currentType": params.one_of("ac", "dc"),
}


def connector_query(principal: Principal, found: dict[str, Any], coverage: Coverage | None
                    ) -> ConnectorQuery:  # fmt: skip
    operator_matches(principal, found.get("operatorId"))
    roaming = found.get("roaming")
    # roaming tariff ids exist only for roaming EVSEs (their operator's own tariffs)
    if found.get("hasRoamingTariffIds") is not None:
        roaming = _agree(roaming, found["hasRoamingTariffIds"])
    wanted = found.get("roamingOperatorIds")
    if wanted is not None and catalogue.operator_id(principal) not in wanted:
        raise NoMatch
    current = found.get("currentType")
    return ConnectorQuery(catalogue.operator_id(principal), station_id=found.get("chargePointId"),
                          evse_id=found.get("physicalReference"),
                          current_type=current.upper() if current else None, roaming=roaming,
                          changed_after=found.get("lastUpdatedAfter"),
                          changed_before=found.get("lastUpdatedBefore"),
                          tariff=found.get("hasTariffGroup"), coverage=coverage)


def _agree(first: bool | None, second: bool) -> bool:
    if first is not None and first != second:
        raise NoMatch
    return second


def routes(core: Any) -> list[Route]:
    async def listing(request: Request) -> Response:
        principal = await operator(core, request)
        win = paging.window(request)
        include = params.includes(request, INCLUDES)
        sold = catalogue.coverage(await offer(core, principal))
        return await cursor_listing(
            core, request, win,
            lambda: connector_query(principal, params.filters(request, FILTERS), sold),
            catalogue.connectors,
            lambda row: render.evse(row, include, with_station=True))

    async def read(request: Request) -> Response:
        principal = await operator(core, request)
        # evseRead documents no 422: an unknown include is left out
        include = params.includes(request, READ_INCLUDES, refuse=None)
        evse_id = parse_id(request.path_params["evse"], "evse")
        query = ConnectorQuery(catalogue.operator_id(principal), connector_ids=[evse_id],
                               coverage=catalogue.coverage(await offer(core, principal)))
        rows = await core.db(catalogue.connectors, query, Keyset(limit=1))
        if not rows:
            raise not_found(f"No EVSE with id {evse_id}.")
        return respond.data(render.evse(rows[0], include, with_station=True))

    return [Route(PATH, listing, methods=["GET"]),
            Route(f"{PATH}/{{evse}}", read, methods=["GET"])]
