"""``/resources/charge-points/...``: the operator's charge points (the core's stations), their
live status, their EVSEs and the EVSEs' connectors."""

from __future__ import annotations

from datetime import UTC, datetime
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
from services.core.services.operator_catalogue import ConnectorQuery, StationQuery

V2 = "/public-api/resources/charge-points/v2.0"
STATUS = "/public-api/resources/charge-points/v1.0/{chargePoint}/status"
INCLUDES = ("lastBootNotification", "chargingProfile", "smartCharging",
            "smartChargingPreferences", "personalSmartChargingPreferences",
            "availablePersonalSmartChargingModes", "notes")
EVSE_INCLUDES = ("chargingProfile", "connectors", "notes")
EVSE_READ_INCLUDES = ("chargingProfile", "connectors", "accessibleParkingSpaces")


def _nothing(raw: Any) -> Any:
    """Something the core does not record for charge points (serial numbers, models by
    id, owners, partners, circuits, zones, tags, sharing codes, creation times...): any
    value selects none."""
    params.text(raw)
    raise NoMatch


def _only(*matching: str, allowed: tuple[str, ...]) -> params.Parser:
    """An enum filter where every charge point of the core has one of ``matching``."""
    check = params.one_of(*allowed)

    def parse(raw: Any) -> bool:
        if check(raw) not in matching:
            raise NoMatch
        return True

    return parse


def _ids_text(raw: Any) -> tuple[int, ...]:
    return params.integers(raw)


NETWORK_STATES = ("available", "temporarily_unavailable", "long-term_unavailable",
                  "never_connected")
FILTERS: dict[str, params.Parser] = {
    "operatorId": params.integers,
    "desiredSecurityProfileStatus": _only("applied", allowed=("applied", "pending", "rejected")),
    "evsePhysicalReference": params.text, "networkId": params.text,
    "bootNotificationSerialNumber": _nothing, "modelId": _nothing, "vendorId": _nothing,
    "userId": _nothing, "partnerId": _nothing, "partnerContractId": _nothing,
    "type": _only("public", allowed=("public", "private", "personal")),
    "subOperatorId": _nothing, "roaming": params.boolean, "roamingOperatorIds": _ids_text,
    "name": params.text, "locationId": params.integer, "circuitId": _nothing,
    "chargingZoneId": _nothing, "managedByOperator": params.boolean, "externalId": params.text,
    "utilityId": _nothing, "tag": _nothing, "sharingCode": _nothing,
    "countryStationId": _nothing, "createdAfter": _nothing, "createdBefore": _nothing,
    "lastUpdatedAfter": params.moment, "lastUpdatedBefore": params.moment,
    "networkStatus": params.one_of(*NETWORK_STATES),
    "lastNetworkStatusUpdateAfter": params.moment,
    "lastNetworkStatusUpdateBefore": params.moment,
}


def station_query(principal: Principal, found: dict[str, Any], coverage: Coverage | None
                  ) -> StationQuery:  # fmt: skip
    operator_matches(principal, found.get("operatorId"))
    if found.get("managedByOperator") is False or found.get("externalId") is not None:
        raise NoMatch  # every charge point is the operator's; none has an external id
    roaming = found.get("roaming")
    if found.get("roamingOperatorIds") is not None:
        if catalogue.operator_id(principal) not in found["roamingOperatorIds"]:
            raise NoMatch
        roaming = True if roaming is None else roaming
        if roaming is False:
            raise NoMatch
    q = StationQuery(catalogue.operator_id(principal), site_id=found.get("locationId"),
                     name=found.get("name"), uuid=found.get("networkId"),
                     evse_id=found.get("evsePhysicalReference"), roaming=roaming,
                     changed_after=found.get("lastUpdatedAfter"),
                     changed_before=found.get("lastUpdatedBefore"),
                     seen_after=found.get("lastNetworkStatusUpdateAfter"),
                     seen_before=found.get("lastNetworkStatusUpdateBefore"),
                     coverage=coverage)
    return _network_state(q, found.get("networkStatus"))


def _network_state(q: StationQuery, state: str | None) -> StationQuery:
    from dataclasses import replace

    if state is None:
        return q
    if state == "available":
        return replace(q, connected=True)
    if state == "never_connected":
        return replace(q, connected=False, ever_connected=False)
    boundary = datetime.now(UTC) - render.LONG_TERM
    stamp = boundary.strftime("%Y-%m-%dT%H:%M:%S.") + f"{boundary.microsecond // 1000:03d}Z"
    if state == "temporarily_unavailable":
        return replace(q, connected=False, ever_connected=True,
                       seen_after=max(filter(None, (q.seen_after, stamp))))
    return replace(q, connected=False, ever_connected=True,
                   seen_before=min(filter(None, (q.seen_before, stamp))))


def routes(core: Any) -> list[Route]:
    async def station_or_404(request: Request, principal: Principal) -> dict[str, Any]:
        station_id = parse_id(request.path_params["chargePoint"], "charge point")
        found = await core.db(catalogue.station, principal, station_id,
                              await offer(core, principal))
        if found is None:
            raise not_found(f"No charge point with id {station_id}.")
        return found

    def outlet_or_404(request: Request, station: dict[str, Any]) -> dict[str, Any]:
        evse_id = parse_id(request.path_params["evse"], "evse")
        for row in station["connectors"]:
            if row["id"] == evse_id:
                return row
        raise not_found(f"No EVSE with id {evse_id} at charge point {station['id']}.")

    async def listing(request: Request) -> Response:
        principal = await operator(core, request)
        win = paging.window(request)
        include = params.includes(request, INCLUDES)
        sold = catalogue.coverage(await offer(core, principal))
        return await cursor_listing(core, request, win,
                                    lambda: station_query(principal,
                                                          params.filters(request, FILTERS),
                                                          sold),
                                    catalogue.stations,
                                    lambda row: render.charge_point(row, include))

    async def read(request: Request) -> Response:
        principal = await operator(core, request)
        station = await station_or_404(request, principal)
        return respond.data(render.charge_point(station, frozenset(("lastBootNotification",))))

    async def status(request: Request) -> Response:
        principal = await operator(core, request)
        station = await station_or_404(request, principal)
        return respond.data(render.status_v1(station))

    async def evses(request: Request) -> Response:
        principal = await operator(core, request)
        # no 422 documented for this listing: the lenient reading
        win = paging.window(request, refuse=None)
        include = params.includes(request, EVSE_INCLUDES, refuse=None)
        station = await station_or_404(request, principal)
        # the station is sold (station_or_404), so are its connectors
        query = ConnectorQuery(catalogue.operator_id(principal), station_id=station["id"],
                               coverage=catalogue.coverage(await offer(core, principal)))
        return await cursor_listing(
            core, request, win, lambda: query, catalogue.connectors,
            lambda row: render.evse(row, include, with_station=False))

    async def evse(request: Request) -> Response:
        principal = await operator(core, request)
        include = params.includes(request, EVSE_READ_INCLUDES, refuse=None)
        station = await station_or_404(request, principal)
        return respond.data(render.evse(outlet_or_404(request, station), include,
                                        with_station=False))

    async def connectors(request: Request) -> Response:
        principal = await operator(core, request)
        outlet = outlet_or_404(request, await station_or_404(request, principal))
        return respond.json({"data": [render.connector(outlet)]})

    async def connector(request: Request) -> Response:
        principal = await operator(core, request)
        outlet = outlet_or_404(request, await station_or_404(request, principal))
        if parse_id(request.path_params["connector"], "connector") != outlet["id"]:
            raise not_found(f"No connector with id {request.path_params['connector']} at EVSE"
                            f" {outlet['id']}.")
        return respond.data(render.connector(outlet))

    one = f"{V2}/{{chargePoint}}"
    outlet = f"{one}/evses/{{evse}}"
    return [
        Route(V2, listing, methods=["GET"]),
        Route(one, read, methods=["GET"]),
        Route(STATUS, status, methods=["GET"]),
        Route(f"{one}/evses", evses, methods=["GET"]),
        Route(outlet, evse, methods=["GET"]),
        Route(f"{outlet}/connectors", connectors, methods=["GET"]),
        Route(f"{outlet}/connectors/{{connector}}", connector, methods=["GET"]),
    ]


