"""An operator's network as an operator-facing API lists it: sites, stations and connectors
of one operator, in id order, a window at a time (keyset: after or before an id), with the
narrowing a listing asks for. Deleted stations are left out.

Plain sync functions taking ``conn`` first. ``before`` windows come newest-first (the
caller reverses them); every function reads at most ``limit`` rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.core.domain.offers import Coverage
from services.core.store.offers import coverage_sql
from services.core.store.rows import dict_rows


@dataclass(frozen=True)
class Keyset:
    after: int | None = None
    before: int | None = None
    limit: int = 100
    offset: int = 0

    def sql(self, column: str, params: list[Any]) -> tuple[str, str]:
        """(extra WHERE condition, ORDER BY/LIMIT clause) for ``column``."""
        where = ""
        if self.after is not None or self.before is None:
            # Always a range on the key, also for the first page: without one SQLite builds
            # a Bloom filter over the whole joined table on every read (48 ms instead of 3
            # at 100,000 stations); with it, it walks the key index and stops at the limit.
            where = f" AND {column} > ?"
            params.append(self.after if self.after is not None else -1)
        else:
            where = f" AND {column} < ?"
            params.append(self.before)
        order = "DESC" if self.before is not None else "ASC"
        params.extend((self.limit, self.offset))
        return where, f" ORDER BY {column} {order} LIMIT ? OFFSET ?"


@dataclass(frozen=True)
class SiteQuery:
    operator_id: int
    country: str | None = None      # ISO alpha-3, as the store keeps it
    city: str | None = None
    roaming: bool | None = None     # True: sites of stations a partner pushed
    site_ids: Sequence[int] | None = None
    changed_after: str | None = None   # store timestamps: a station's static data changed
    changed_before: str | None = None
    coverage: Coverage | None = None  # see _scope


@dataclass(frozen=True)
class StationQuery:
    operator_id: int
    site_id: int | None = None
    name: str | None = None
    uuid: str | None = None          # the OCPP identity
    evse_id: str | None = None       # any connector's EVSE id
    vendor: str | None = None
    model: str | None = None
    roaming: bool | None = None
    connected: bool | None = None    # None: any; else connected now or not
    ever_connected: bool | None = None
    station_ids: Sequence[int] | None = None
    changed_after: str | None = None
    changed_before: str | None = None
    seen_after: str | None = None     # the charger's connection last changed
    seen_before: str | None = None
    coverage: Coverage | None = None  # see _scope


@dataclass(frozen=True)
class ConnectorQuery:
    operator_id: int
    station_id: int | None = None
    evse_id: str | None = None
    current_type: str | None = None  # AC | DC
    roaming: bool | None = None
    connector_ids: Sequence[int] | None = None
    changed_after: str | None = None
    changed_before: str | None = None
    tariff: bool | None = None       # whether it charges by a tariff
    coverage: Coverage | None = None  # see _scope


def _scope(operator_id: int, coverage: Coverage | None, alias: str, params: list[Any],
           *, walk_connectors: bool = False) -> str:
    """The stations a listing is about: the operator's own, or (``coverage``) those an offer
    sells, which include the operator's own and may reach other operators' (roaming)."""
    op_col = f"{'+' if walk_connectors else ''}{alias}.operator_id"
    if coverage is None:
        params.append(operator_id)
        return f"{op_col} = ?"
    return coverage_sql(coverage, id_col=f"{alias}.id", operator_col=op_col,
                        lat_col=f"{alias}.latitude", lon_col=f"{alias}.longitude")


def _site_scope(operator_id: int, coverage: Coverage | None, params: list[Any]) -> str:
    """Which sites may hold a listed station: a site is its stations' operator's, so a
    coverage by operators alone narrows by the site's operator (its index) before the
    stations are looked at; coverage by place or station reaches any operator's site."""
    if coverage is None:
        params.append(operator_id)
        return "si.operator_id = ?"
    if coverage.everything or coverage.regions or coverage.station_ids:
        return "1"
    ids = sorted(coverage.operator_ids - coverage.excluded_operator_ids)
    params.extend(ids)
    return f"si.operator_id IN ({','.join('?' * len(ids))})" if ids else "0"


def _ids(column: str, ids: Sequence[int] | None, params: list[Any]) -> str:
    if ids is None:
        return ""
    if not ids:
        return " AND 0"
    params.extend(ids)
    return f" AND {column} IN ({','.join('?' * len(ids))})"


def _between(column: str, after: str | None, before: str | None, params: list[Any]) -> str:
    """Store timestamps compare as text (ISO-8601 UTC with milliseconds and Z)."""
    out = ""
    if after is not None:
        out += f" AND {column} > ?"
        params.append(after)
    if before is not None:
        out += f" AND {column} < ?"
        params.append(before)
    return out


def _roaming(roaming: bool | None, column: str) -> str:
    if roaming is None:
        return ""
    return f" AND {column} IS {'NOT ' if roaming else ''}NULL"


_SITE_COLS = ("si.id, si.uuid, si.name, si.operator_id, si.address, si.zip, si.city, si.country,"
              " si.latitude, si.longitude, si.location_type")


def sites(conn: sqlite3.Connection, q: SiteQuery, window: Keyset) -> list[dict[str, Any]]:
    params: list[Any] = []
    where = _site_scope(q.operator_id, q.coverage, params)
    if q.country is not None:
        where += " AND si.country = ?"
        params.append(q.country)
    if q.city is not None:
        where += " AND si.city = ? COLLATE NOCASE"
        params.append(q.city)
    where += _ids("si.id", q.site_ids, params)
    # a site is listed while one of its stations is (deleted stations leave it empty)
    station_cond = "t.deleted_at IS NULL" + _roaming(q.roaming, "t.partner_id")
    if q.coverage is not None:
        station_cond += " AND " + _scope(q.operator_id, q.coverage, "t", params)
    station_cond += _between("t.static_changed_at", q.changed_after, q.changed_before, params)
    where += (f" AND EXISTS (SELECT 1 FROM stations t WHERE t.site_id = si.id"
              f" AND {station_cond})")
    extra, tail = window.sql("si.id", params)
    return dict_rows(conn, f"SELECT {_SITE_COLS} FROM sites si WHERE {where}{extra}{tail}",
                     params)


def count_sites(conn: sqlite3.Connection, q: SiteQuery) -> int:
    return len(sites(conn, q, Keyset(limit=-1)))


_STATION_COLS = (
    "s.id, s.uuid, s.site_id, s.operator_id, s.label, s.public_name, s.address, s.zip,"
    " s.city, s.country, s.latitude, s.longitude, s.access_type, s.opening_hours, s.images,"
    " s.ocpp_status, s.calculated_status, s.simple_status, s.vendor, s.model, s.firmware,"
    " s.connected, s.last_seen, s.partner_id, s.external_id, s.static_changed_at,"
    " s.ocpp_password_hash IS NOT NULL AS has_password"
)


def stations(conn: sqlite3.Connection, q: StationQuery, window: Keyset) -> list[dict[str, Any]]:
    params: list[Any] = []
    where = _scope(q.operator_id, q.coverage, "s", params) + " AND s.deleted_at IS NULL"
    for column, value in (("s.site_id", q.site_id), ("s.uuid", q.uuid), ("s.vendor", q.vendor),
                          ("s.model", q.model)):
        if value is not None:
            where += f" AND {column} = ?"
            params.append(value)
    if q.name is not None:
        where += " AND (s.public_name = ? OR s.label = ?)"
        params.extend((q.name, q.name))
    if q.evse_id is not None:
        where += (" AND s.id IN (SELECT station_id FROM connectors"
                  " WHERE evse_id = ? COLLATE NOCASE)")
        params.append(q.evse_id)
    if q.connected is not None:
        where += " AND s.connected = ?"
        params.append(int(q.connected))
    if q.ever_connected is not None:
        where += f" AND s.last_seen IS {'NOT ' if q.ever_connected else ''}NULL"
    where += _roaming(q.roaming, "s.partner_id") + _ids("s.id", q.station_ids, params)
    where += _between("s.static_changed_at", q.changed_after, q.changed_before, params)
    where += _between("s.last_seen", q.seen_after, q.seen_before, params)
    extra, tail = window.sql("s.id", params)
    return dict_rows(conn, f"SELECT {_STATION_COLS} FROM stations s WHERE {where}{extra}{tail}",
                     params)


_CONNECTOR_COLS = (
    "c.id, c.station_id, c.sort_order, c.evse_id, c.label, c.plug_type, c.current_type,"
    " c.max_power_kw, c.tariff_id, c.free_of_charge, c.ocpp_status, c.calculated_status,"
    " c.simple_status, c.status_since, c.reservable, c.details, c.created_at, c.updated_at,"
    " s.operator_id, s.connected, s.partner_id"
)


def connectors(conn: sqlite3.Connection, q: ConnectorQuery, window: Keyset
               ) -> list[dict[str, Any]]:  # fmt: skip
    params: list[Any] = []
    # "+": walk connectors in id order and look each station up, never the operator's
    # stations first and then sort all their connectors (ten times slower at 100,000)
    where = _scope(q.operator_id, q.coverage, "s", params, walk_connectors=True)
    where += " AND s.deleted_at IS NULL"
    if q.station_id is not None:
        where += " AND c.station_id = ?"
        params.append(q.station_id)
    if q.evse_id is not None:
        where += " AND c.evse_id = ? COLLATE NOCASE"
        params.append(q.evse_id)
    if q.current_type is not None:
        where += " AND c.current_type = ?"
        params.append(q.current_type)
    where += _roaming(q.roaming, "s.partner_id") + _ids("c.id", q.connector_ids, params)
    where += _between("COALESCE(c.updated_at, c.status_since)", q.changed_after,
                      q.changed_before, params)
    if q.tariff is not None:
        where += f" AND c.tariff_id IS {'NOT ' if q.tariff else ''}NULL"
    extra, tail = window.sql("c.id", params)
    return dict_rows(
        conn, f"SELECT {_CONNECTOR_COLS} FROM connectors c JOIN stations s ON s.id = c.station_id"
        f" WHERE {where}{extra}{tail}", params)


def connectors_of(conn: sqlite3.Connection, station_ids: Sequence[int]
                  ) -> dict[int, list[dict[str, Any]]]:  # fmt: skip
    """Connectors per station (by OCPP connector number), for a page of stations."""
    out: dict[int, list[dict[str, Any]]] = {sid: [] for sid in station_ids}
    if not station_ids:
        return out
    marks = ",".join("?" * len(station_ids))
    for row in dict_rows(
            conn, f"SELECT {_CONNECTOR_COLS} FROM connectors c JOIN stations s"
            f" ON s.id = c.station_id WHERE c.station_id IN ({marks})"
            " ORDER BY c.station_id, c.sort_order", list(station_ids)):
        out[row["station_id"]].append(row)
    return out


def tariff_ids(conn: sqlite3.Connection, operator_id: int, coverage: Coverage | None = None
               ) -> list[int]:  # fmt: skip
    """The tariffs the connectors of the operator's stations (or those ``coverage`` takes
    in) charge by, ascending."""
    params: list[Any] = []
    where = _scope(operator_id, coverage, "s", params)
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT c.tariff_id FROM connectors c JOIN stations s ON s.id = c.station_id"
        f" WHERE {where} AND s.deleted_at IS NULL AND c.tariff_id IS NOT NULL"
        " ORDER BY c.tariff_id", params)]


def tariffs(conn: sqlite3.Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return dict_rows(conn, f"SELECT * FROM tariffs WHERE id IN ({marks}) ORDER BY id", list(ids))


def countries(conn: sqlite3.Connection, operator_id: int) -> list[str]:
    """The countries (ISO alpha-3) of the operator's sites."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT country FROM sites WHERE operator_id = ? ORDER BY country",
        (operator_id,))]


def operator(conn: sqlite3.Connection, operator_id: int) -> dict[str, Any] | None:
    rows = dict_rows(conn, "SELECT * FROM operators WHERE id = ?", [operator_id])
    return rows[0] if rows else None


def site_stations(conn: sqlite3.Connection, site_ids: Sequence[int],
                  coverage: Coverage | None = None) -> dict[int, list[dict[str, Any]]]:
    """The listed stations of each site (id order; those ``coverage`` takes in), with what a
    site shows of them."""
    out: dict[int, list[dict[str, Any]]] = {sid: [] for sid in site_ids}
    if not site_ids:
        return out
    marks = ",".join("?" * len(site_ids))
    covered = "" if coverage is None else " AND " + coverage_sql(
        coverage, id_col="s.id", operator_col="s.operator_id", lat_col="s.latitude",
        lon_col="s.longitude")
    for row in dict_rows(
            conn, "SELECT id, site_id, public_name, opening_hours, images, partner_id,"
            " static_changed_at FROM stations s"
            f" WHERE site_id IN ({marks}) AND deleted_at IS NULL{covered} ORDER BY id",
            list(site_ids)):
        out[row["site_id"]].append(row)
    return out


# ------------------------------------------------------------------ the operator's people


def fleet_organisations(conn: sqlite3.Connection, partner_id: int) -> list[dict[str, Any]]:
    """Organisations (fleet partners of the Wirelane kind) with at least one member among
    the partner's users, with how many of its members those are."""
    return dict_rows(
        conn, "SELECT p.id, p.uuid, p.name, p.organisation, p.created_at,"
        " COUNT(*) AS shared_members FROM partners p"
        " JOIN partner_members m ON m.partner_id = p.id"
        " JOIN partner_members mine ON mine.user_id = m.user_id AND mine.partner_id = ?"
        " WHERE p.api = 'wirelane' GROUP BY p.id ORDER BY p.id", [partner_id])


def rate_options(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return dict_rows(conn, "SELECT r.*, t.currency FROM rate_options r"
                     " JOIN tariffs t ON t.id = r.tariff_id WHERE r.for_contracts = 1"
                     " ORDER BY r.id", [])


def member_contracts(conn: sqlite3.Connection, partner_id: int) -> list[dict[str, Any]]:
    """Contracts with a rate option of the partner's users, by id."""
    return dict_rows(
        conn, "SELECT c.id, c.user_id, c.rate_option_id, c.status, c.created_at, c.kind"
        " FROM contracts c JOIN partner_members m ON m.user_id = c.user_id"
        " AND m.partner_id = ? WHERE c.rate_option_id IS NOT NULL ORDER BY c.id", [partner_id])


def terms(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return dict_rows(conn, "SELECT * FROM terms ORDER BY id", [])


def session_tariff(conn: sqlite3.Connection, session_id: int, operator_id: int,
                   partner_id: int) -> dict[str, Any] | None:  # fmt: skip
    """The tariff a session was priced with, if the session ran on the operator's network
    or was a session of one of the partner's users."""
    rows = dict_rows(
        conn, "SELECT ss.id, ss.tariff_snapshot, ss.rate_name, ss.currency, ss.date_start,"
        " c.tariff_id FROM sessions ss JOIN stations s ON s.id = ss.station_id"
        " JOIN connectors c ON c.id = ss.connector_id WHERE ss.id = ? AND"
        " (s.operator_id = ? OR ss.user_id IN"
        " (SELECT user_id FROM partner_members WHERE partner_id = ?))",
        [session_id, operator_id, partner_id])
    return rows[0] if rows else None
