"""The query of ``GET …/points`` -> a connector search (``ConnectorQuery``).

Readings (README): arrays as repeated keys or comma separated; ``distance`` in metres and a
radius around ``lat``/``lon`` (``lat``/``lon`` alone measure distances without limiting
them); the box needs all four corners and does not cross the antimeridian; ``sort_lat``/
``sort_lon`` move the point distances are measured from; ``max_power`` is the least power
(kW) a point must offer; ``owner_id`` names the owner a point shows; ``infrastructure_only=1``
keeps the organisation's own points; ``status`` keeps every point of a station where one
point has the status (as documented); other filters apply per point.
"""

from __future__ import annotations

from starlette.datastructures import QueryParams

from services.core.api.wirelane import params as p
from services.core.api.wirelane import vocabulary as words
from services.core.api.wirelane.errors import bad_parameter, unprocessable
from services.core.domain.partners import Principal
from services.core.store.connector_search import ConnectorQuery

ORDERS = {"evseid": "evse_id", "status": "status", "latitude": "latitude",
          "longitude": "longitude", "power": "power", "voltage": "voltage",
          "chargingType": "current_type", "plugType": "plug_type", "country": "country",
          "city": "city", "zipCode": "zip", "creationDate": "created",
          "updateDate": "updated", "distance": "distance"}  # fmt: skip
MAX_DISTANCE_M = 20_000_000  # half the earth's circumference: every point on it


def _pair(params: QueryParams, lat_name: str, lon_name: str) -> tuple[float, float] | None:
    lat = p.number(params, lat_name, -90, 90)
    lon = p.number(params, lon_name, -180, 180)
    if (lat is None) != (lon is None):
        missing = lon_name if lon is None else lat_name
        present = lat_name if lon is None else lon_name
        raise unprocessable(missing, f"is required together with {present}")
    return None if lat is None or lon is None else (lat, lon)


def _box(params: QueryParams) -> tuple[float, float, float, float] | None:
    north_east = _pair(params, "north_east_lat", "north_east_lon")
    south_west = _pair(params, "south_west_lat", "south_west_lon")
    if (north_east is None) != (south_west is None):
        missing = "south_west_lat" if south_west is None else "north_east_lat"
        raise unprocessable(missing, "a box needs north_east_lat/lon and south_west_lat/lon")
    if north_east is None or south_west is None:
        return None
    if south_west[0] > north_east[0]:
        raise unprocessable("south_west_lat", "must not be north of north_east_lat")
    if south_west[1] > north_east[1]:
        raise unprocessable("south_west_lon", "must not be east of north_east_lon (boxes"
                            " across the antimeridian: ask for each side)")
    return south_west[0], south_west[1], north_east[0], north_east[1]


class NoMatch(Exception):
    """The filters name only values no connector can have (e.g. ``plug_types=TYPE_3``)."""


def parse(params: QueryParams, principal: Principal) -> ConnectorQuery:
    centre = _pair(params, "lat", "lon")
    distance = p.matching(params, "distance", p.DIGITS_PATTERN, "whole metres")
    radius = None
    if distance is not None:
        radius = int(distance[:9]) if len(distance) <= 9 else MAX_DISTANCE_M + 1
        if radius > MAX_DISTANCE_M:
            raise bad_parameter("distance", f"at most {MAX_DISTANCE_M} metres")
        if centre is None:
            raise unprocessable("distance", "needs lat and lon (the centre)")
    sort_centre = _pair(params, "sort_lat", "sort_lon")
    box = _box(params)
    order_by = p.enum(params, "order_by", ORDERS)
    descending = p.direction(params)
    measure_from = sort_centre or centre
    if order_by == "distance" and measure_from is None:
        raise unprocessable("order_by", "distance needs a centre: lat and lon, or sort_lat"
                            " and sort_lon")  # fmt: skip
    order = ORDERS[order_by] if order_by else ("distance" if measure_from else "id")

    plugs = p.array(params, "plug_types", (*words.PLUG_TYPES, ""))
    statuses = p.array(params, "status", words.POINT_STATUSES)
    domain_plugs = tuple(words.PLUG_IN[v] for v in plugs if v in words.PLUG_IN)
    domain_statuses = tuple(s for v in statuses for s in words.STATUS_IN[v])
    max_power = p.number(params, "max_power", 0, 1_000_000)
    if max_power is not None and max_power <= 0:
        raise bad_parameter("max_power", "must be greater than 0")
    infrastructure_only = p.flag(params, "infrastructure_only")
    query = ConnectorQuery(
        near=(centre[0], centre[1], float(radius)) if centre and radius is not None else None,
        box=box,
        centre=measure_from,
        plug_types=domain_plugs,
        current_types=p.array(params, "charging_type", ("AC", "DC", "")),
        station_statuses=domain_statuses,
        min_power_kw=max_power,
        evse_ids=p.array(params, "evseid", pattern=p.POINT_ID_PATTERN),
        station_uuids=p.array(params, "charging_station_id"),
        operator_party_ids=p.array(params, "owner_id"),
        operator_id=principal.operator_id,
        only_operator=bool(infrastructure_only),
        auth_types=p.array(params, "auth_type", ("card", "remote", "direct", "")),
        reservable=p.flag(params, "reservable"),
        in_groups=p.array(params, "point_groups"),
        not_in_groups=p.array(params, "not_in_point_groups"),
        text=p.text(params, "search"),
        order=order,
        descending=descending,
    )
    if (plugs and not domain_plugs) or (statuses and not domain_statuses):
        raise NoMatch
    return query
