"""Connectors searched one by one (not stations): by circle or box, the connector's own
features, its station's status, owner, groups and free text, in a chosen order.

Status criteria are matched at station level: a station with at least one connector in a
wanted status keeps all of its connectors. Everything else is matched per connector.
Distances are haversine metres from ``centre`` (the circle's centre unless given).
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from typing import Any

from services.core.domain.connector_specs import CURRENT_SQL, VOLTAGE_SQL
from services.core.domain.offers import Coverage
from services.core.store.geo import EARTH_RADIUS_M
from services.core.store.offers import coverage_sql

_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180

# Orders a search may ask for -> SQL (connector c, station s, distance d).
ORDERS = {
    "id": "c.id",
    "evse_id": "c.evse_id",
    "status": "COALESCE(c.calculated_status, 'Unknown')",
    "latitude": "s.latitude",
    "longitude": "s.longitude",
    "power": "c.max_power_kw",
    "voltage": VOLTAGE_SQL,
    "current": CURRENT_SQL,
    "current_type": "c.current_type",
    "plug_type": "c.plug_type",
    "country": "s.country",
    "city": "s.city",
    "zip": "s.zip",
    "created": "c.created_at",
    "updated": "c.updated_at",
    "distance": "d",
}


@dataclass(frozen=True)
class ConnectorQuery:
    near: tuple[float, float, float] | None = None  # (lat, lon, radius m)
    box: tuple[float, float, float, float] | None = None  # (south, west, north, east)
    centre: tuple[float, float] | None = None  # distances from here (default: near's centre)
    plug_types: tuple[str, ...] = ()
    current_types: tuple[str, ...] = ()
    station_statuses: tuple[str, ...] = ()  # calculated statuses ('Unknown' for offline)
    min_power_kw: float | None = None
    evse_ids: tuple[str, ...] = ()
    station_uuids: tuple[str, ...] = ()
    operator_party_ids: tuple[str, ...] = ()
    operator_id: int | None = None  # only this operator's stations
    only_operator: bool = False  # operator_id None with only_operator: nothing matches
    auth_types: tuple[str, ...] = ()
    reservable: bool | None = None
    in_groups: tuple[str, ...] = ()
    not_in_groups: tuple[str, ...] = ()
    text: str | None = None
    order: str = "id"
    descending: bool = False
    coverage: Coverage | None = None  # only connectors of the stations an offer covers

    @property
    def distance_from(self) -> tuple[float, float] | None:
        if self.centre is not None:
            return self.centre
        return (self.near[0], self.near[1]) if self.near is not None else None


def _distance_sql(centre: tuple[float, float] | None, args: dict[str, Any],
                  name: str = "c") -> str:  # fmt: skip
    if centre is None:
        return "NULL"
    args.update({"earth": EARTH_RADIUS_M, f"{name}lat": centre[0], f"{name}lon": centre[1]})
    lat, lon = f":{name}lat", f":{name}lon"
    return (
        "(2 * :earth * asin(min(1.0, sqrt("
        f" pow(sin(radians(s.latitude - {lat}) / 2), 2)"
        f" + cos(radians({lat})) * cos(radians(s.latitude))"
        f" * pow(sin(radians(s.longitude - {lon}) / 2), 2)))))"
    )


def _circle_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    r = radius_m * 1.01 + 10  # the R*Tree stores float32 coordinates
    dlat = r / _M_PER_DEG
    lat_far = min(89.9, abs(lat) + dlat)
    dlon = min(180.0, r / (_M_PER_DEG * math.cos(math.radians(lat_far))))
    return max(-90.0, lat - dlat), lon - dlon, min(90.0, lat + dlat), lon + dlon


def _in(column: str, values: tuple[Any, ...], args: dict[str, Any], name: str) -> str:
    marks = []
    for i, value in enumerate(values):
        args[f"{name}{i}"] = value
        marks.append(f":{name}{i}")
    return f"{column} IN ({', '.join(marks)})"


def _where(q: ConnectorQuery, args: dict[str, Any]) -> list[str]:
    where: list[str] = []
    boxes = []
    if q.near is not None:
        boxes.append(_circle_box(*q.near))
    if q.box is not None:
        boxes.append(q.box)
    for i, (south, west, north, east) in enumerate(boxes):
        args.update({f"s{i}": south, f"w{i}": west, f"n{i}": north, f"e{i}": east})
        where.append(f"s.id IN (SELECT id FROM station_rtree WHERE max_lat >= :s{i}"
                     f" AND min_lat <= :n{i} AND max_lon >= :w{i} AND min_lon <= :e{i})")
        if q.box is not None and boxes[i] == q.box:
            # the R*Tree's float32 corners are slightly wider than the box asked for
            where.append(f"s.latitude BETWEEN :s{i} AND :n{i}"
                         f" AND s.longitude BETWEEN :w{i} AND :e{i}")
    if q.plug_types:
        where.append(_in("c.plug_type", q.plug_types, args, "plug"))
    if q.current_types:
        where.append(_in("c.current_type", q.current_types, args, "cur"))
    if q.station_statuses:
        inner = _in("COALESCE(x.calculated_status, 'Unknown')", q.station_statuses, args, "st")
        # per candidate station (the UNIQUE (station_id, sort_order) index), not one pass
        # over every connector of the network
        where.append(f"EXISTS (SELECT 1 FROM connectors x WHERE x.station_id = c.station_id"
                     f" AND {inner})")
    if q.min_power_kw is not None:
        args["min_power"] = q.min_power_kw
        where.append("c.max_power_kw >= :min_power")
    if q.evse_ids:
        where.append(_in("c.evse_id", q.evse_ids, args, "evse"))
    if q.station_uuids:
        where.append(_in("s.uuid", q.station_uuids, args, "su"))
    if q.operator_party_ids:
        where.append(_in("o.party_id", q.operator_party_ids, args, "party"))
    if q.only_operator:
        args["only_op"] = q.operator_id if q.operator_id is not None else -1
        where.append("s.operator_id = :only_op")
    if q.auth_types:
        parts = []
        for i, kind in enumerate(q.auth_types):
            args[f"auth{i}"] = f"% {kind} %"
            parts.append(f"(' ' || COALESCE(c.auth_types, 'card remote') || ' ') LIKE :auth{i}")
        where.append("(" + " OR ".join(parts) + ")")
    if q.reservable is not None:
        args["reservable"] = int(q.reservable)
        where.append("c.reservable = :reservable")
    if q.in_groups:
        inner = _in("g.group_id", q.in_groups, args, "gin")
        where.append(f"c.id IN (SELECT g.connector_id FROM connector_groups g WHERE {inner})")
    if q.not_in_groups:
        inner = _in("g.group_id", q.not_in_groups, args, "gout")
        where.append(f"c.id NOT IN (SELECT g.connector_id FROM connector_groups g"
                     f" WHERE {inner})")
    if q.text:
        args["text"] = "%" + q.text.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        fields = ("c.evse_id", "c.code", "c.label", "s.uuid", "s.label", "s.public_name",
                  "s.address", "s.zip", "s.city", "o.name")
        where.append("(" + " OR ".join(f"{f} LIKE :text ESCAPE '\\'" for f in fields) + ")")
    if q.coverage is not None and not q.coverage.is_everything:
        where.append(coverage_sql(q.coverage, id_col="s.id", operator_col="s.operator_id",
                                  lat_col="s.latitude", lon_col="s.longitude"))
    return where


def search(conn: sqlite3.Connection, q: ConnectorQuery, *, offset: int, limit: int
           ) -> list[tuple[int, float | None]]:
    """(connector id, distance m or None) of one page, in the query's order (ties by id)."""
    args: dict[str, Any] = {}
    centre = q.distance_from
    if q.order == "distance" and centre is None:
        raise ValueError("ordering by distance needs a centre")
    distance = _distance_sql(centre, args)
    where = _where(q, args)
    key = "NULL" if q.order == "distance" else ORDERS[q.order]
    # the radius is measured from the circle's centre, even when distances are reported
    # from another point (sort_lat/sort_lon)
    reach = distance
    if q.near is not None and (q.near[0], q.near[1]) != centre:
        reach = _distance_sql((q.near[0], q.near[1]), args, "n")
    inner = (f"SELECT c.id AS id, {distance} AS d, {reach} AS r, {key} AS k FROM connectors c"
             " JOIN stations s ON s.id = c.station_id JOIN operators o ON o.id = s.operator_id")
    if where:
        inner += " WHERE " + " AND ".join(where)
    sql = f"SELECT id, d FROM ({inner})"
    if q.near is not None:
        args["radius"] = q.near[2]
        sql += " WHERE r <= :radius"
    direction = "DESC" if q.descending else "ASC"
    args.update(lim=limit, off=offset)
    if q.order == "id":
        # the connectors' own order: SQLite walks the rowid and stops at the page's end
        sql += f" ORDER BY id {direction} LIMIT :lim OFFSET :off"
    else:
        sort = "d" if q.order == "distance" else "k"
        sql += f" ORDER BY {sort} IS NULL, {sort} {direction}, id LIMIT :lim OFFSET :off"
    return [(r[0], r[1]) for r in conn.execute(sql, args)]
