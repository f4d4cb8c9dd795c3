"""The rows behind what partners push: their identifiers, their stations (with site,
operator, connectors and the search index entries), their sessions, their UID whitelists."""

from __future__ import annotations

import json
import sqlite3
import uuid as uuidlib
from collections.abc import Iterable, Sequence
from typing import Any

from services.core.store.migrations import CELL_LAT_STEPS, CELL_LON_STEPS, CELL_ROW
from services.core.store.rows import chunks
from services.core.store.stations import refresh_features

# ------------------------------------------------------------------ identifiers


def identifier_owner(conn: sqlite3.Connection, identifier: str) -> int | None:
    row = conn.execute("SELECT partner_id FROM partner_identifiers WHERE identifier = ?",
                       (identifier,)).fetchone()  # fmt: skip
    return None if row is None else int(row["partner_id"])


def claim_identifier(conn: sqlite3.Connection, identifier: str, partner_id: int, now: str
                     ) -> None:  # fmt: skip
    conn.execute("INSERT OR IGNORE INTO partner_identifiers(identifier, partner_id, created_at)"
                 " VALUES (?, ?, ?)", (identifier, partner_id, now))  # fmt: skip


# ------------------------------------------------------------------ operators and stations


def operator_by_party(conn: sqlite3.Connection, country: str, party: str) -> int | None:
    row = conn.execute("SELECT id FROM operators WHERE party_id = ? AND country = ?"
                       " ORDER BY id LIMIT 1", (party, country)).fetchone()  # fmt: skip
    return None if row is None else int(row["id"])


def insert_operator(conn: sqlite3.Connection, name: str, party: str, country: str) -> int:
    cur = conn.execute("INSERT INTO operators(name, party_id, country) VALUES (?, ?, ?)",
                       (name, party, country))  # fmt: skip
    return int(cur.lastrowid)


def station_of_partner(conn: sqlite3.Connection, partner_id: int, external_id: str
                       ) -> sqlite3.Row | None:  # fmt: skip
    return conn.execute("SELECT * FROM stations WHERE partner_id = ? AND external_id = ?",
                        (partner_id, external_id)).fetchone()  # fmt: skip


def evse_station(conn: sqlite3.Connection, evse_id: str) -> sqlite3.Row | None:
    """The connector with this EVSE ID (id, station_id) and its station's partner and
    operator."""
    return conn.execute(
        "SELECT c.id, c.station_id, s.partner_id, s.operator_id FROM connectors c"
        " JOIN stations s ON s.id = c.station_id WHERE c.evse_id = ?", (evse_id,)).fetchone()


def connectors_of(conn: sqlite3.Connection, station_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM connectors WHERE station_id = ? ORDER BY sort_order",
                        (station_id,)).fetchall()  # fmt: skip


def insert_station(conn: sqlite3.Connection, cols: dict[str, Any]) -> int:
    """A station with a site of its own (same name and place)."""
    site = conn.execute(
        "INSERT INTO sites(uuid, name, operator_id, address, zip, city, country, latitude,"
        " longitude) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (str(uuidlib.uuid4()), cols["label"], cols["operator_id"], cols["address"], cols["zip"],
         cols["city"], cols["country"], cols["latitude"], cols["longitude"]),
    ).lastrowid
    values = {"uuid": str(uuidlib.uuid4()), "site_id": site, **cols}
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return int(conn.execute(f"INSERT INTO stations({names}) VALUES ({marks})",
                            tuple(values.values())).lastrowid)  # fmt: skip


def update_station(conn: sqlite3.Connection, station_id: int, cols: dict[str, Any]) -> None:
    sets = ", ".join(f"{k} = ?" for k in cols)
    conn.execute(f"UPDATE stations SET {sets} WHERE id = ?", (*cols.values(), station_id))
    conn.execute(
        "UPDATE sites SET name = ?, address = ?, zip = ?, city = ?, country = ?, latitude = ?,"
        " longitude = ? WHERE id = (SELECT site_id FROM stations WHERE id = ?)",
        (cols["label"], cols["address"], cols["zip"], cols["city"], cols["country"],
         cols["latitude"], cols["longitude"], station_id),
    )


def insert_connector(conn: sqlite3.Connection, station_id: int, sort_order: int,
                     cols: dict[str, Any]) -> None:  # fmt: skip
    conn.execute(
        "INSERT INTO connectors(station_id, sort_order, evse_id, plug_type, current_type,"
        " max_power_kw, free_of_charge) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (station_id, sort_order, cols["evse_id"], cols["plug_type"], cols["current_type"],
         cols["max_power_kw"], cols["free_of_charge"]),
    )


def update_connector(conn: sqlite3.Connection, connector_id: int, cols: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE connectors SET plug_type = ?, current_type = ?, max_power_kw = ?,"
        " free_of_charge = ? WHERE id = ?",
        (cols["plug_type"], cols["current_type"], cols["max_power_kw"], cols["free_of_charge"],
         connector_id),
    )


def _cell(lat: float, lon: float) -> int:
    return int((lat + 90.0) * CELL_LAT_STEPS) * CELL_ROW + int((lon + 180.0) * CELL_LON_STEPS)


def indexed(conn: sqlite3.Connection, station_id: int) -> bool:
    return conn.execute("SELECT 1 FROM station_rtree WHERE id = ?",
                        (station_id,)).fetchone() is not None  # fmt: skip


def unindex(conn: sqlite3.Connection, station_id: int) -> None:
    """Take a station out of the search indexes (R*Tree, grid cells): searches no longer
    find it. Keep in step with the triggers of migrations 3 and 5."""
    if not indexed(conn, station_id):
        return
    st = conn.execute("SELECT latitude, longitude FROM stations WHERE id = ?",
                      (station_id,)).fetchone()  # fmt: skip
    cell = _cell(st["latitude"], st["longitude"])
    conn.execute("DELETE FROM station_rtree WHERE id = ?", (station_id,))
    if conn.execute("DELETE FROM station_cells WHERE cell = ? AND station_id = ?",
                    (cell, station_id)).rowcount:  # fmt: skip
        conn.execute("UPDATE station_cell_counts SET n = n - 1 WHERE cell = ?", (cell,))


def reindex(conn: sqlite3.Connection, station_id: int) -> None:
    """Put a station taken out by :func:`unindex` back."""
    if indexed(conn, station_id):
        return
    st = conn.execute("SELECT latitude, longitude, operator_id FROM stations WHERE id = ?",
                      (station_id,)).fetchone()  # fmt: skip
    lat, lon = st["latitude"], st["longitude"]
    conn.execute("INSERT INTO station_rtree(id, min_lat, max_lat, min_lon, max_lon, features,"
                 " operator_id) VALUES (?, ?, ?, ?, ?, 0, ?)",
                 (station_id, lat, lat, lon, lon, st["operator_id"]))  # fmt: skip
    refresh_features(conn, [station_id])
    cell = _cell(lat, lon)
    conn.execute("INSERT OR IGNORE INTO station_cells(cell, station_id, latitude, longitude)"
                 " VALUES (?, ?, ?, ?)", (cell, station_id, lat, lon))  # fmt: skip
    conn.execute("INSERT INTO station_cell_counts(cell, n) VALUES (?, 1)"
                 " ON CONFLICT(cell) DO UPDATE SET n = n + 1", (cell,))  # fmt: skip


def pushed_details(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Per station id: ``details`` (parsed), ``static_changed_at``, ``deleted_at``,
    ``partner_id`` and ``external_id`` (only stations that have any of them)."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in chunks(list(dict.fromkeys(ids)), 500):
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            "SELECT id, details, static_changed_at, deleted_at, partner_id, external_id"
            f" FROM stations WHERE id IN ({marks}) AND (partner_id IS NOT NULL"
            " OR static_changed_at IS NOT NULL OR deleted_at IS NOT NULL)", chunk):
            out[r["id"]] = {"details": json.loads(r["details"] or "{}"),
                            "static_changed_at": r["static_changed_at"],
                            "deleted_at": r["deleted_at"], "partner_id": r["partner_id"],
                            "external_id": r["external_id"]}  # fmt: skip
    return out


# ------------------------------------------------------------------ sessions


def session_of_partner(conn: sqlite3.Connection, partner_id: int, external_id: str
                       ) -> sqlite3.Row | None:  # fmt: skip
    return conn.execute("SELECT * FROM sessions WHERE partner_id = ? AND external_id = ?",
                        (partner_id, external_id)).fetchone()  # fmt: skip


def insert_session(conn: sqlite3.Connection, cols: dict[str, Any]) -> int:
    values = {"uuid": str(uuidlib.uuid4()), **cols}
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return int(conn.execute(f"INSERT INTO sessions({names}) VALUES ({marks})",
                            tuple(values.values())).lastrowid)  # fmt: skip


def update_session(conn: sqlite3.Connection, session_id: int, cols: dict[str, Any]) -> None:
    sets = ", ".join(f"{k} = ?" for k in cols)
    conn.execute(f"UPDATE sessions SET {sets} WHERE id = ?", (*cols.values(), session_id))


# ------------------------------------------------------------------ UID whitelists


def replace_whitelist(conn: sqlite3.Connection, identifier: str, uids: Iterable[str],
                      now: str) -> int:  # fmt: skip
    """Make ``uids`` the identifier's whole list; returns how many were not on it before."""
    wanted = set(uids)
    before = {r[0] for r in conn.execute("SELECT uid FROM partner_rfids WHERE identifier = ?",
                                         (identifier,))}  # fmt: skip
    gone = before - wanted
    conn.executemany("DELETE FROM partner_rfids WHERE identifier = ? AND uid = ?",
                     [(identifier, u) for u in gone])  # fmt: skip
    new = wanted - before
    conn.executemany("INSERT INTO partner_rfids(identifier, uid, created_at) VALUES (?, ?, ?)",
                     [(identifier, u, now) for u in sorted(new)])  # fmt: skip
    return len(new)


def whitelisted(conn: sqlite3.Connection, uid: str) -> bool:
    return conn.execute("SELECT 1 FROM partner_rfids WHERE uid = ? LIMIT 1",
                        (uid,)).fetchone() is not None  # fmt: skip


def card_by_tag(conn: sqlite3.Connection, tag: str) -> sqlite3.Row | None:
    """id and user_id of the card with this UID."""
    return conn.execute("SELECT id, user_id FROM cards WHERE tag_id = ?", (tag,)).fetchone()


def card_by_id(conn: sqlite3.Connection, card_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT id, user_id, tag_id FROM cards WHERE id = ?",
                        (card_id,)).fetchone()  # fmt: skip
