"""Listings the be.ENERGISED facade needs on top of ``stations.py`` (H2's search core):
sites paged by id, connectors paged, and station searches restricted to the stations a
given card may use.

Which stations a card may use is decided by the caller (``CardAccess``, from the rule in
``services.core.domain.cards.card_can_charge``); this module only applies it.
"""

from __future__ import annotations

import sqlite3
from enum import Enum
from typing import Any

from services.core.domain.offers import Coverage
from services.core.store.geo import near_ids, stations_near
from services.core.store.offers import coverage_sql
from services.core.store.rows import StationPage
from services.core.store.station_filter import StationFilter
from services.core.store.stations import sites_by_ids, stations_by_ids, stations_paged

ALL_RESULTS = 10**9


class CardAccess(Enum):
    NONE = "none"  # unknown, inactive or expired card: it can charge nowhere
    INTERNAL = "internal"  # internal stations only
    ALL = "all"


def _matching_ids_sql(flt: StationFilter, params: list[Any]) -> str:
    """A subquery of the ids of stations matching ``flt`` (R*Tree feature bits, operators)."""
    parts = []
    for mask in flt.all_masks:
        parts.append("(features & ?) != 0")
        params.append(mask)
    if flt.operator_ids:
        parts.append(f"operator_id IN ({','.join('?' * len(flt.operator_ids))})")
        params.extend(flt.operator_ids)
    if flt.coverage_sql is not None:
        parts.append(flt.coverage_sql)
    return "SELECT id FROM station_rtree WHERE " + (" AND ".join(parts) or "1")


def search_stations(
    conn: sqlite3.Connection,
    *,
    flt: StationFilter | None,
    offset: int,
    limit: int,
    location: tuple[float, float, float] | None = None,  # (lat, lon, radius_m)
    ordered: bool = True,
    access: CardAccess = CardAccess.ALL,
) -> StationPage:
    """A page of station rows (``distance_m`` set when searching by location)."""
    if access is CardAccess.NONE:
        return StationPage(items=[], total=0, offset=offset, limit=limit)
    if access is CardAccess.ALL:
        if location is None:
            return stations_paged(conn, offset=offset, limit=limit, flt=flt)
        lat, lon, radius_m = location
        return stations_near(conn, lat, lon, radius_m, offset=offset, limit=limit, flt=flt,
                             ordered=ordered)
    # Internal stations only: the R*Tree has no access-type bit, so this (rarer) path
    # filters the candidates itself.
    if location is None:
        if flt is None or flt.is_empty:
            total = conn.execute(
                "SELECT COUNT(*) FROM stations WHERE access_type <> 'ROAMING'").fetchone()[0]
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM stations WHERE access_type <> 'ROAMING' ORDER BY id"
                " LIMIT ? OFFSET ?", (limit, offset))]
        else:
            # One pass: "id IN (R*Tree matches)" beats a join driven by the virtual table.
            params: list[Any] = []
            matching = _matching_ids_sql(flt, params)
            every = [r[0] for r in conn.execute(
                f"SELECT id FROM stations WHERE access_type <> 'ROAMING' AND id IN ({matching})"
                " ORDER BY id", params)]
            total, ids = len(every), every[offset : offset + limit]
        items = stations_by_ids(conn, ids)
        for row in items:
            row["distance_m"] = None
        return StationPage(items=items, total=total, offset=offset, limit=limit)
    lat, lon, radius_m = location
    _, found = near_ids(conn, lat, lon, radius_m, offset=0, limit=ALL_RESULTS, flt=flt,
                        ordered=ordered)
    roaming = _roaming_ids(conn, [sid for _, sid in found])
    kept = [(d, sid) for d, sid in found if sid not in roaming]
    page = kept[offset : offset + limit]
    items = stations_by_ids(conn, [sid for _, sid in page])
    for (d, _), row in zip(page, items, strict=True):
        row["distance_m"] = d
    return StationPage(items=items, total=len(kept), offset=offset, limit=limit)


def _roaming_ids(conn: sqlite3.Connection, ids: list[int]) -> set[int]:
    out: set[int] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        out.update(r[0] for r in conn.execute(
            f"SELECT id FROM stations WHERE access_type = 'ROAMING' AND id IN"
            f" ({','.join('?' * len(chunk))})", chunk))
    return out


def sites_paged(
    conn: sqlite3.Connection, *, flt: StationFilter | None, offset: int, limit: int
) -> StationPage:
    """Sites with at least one (matching) station, ordered by id."""
    if flt is None or flt.is_empty:
        total = conn.execute("SELECT COUNT(*) FROM sites").fetchone()[0]
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM sites ORDER BY id LIMIT ? OFFSET ?", (limit, offset))]
    else:
        params: list[Any] = []
        matching = _matching_ids_sql(flt, params)
        every = [r[0] for r in conn.execute(
            f"SELECT DISTINCT site_id FROM stations WHERE id IN ({matching}) ORDER BY site_id",
            params)]
        total, ids = len(every), every[offset : offset + limit]
    items = sites_by_ids(conn, ids)
    for row in items:
        row["distance_m"] = None
    return StationPage(items=items, total=total, offset=offset, limit=limit)


def connector_ids_paged(conn: sqlite3.Connection, *, offset: int, limit: int,
                        coverage: Coverage | None = None) -> tuple[list[int], int]:
    """A page of connector ids by id (of the stations ``coverage`` covers), and the total."""
    if coverage is None or coverage.is_everything:
        total = conn.execute("SELECT COUNT(*) FROM connectors").fetchone()[0]
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM connectors ORDER BY id LIMIT ? OFFSET ?", (limit, offset))]
        return ids, total
    covered = coverage_sql(coverage, id_col="s.id", operator_col="s.operator_id",
                           lat_col="s.latitude", lon_col="s.longitude")
    source = f"connectors c JOIN stations s ON s.id = c.station_id WHERE {covered}"
    total = conn.execute(f"SELECT COUNT(*) FROM {source}").fetchone()[0]
    ids = [r[0] for r in conn.execute(
        f"SELECT c.id FROM {source} ORDER BY c.id LIMIT ? OFFSET ?", (limit, offset))]
    return ids, total
