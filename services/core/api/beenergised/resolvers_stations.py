"""Public station queries of the be.ENERGISED driver API (no token needed; a user token only
adds ``isFavoured``).

Readings of the document, where it is silent:
- ``LocationFilter.radius`` is in KILOMETRES (a driver app searches "within 5 km"), at most
  ``MAX_RADIUS_KM``; latitude/longitude in WGS84 degrees. Distances are great-circle
  (haversine) distances from the centre to the station.
- ``*LocationBased`` without ``location`` searches everywhere (like the plain ``*Paged``).
- ``orderedByDistance``: "0" -> by internal id (stable paging); anything else (null, "1",
  and, as the document says the backend will not order by distance *only* when "0", any
  other string such as its own example value "abc123") -> nearest first. Without a
  location there is no distance: ordered by id.
- ``PaginationFilter``: limit defaults to 20 and is capped at 100 ("Will be overruled from
  the api if too high"); the returned ``pagination.limit`` is the limit actually applied.
- ``ConnectorFilter``: options within one slug are OR-ed, slugs AND-ed, at station level
  (see services/core/store/station_filter.py); the option slugs are exactly what ``filters``
  returns; unknown slugs/options are BAD_USER_INPUT. ``freeOfCharge: true`` keeps stations
  with at least one free connector; false/null restrict nothing.
- ``tagId``: only stations where that card can start charging (the rule of
  ``domain.cards.card_can_charge``): an unknown, inactive or expired card gives an empty page;
  a roaming-enabled card (roaming / emsp) may use every station, other cards internal ones.
- ``locations*``: a site with several stations is one ``Site`` location (connectors of all
  its stations, the site's position); a site with a single station is that ``Cp``.
- ``cp``/``site``/``connector``/``connectorByEvseId``/``cpCapabilities``/occupancy for an
  unknown id: GraphQL error NOT_FOUND naming the argument.
- ``cpOccupancyRate``: ``occupancyRate`` is the share of time (0..1) the station was
  occupied in that hour: measured from its history where there is some, else its typical
  profile (services.core.domain.occupancy); ``day: ALL`` returns all 7 x 24 values with
  ``day`` = MONDAY..SUNDAY, a single day its 24 values. The deprecated ``occupancyRate``
  (by connector ids) averages the stations of the given connectors.
- ``deleteCp`` is not a driver operation: FORBIDDEN for every user.
"""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised import parsers, renderers
from services.core.api.beenergised.context import core, offer, optional_viewer, viewer
from services.core.api.beenergised.renderers import rate_option as rate_option_dict
from services.core.api.beenergised.station_types import (
    Parents,
    parents_of,
    prepare_cps,
    prepare_sites,
)
from services.core.api.beenergised.userdata import DEFAULT_LIMIT, MAX_LIMIT, page_args, paged
from services.core.api.graphql import errors
from services.core.domain.auth import REFRESH_TTL, SESSION_TTL
from services.core.domain.tariffs import CO2_KG_PER_KWH
from services.core.services import lookups, offers
from services.core.store.station_filter import FilterError, StationFilter

MAX_RADIUS_KM = 1000.0
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
MAX_OCCUPANCY_CONNECTORS = 100

query = QueryType()
mutation = MutationType()


# ------------------------------------------------------------------ argument parsing


def station_filter(filter: list[dict] | None, free_of_charge: bool | None) -> StationFilter:
    try:
        return parsers.station_filter(filter, free_of_charge)
    except FilterError as exc:
        raise errors.bad_input(exc.field, exc.reason) from None


def location_arg(location: dict | None) -> tuple[float, float, float] | None:
    """(lat, lon, radius in metres) from a LocationFilter (radius in km), validated."""
    if location is None:
        return None
    lat, lon, radius = location["latitude"], location["longitude"], location["radius"]
    if not -90.0 <= lat <= 90.0:
        raise errors.bad_input("location.latitude", f"{lat} is outside -90..90")
    if not -180.0 <= lon <= 180.0:
        raise errors.bad_input("location.longitude", f"{lon} is outside -180..180")
    if math.isnan(radius) or radius < 0:
        raise errors.bad_input("location.radius", "must be a distance in km >= 0")
    if radius > MAX_RADIUS_KM:
        raise errors.bad_input("location.radius",
                               f"{radius} km is too large; at most {MAX_RADIUS_KM:g} km")
    return lat, lon, radius * 1000.0


def ordered_arg(value: str | None) -> bool:
    return value is None or value.strip() != "0"


def tag_arg(tag_id: str | None) -> str | None:
    if tag_id is not None and not tag_id.strip():
        raise errors.bad_input("tagId", "must not be empty (leave it out to search all stations)")
    return tag_id


async def _user_id(info: GraphQLResolveInfo) -> int | None:
    me = await optional_viewer(info)
    return me.user_id if me else None


async def _sold(info: GraphQLResolveInfo) -> Parents:
    """The operation's parents, pricing and covering as this API's offer does."""
    parents = parents_of(info)
    parents.offer = await offer(info)
    return parents


# ------------------------------------------------------------------ stations


def _cps_page(conn: sqlite3.Connection, *, flt: StationFilter, limit: int, offset: int,
              location: tuple[float, float, float] | None, ordered: bool,
              tag_id: str | None, user_id: int | None, parents: Parents) -> dict:
    if parents.offer is not None:
        flt = flt.covering(parents.offer.coverage)
    page = lookups.stations_page(conn, flt=flt, offset=offset, limit=limit,
                                 location=location, ordered=ordered, tag_id=tag_id)
    return paged(prepare_cps(conn, page.items, user_id, parents), page.total, limit, offset)


@query.field("cpsPaged")
async def resolve_cps_paged(_obj: Any, info: GraphQLResolveInfo, pagination: dict | None = None,
                            filter: list | None = None, freeOfCharge: bool | None = None,
                            tagId: str | None = None, **_ignored: Any) -> dict:
    limit, offset = page_args(pagination)
    flt = station_filter(filter, freeOfCharge)
    return await core(info).db(_cps_page, flt=flt, limit=limit, offset=offset, location=None,
                               ordered=False, tag_id=tag_arg(tagId),
                               user_id=await _user_id(info), parents=await _sold(info))


@query.field("cpsPagedLocationBased")
async def resolve_cps_location(_obj: Any, info: GraphQLResolveInfo,
                               orderedByDistance: str | None = None,
                               pagination: dict | None = None, location: dict | None = None,
                               filter: list | None = None, freeOfCharge: bool | None = None,
                               tagId: str | None = None, **_ignored: Any) -> dict:
    limit, offset = page_args(pagination)
    ordered = ordered_arg(orderedByDistance)
    where = location_arg(location)
    flt = station_filter(filter, freeOfCharge)
    return await core(info).db(_cps_page, flt=flt, limit=limit, offset=offset, location=where,
                               ordered=ordered, tag_id=tag_arg(tagId),
                               user_id=await _user_id(info), parents=await _sold(info))


def _cp(conn: sqlite3.Connection, uuid: str, user_id: int | None, parents: Parents
        ) -> dict | None:
    row = lookups.station_by_uuid(conn, uuid)
    if not offers.covers(parents.offer, row):
        return None
    return prepare_cps(conn, [row], user_id, parents)[0]


@query.field("cp")
async def resolve_cp(_obj: Any, info: GraphQLResolveInfo, id: str, **_ignored: Any) -> dict:
    found = await core(info).db(_cp, str(id), await _user_id(info), await _sold(info))
    if found is None:
        raise errors.not_found("Cp", id, field="id")
    return found


@mutation.field("deleteCp")
async def resolve_delete_cp(_obj: Any, info: GraphQLResolveInfo, id: str) -> dict:
    await viewer(info)
    raise errors.forbidden("deleteCp: charging stations are managed by their operator, "
                           "not through the driver API")


# ------------------------------------------------------------------ sites


def _sites_page(conn: sqlite3.Connection, *, flt: StationFilter, limit: int, offset: int,
                location: tuple[float, float, float] | None, user_id: int | None,
                parents: Parents) -> dict:
    if parents.offer is not None:
        flt = flt.covering(parents.offer.coverage)
    page = lookups.sites_page(conn, flt=flt, offset=offset, limit=limit, location=location)
    return paged(prepare_sites(conn, page.items, user_id, parents), page.total, limit, offset)


@query.field("sitesPaged")
async def resolve_sites_paged(_obj: Any, info: GraphQLResolveInfo,
                              pagination: dict | None = None, filter: list | None = None,
                              **_ignored: Any) -> dict:
    limit, offset = page_args(pagination)
    return await core(info).db(_sites_page, flt=station_filter(filter, None), limit=limit,
                               offset=offset, location=None,
                               user_id=await _user_id(info), parents=await _sold(info))


@query.field("sitesPagedLocationBased")
async def resolve_sites_location(_obj: Any, info: GraphQLResolveInfo,
                                 pagination: dict | None = None, location: dict | None = None,
                                 filter: list | None = None, **_ignored: Any) -> dict:
    limit, offset = page_args(pagination)
    where = location_arg(location)
    return await core(info).db(_sites_page, flt=station_filter(filter, None), limit=limit,
                               offset=offset, location=where,
                               user_id=await _user_id(info), parents=await _sold(info))


def _site(conn: sqlite3.Connection, uuid: str, user_id: int | None, parents: Parents
          ) -> dict | None:
    row = lookups.site_by_uuid(conn, uuid)
    if row is None:
        return None
    site = prepare_sites(conn, [row], user_id, parents)[0]
    # A site exists for this API where it sells one of the site's stations.
    sold_everywhere = parents.offer is None or parents.offer.coverage.is_everything
    return site if site["_cps"] or sold_everywhere else None


@query.field("site")
async def resolve_site(_obj: Any, info: GraphQLResolveInfo, id: str | None = None,
                       **_ignored: Any) -> dict:
    if not id:
        raise errors.bad_input("id", "the site id (uuid) is required")
    found = await core(info).db(_site, id, await _user_id(info), await _sold(info))
    if found is None:
        raise errors.not_found("Site", id, field="id")
    return found


# ------------------------------------------------------------------ locations


def _location(site: dict) -> dict:
    cps = site["_cps"]
    if len(cps) == 1:
        cp = cps[0]
        return {"id": cp["uuid"], "label": cp["label"], "latitude": cp["latitude"],
                "longitude": cp["longitude"], "connectors": cp["_connectors"], "type": "Cp"}
    return {"id": site["uuid"], "label": site["name"], "latitude": site["latitude"],
            "longitude": site["longitude"],
            "connectors": [c for cp in cps for c in cp["_connectors"]], "type": "Site"}


def _locations_page(conn: sqlite3.Connection, **kw: Any) -> dict:
    page = _sites_page(conn, **kw)
    return {"pagination": page["pagination"], "locations": [_location(s) for s in page["data"]]}


@query.field("locationsPaged")
async def resolve_locations_paged(_obj: Any, info: GraphQLResolveInfo,
                                  pagination: dict | None = None, filter: list | None = None,
                                  **_ignored: Any) -> dict:
    limit, offset = page_args(pagination)
    return await core(info).db(_locations_page, flt=station_filter(filter, None), limit=limit,
                               offset=offset, location=None,
                               user_id=await _user_id(info), parents=await _sold(info))


@query.field("locationsLocationBased")
async def resolve_locations_location(_obj: Any, info: GraphQLResolveInfo,
                                     pagination: dict | None = None,
                                     location: dict | None = None, filter: list | None = None,
                                     **_ignored: Any) -> dict:
    limit, offset = page_args(pagination)
    where = location_arg(location)
    return await core(info).db(_locations_page, flt=station_filter(filter, None), limit=limit,
                               offset=offset, location=where,
                               user_id=await _user_id(info), parents=await _sold(info))


# ------------------------------------------------------------------ connectors


def connector_id_arg(value: Any, field: str = "id") -> int:
    try:
        cid = int(str(value).strip())
    except ValueError:
        raise errors.bad_input(field, f"'{value}' is not a connector id") from None
    if not 0 < cid < 2**63:  # beyond SQLite's INTEGER: no such connector, not a crash
        raise errors.bad_input(field, f"'{value}' is not a connector id")
    return cid


def _connector(conn: sqlite3.Connection, *, cid: int | None = None, evse: str | None = None,
               user_id: int | None = None, parents: Parents) -> dict | None:
    found = lookups.connector(conn, connector_id=cid, evse_id=evse)
    if found is None:
        return None
    row, station = found
    if not offers.covers(parents.offer, station):
        return None
    cp = prepare_cps(conn, [station], user_id, parents)[0]
    # The connector object inside its Cp, so connector.cp.connectors shows the same data.
    return next(c for c in cp["_connectors"] if c["id"] == row["id"])


@query.field("connector")
async def resolve_connector(_obj: Any, info: GraphQLResolveInfo, id: str,
                            **_ignored: Any) -> dict:
    found = await core(info).db(_connector, cid=connector_id_arg(id),
    user_id=await _user_id(info), parents=await _sold(info))
    if found is None:
        raise errors.not_found("Connector", id, field="id")
    return found


@query.field("connectorByEvseId")
async def resolve_connector_by_evse(_obj: Any, info: GraphQLResolveInfo, evseId: str,
                                    **_ignored: Any) -> dict:
    found = await core(info).db(_connector, evse=evseId,
    user_id=await _user_id(info), parents=await _sold(info))
    if found is None:
        raise errors.not_found("Connector with EVSE ID", evseId, field="evseId")
    return found


def _connectors_page(conn: sqlite3.Connection, *, limit: int, offset: int,
                     user_id: int | None, parents: Parents) -> dict:
    ids, total, station_rows = lookups.connectors_page(conn, offset=offset, limit=limit,
                                                       offer=parents.offer)  # fmt: skip
    stations = prepare_cps(conn, station_rows, user_id, parents)
    by_id = {c["id"]: c for cp in stations for c in cp["_connectors"]}
    return paged([by_id[i] for i in ids if i in by_id], total, limit, offset)


@query.field("connectorsPaged")
async def resolve_connectors_paged(_obj: Any, info: GraphQLResolveInfo,
                                   pagination: dict | None = None, **_ignored: Any) -> dict:
    limit, offset = page_args(pagination)
    return await core(info).db(_connectors_page, limit=limit, offset=offset,
    user_id=await _user_id(info), parents=await _sold(info))


# ------------------------------------------------------------------ filters, capabilities


@query.field("filters")
def resolve_filters(_obj: Any, _info: GraphQLResolveInfo) -> list[dict]:
    return renderers.filter_catalogue(parsers.CONNECTOR_FILTERS)


@query.field("cpCapabilities")
async def resolve_capabilities(_obj: Any, info: GraphQLResolveInfo, id: str) -> dict:
    # hasRemoteCommands: the charge point is connected to the OCPP central system right now
    # (kept current by services.core.ocpp); only then can remote start/stop reach it.
    found = await core(info).db(lookups.remote_commands, id)
    if found is None:
        raise errors.not_found("Cp", id, field="id")
    return {"hasRemoteCommands": found}


# ------------------------------------------------------------------ occupancy


def _weekday(day: str) -> int | None:
    return None if day == "ALL" else DAYS.index(day)


def _occupancy(rates: list[tuple[int, int, float]]) -> list[dict]:
    return [{"day": DAYS[wd], "hour": hour, "occupancyRate": rate} for wd, hour, rate in rates]


@query.field("cpOccupancyRate")
async def resolve_cp_occupancy(_obj: Any, info: GraphQLResolveInfo, cpId: str,
                               day: str) -> list[dict]:
    found = await core(info).db(lookups.station_occupancy, cpId, _weekday(day))
    if found is None:
        raise errors.not_found("Cp", cpId, field="cpId")
    return _occupancy(found)


@query.field("occupancyRate")
async def resolve_occupancy(_obj: Any, info: GraphQLResolveInfo, connectors: list,
                            day: str) -> list[dict]:
    ids = [connector_id_arg(c, "connectors") for c in connectors if c is not None]
    if not ids:
        raise errors.bad_input("connectors", "at least one connector id is required")
    if len(ids) > MAX_OCCUPANCY_CONNECTORS:
        raise errors.bad_input("connectors", f"at most {MAX_OCCUPANCY_CONNECTORS} ids")
    found = await core(info).db(lookups.connectors_occupancy, ids, _weekday(day))
    if isinstance(found, int):
        raise errors.not_found("Connector", found, field="connectors")
    return _occupancy(found)


# ------------------------------------------------------------------ rates, settings


def _rate_package(p: Any) -> dict[str, Any]:
    return {"id": p["package_uuid"], "visibleRuntime": p["visible_runtime"],
            "automaticStop": p["automatic_stop"], "amount": p["amount"],
            "rate": rate_option_dict(p)}


@query.field("ratePackageByConnectorId")
async def resolve_rate_packages(_obj: Any, info: GraphQLResolveInfo,
                                id: str | None = None) -> list[dict]:
    if id is None:
        raise errors.bad_input("id", "the connector id is required")
    found = await core(info).db(lookups.rate_packages, connector_id_arg(id))
    if found is None:
        raise errors.not_found("Connector", id, field="id")
    return [_rate_package(p) for p in found]


@query.field("contractRateOptions")
async def resolve_contract_rate_options(_obj: Any, info: GraphQLResolveInfo) -> list[dict]:
    return [rate_option_dict(r) for r in await core(info).db(lookups.contract_rate_options)]


def builtin_settings() -> dict[str, str]:
    """The core's own configuration a client may want, from the constants in force; rows
    in the ``settings`` table add to (and override) these."""
    return {
        "api.location.radiusUnit": "km",
        "api.location.maxRadiusKm": f"{MAX_RADIUS_KM:g}",
        "api.pagination.defaultLimit": str(DEFAULT_LIMIT),
        "api.pagination.maxLimit": str(MAX_LIMIT),
        "auth.sessionTokenMinutes": str(int(SESSION_TTL.total_seconds() // 60)),
        "auth.refreshTokenDays": str(REFRESH_TTL.days),
        "co2.savingKgPerKwh": f"{CO2_KG_PER_KWH:g}",
        "currency": "EUR",
        "map.defaultCenter": "52.5200,13.4050",
    }


@query.field("settings")
async def resolve_settings(_obj: Any, info: GraphQLResolveInfo,
                           key: str | None = None) -> list[dict]:
    merged = await core(info).db(lookups.public_settings, builtin_settings())
    return [{"key": k, "value": v} for k, v in sorted(merged.items())
            if key is None or k == key]


bindables = [query, mutation]
