"""Writes for stations a partner describes itself (``domain.own_stations``): its operator,
a site and station per new station, connectors with their details and groups."""

from __future__ import annotations

import json
import sqlite3
import uuid as uuids
from typing import Any

from services.core.domain.own_stations import ConnectorInput, StationInput


def link_operator(conn: sqlite3.Connection, partner_id: int, name: str, party_id: str,
                  country2: str) -> int:  # fmt: skip
    """The partner's operator, created and linked on first use."""
    row = conn.execute("SELECT operator_id FROM partners WHERE id = ?", (partner_id,)).fetchone()
    if row is not None and row[0] is not None:
        return int(row[0])
    cur = conn.execute("INSERT INTO operators(name, party_id, country) VALUES (?,?,?)",
                       (name, party_id, country2))
    operator_id = int(cur.lastrowid or 0)
    conn.execute("UPDATE partners SET operator_id = ? WHERE id = ?", (operator_id, partner_id))
    return operator_id


def station_owner(conn: sqlite3.Connection, station_uuid: str) -> tuple[int, int] | None:
    """(station id, operator id) of a station by uuid."""
    row = conn.execute("SELECT id, operator_id FROM stations WHERE uuid = ?",
                       (station_uuid,)).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def connector_owner(conn: sqlite3.Connection, connector_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT c.id, c.station_id, c.code, c.evse_id, c.sort_order, c.plug_type,"
        " c.current_type, s.operator_id, s.uuid AS station_uuid FROM connectors c"
        " JOIN stations s ON s.id = c.station_id WHERE c.id = ?", (connector_id,)).fetchone()
    return None if row is None else dict(row)


def code_taken(conn: sqlite3.Connection, code: str, other_than: int | None = None) -> bool:
    return conn.execute("SELECT 1 FROM connectors WHERE code = ? AND id IS NOT ?",
                        (code, other_than)).fetchone() is not None


def evse_taken(conn: sqlite3.Connection, evse_id: str, other_than: int | None = None) -> bool:
    return conn.execute("SELECT 1 FROM connectors WHERE evse_id = ? AND id IS NOT ?",
                        (evse_id, other_than)).fetchone() is not None


def insert_station(conn: sqlite3.Connection, operator_id: int, s: StationInput, label: str,
                   now: str) -> int:  # fmt: skip
    assert s.latitude is not None and s.longitude is not None and s.country3 is not None
    site = conn.execute(
        "INSERT INTO sites(uuid, name, operator_id, address, zip, city, country, latitude,"
        " longitude, location_type) VALUES (?,?,?,?,?,?,?,?,?,'SITE')",
        (str(uuids.uuid4()), label, operator_id, s.address, s.zip, s.city, s.country3,
         s.latitude, s.longitude)).lastrowid
    cur = conn.execute(
        "INSERT INTO stations(uuid, site_id, operator_id, label, address, zip, city, country,"
        " latitude, longitude, opening_hours, model, calculated_status, simple_status)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'Unknown','Unavailable')",
        (s.uuid or str(uuids.uuid4()), site, operator_id, label, s.address, s.zip, s.city,
         s.country3, s.latitude, s.longitude, s.opening_hours or '{"twentyfourseven":true}',
         s.model))
    return int(cur.lastrowid or 0)


def update_station(conn: sqlite3.Connection, station_id: int, s: StationInput) -> None:
    changes = {k: v for k, v in (("latitude", s.latitude), ("longitude", s.longitude),
                                 ("address", s.address), ("zip", s.zip), ("city", s.city),
                                 ("country", s.country3), ("model", s.model),
                                 ("opening_hours", s.opening_hours)) if v is not None}
    if not changes:
        return
    sets = ", ".join(f"{k} = ?" for k in changes)
    conn.execute(f"UPDATE stations SET {sets} WHERE id = ?", (*changes.values(), station_id))
    site_changes = {k: v for k, v in changes.items() if k not in ("model", "opening_hours")}
    if site_changes:
        sets = ", ".join(f"{k} = ?" for k in site_changes)
        conn.execute(f"UPDATE sites SET {sets} WHERE id = (SELECT site_id FROM stations"
                     " WHERE id = ?)", (*site_changes.values(), station_id))


def next_sort_order(conn: sqlite3.Connection, station_id: int) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM connectors"
                            " WHERE station_id = ?", (station_id,)).fetchone()[0])


def insert_connector(conn: sqlite3.Connection, station_id: int, sort_order: int, evse_id: str,
                     c: ConnectorInput, plug_type: str, current_type: str, power_kw: float,
                     now: str) -> int:  # fmt: skip
    cur = conn.execute(
        "INSERT INTO connectors(station_id, sort_order, evse_id, label, plug_type, current_type,"
        " max_power_kw, free_of_charge, calculated_status, simple_status, status_since, code,"
        " reservable, auth_types, details, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,0,'Unknown','Unavailable',?,?,?,?,?,?,?)",
        (station_id, sort_order, evse_id, c.label, plug_type, current_type, power_kw, now,
         c.code, int(bool(c.reservable)), " ".join(c.auth_types) if c.auth_types else None,
         json.dumps(c.details) if c.details else None, now, now))
    connector_id = int(cur.lastrowid or 0)
    set_groups(conn, connector_id, c.groups or ())
    return connector_id


def update_connector(conn: sqlite3.Connection, connector_id: int, c: ConnectorInput,
                     now: str) -> None:  # fmt: skip
    changes: dict[str, Any] = {"code": c.code, "updated_at": now}
    for column, value in (("evse_id", c.evse_id), ("label", c.label),
                          ("plug_type", c.plug_type), ("current_type", c.current_type),
                          ("max_power_kw", c.max_power_kw)):
        if value is not None:
            changes[column] = value
    if c.reservable is not None:
        changes["reservable"] = int(c.reservable)
    if c.auth_types is not None:
        changes["auth_types"] = " ".join(c.auth_types) or None
    if c.details:
        row = conn.execute("SELECT details FROM connectors WHERE id = ?",
                           (connector_id,)).fetchone()
        merged = {**(json.loads(row[0]) if row and row[0] else {}), **c.details}
        changes["details"] = json.dumps(merged)
    sets = ", ".join(f"{k} = ?" for k in changes)
    conn.execute(f"UPDATE connectors SET {sets} WHERE id = ?", (*changes.values(), connector_id))
    if c.groups is not None:
        set_groups(conn, connector_id, c.groups)


def set_groups(conn: sqlite3.Connection, connector_id: int,
               groups: tuple[tuple[str, str | None], ...]) -> None:  # fmt: skip
    conn.execute("DELETE FROM connector_groups WHERE connector_id = ?", (connector_id,))
    conn.executemany("INSERT OR REPLACE INTO connector_groups(connector_id, group_id, name)"
                     " VALUES (?,?,?)", [(connector_id, g, n) for g, n in groups])
