"""Stations, sites and operators: rows by id/uuid, stations per site, all stations paged,
and the feature bits the search index keeps per station.

Plain sync functions taking ``conn`` first (see services/core/state.py). Searches by place
are in ``services.core.store.geo``; connectors in ``services.core.store.connectors``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from services.core.store.offers import coverage_sql
from services.core.store.rows import StationPage, chunks, dict_rows, rows_by_key
from services.core.store.station_filter import FEATURES_SQL, StationFilter, filter_sql


def stations_paged(
    conn: sqlite3.Connection,
    *,
    offset: int = 0,
    limit: int = 50,
    flt: StationFilter | None = None,
) -> StationPage:
    """All stations (filtered), ordered by id."""
    params: dict[str, Any] = {}
    where = "1" + filter_sql(flt, params)
    offset, limit = max(0, int(offset)), max(0, int(limit))
    if flt is None or flt.is_empty:
        total = conn.execute("SELECT COUNT(*) FROM stations").fetchone()[0]
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM stations ORDER BY id LIMIT ? OFFSET ?", (limit, offset)
            )
        ]
    elif flt.coverage is not None and flt.coverage_only and not flt.coverage.regions:
        # Coverage by operator or list alone: the stations table walks ids in order and
        # stops at the page's end, where the R*Tree would be scanned whole and sorted.
        covered = coverage_sql(flt.coverage, id_col="id", operator_col="operator_id",
                               lat_col="latitude", lon_col="longitude")
        total = conn.execute(f"SELECT COUNT(*) FROM stations WHERE {covered}").fetchone()[0]
        ids = [r[0] for r in conn.execute(
            f"SELECT id FROM stations WHERE {covered} ORDER BY id LIMIT ? OFFSET ?",
            (limit, offset))]
    else:
        total = conn.execute(
            f"SELECT COUNT(*) FROM station_rtree WHERE {where}", params
        ).fetchone()[0]
        params.update(lim=limit, off=offset)
        ids = [
            r[0]
            for r in conn.execute(
                f"SELECT id FROM station_rtree WHERE {where} ORDER BY id LIMIT :lim OFFSET :off",
                params,
            )
        ]
    items = stations_by_ids(conn, ids)
    for row in items:
        row["distance_m"] = None
    return StationPage(items=items, total=total, offset=offset, limit=limit)

# --------------------------------------------------------------------------- lookups

# Every stations column except ocpp_password_hash: rows travel to resolvers and must not
# carry credentials.
_STATION_COLS = (
    "s.id, s.uuid, s.site_id, s.operator_id, s.label, s.public_name, s.address, s.zip, s.city,"
    " s.country, s.latitude, s.longitude, s.access_type, s.opening_hours, s.images,"
    " s.occupancy_profile, s.ocpp_status, s.calculated_status, s.simple_status, s.vendor,"
    " s.model, s.firmware, s.connected, s.last_seen, si.uuid AS site_uuid,"
    " o.name AS operator_name, o.party_id AS operator_party_id,"
    " o.country AS operator_country, o.phone AS operator_phone, o.email AS operator_email,"
    " o.website AS operator_website"
)
_STATION_FROM = (
    "stations s JOIN sites si ON si.id = s.site_id JOIN operators o ON o.id = s.operator_id"
)


def stations_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Station rows (with site uuid and operator fields) in the order of ``ids``;
    unknown ids are skipped."""
    return rows_by_key(conn, f"SELECT {_STATION_COLS} FROM {_STATION_FROM}", "s.id", "id", ids)


def stations_by_uuids(conn: sqlite3.Connection, uuids: Sequence[str]) -> list[dict[str, Any]]:
    return rows_by_key(
        conn, f"SELECT {_STATION_COLS} FROM {_STATION_FROM}", "s.uuid", "uuid", uuids
    )


def station_by_uuid(conn: sqlite3.Connection, uuid: str) -> dict[str, Any] | None:
    rows = stations_by_uuids(conn, [uuid])
    return rows[0] if rows else None


def station_by_id(conn: sqlite3.Connection, station_id: int) -> dict[str, Any] | None:
    rows = stations_by_ids(conn, [station_id])
    return rows[0] if rows else None

def sites_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for chunk in chunks(list(ids), 500):
        marks = ",".join("?" * len(chunk))
        for row in dict_rows(
            conn,
            "SELECT si.*, o.name AS operator_name, o.party_id AS operator_party_id"
            f" FROM sites si JOIN operators o ON o.id = si.operator_id WHERE si.id IN ({marks})",
            chunk,
        ):
            found[row["id"]] = row
    return [found[i] for i in ids if i in found]


def site_by_uuid(conn: sqlite3.Connection, uuid: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT id FROM sites WHERE uuid = ?", (uuid,)).fetchone()
    return sites_by_ids(conn, [row[0]])[0] if row else None


def stations_of_sites(
    conn: sqlite3.Connection, site_ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """Station rows per site id (one query per 500 sites)."""
    out: dict[int, list[dict[str, Any]]] = {sid: [] for sid in site_ids}
    for chunk in chunks(list(dict.fromkeys(site_ids)), 500):
        marks = ",".join("?" * len(chunk))
        for row in dict_rows(
            conn,
            f"SELECT {_STATION_COLS} FROM {_STATION_FROM} WHERE s.site_id IN ({marks})"
            " ORDER BY s.site_id, s.id",
            chunk,
        ):
            out[row["site_id"]].append(row)
    return out

def operators_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for chunk in chunks(list(dict.fromkeys(ids)), 500):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT * FROM operators WHERE id IN ({marks})", chunk):
            out[row["id"]] = row
    return out


def refresh_features(conn: sqlite3.Connection, station_ids: Iterable[int] | None = None) -> None:
    """Recompute station_rtree.features from connectors (all stations when None).

    The triggers keep it current row by row; bulk loaders that drop the triggers call this.
    """
    if station_ids is None:
        conn.execute(
            f"UPDATE station_rtree SET features = (SELECT {FEATURES_SQL} FROM connectors c"
            " WHERE c.station_id = station_rtree.id)"
        )
        return
    conn.executemany(
        f"UPDATE station_rtree SET features = (SELECT {FEATURES_SQL} FROM connectors c"
        " WHERE c.station_id = ?) WHERE id = ?",
        ((sid, sid) for sid in station_ids),
    )


def station_id_by_uuid(conn: sqlite3.Connection, uuid: str) -> int | None:
    row = conn.execute("SELECT id FROM stations WHERE uuid = ?", (uuid,)).fetchone()
    return None if row is None else int(row["id"])


def connected_by_uuid(conn: sqlite3.Connection, uuid: str) -> bool | None:
    """Whether the station's charger is connected now; None for an unknown station."""
    row = conn.execute("SELECT connected FROM stations WHERE uuid = ?", (uuid,)).fetchone()
    return None if row is None else bool(row["connected"])
