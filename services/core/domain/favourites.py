"""A user's favourite stations. Station ids on the wire are ``stations.uuid`` (Cp.id)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from services.core.domain.errors import BadInput, NotFound
from services.core.store.db import transaction, utcnow

MAX_IDS = 500


def _station_ids(conn: sqlite3.Connection, uuids: list[str]) -> dict[str, int]:
    if not isinstance(uuids, list):
        raise BadInput("ids", "must be a list of station ids")
    if len(uuids) > MAX_IDS:
        raise BadInput("ids", f"at most {MAX_IDS} ids per call")
    found: dict[str, int] = {}
    for i, uuid in enumerate(uuids):
        if not uuid or not str(uuid).strip():
            raise BadInput(f"ids[{i}]", "must be a station id")
        row = conn.execute("SELECT id FROM stations WHERE uuid = ?", (str(uuid).strip(),)
                           ).fetchone()
        if row is None:
            raise NotFound(f"ids[{i}]: no station '{uuid}'", field=f"ids[{i}]")
        found[str(uuid).strip()] = int(row["id"])
    return found


def set_favourites(conn: sqlite3.Connection, user_id: int, uuids: list[str]
                   ) -> list[str]:
    """Mark stations as favourites (idempotent); all ids must exist or nothing changes.
    Returns the station uuids marked."""
    with transaction(conn):
        ids = _station_ids(conn, uuids)
        now = utcnow()
        conn.executemany(
            "INSERT OR IGNORE INTO favourites(user_id, station_id, created_at) VALUES (?, ?, ?)",
            [(user_id, sid, now) for sid in ids.values()],
        )
    return list(ids)


def unset_favourites(conn: sqlite3.Connection, user_id: int, uuids: list[str]
                     ) -> list[str]:
    with transaction(conn):
        ids = _station_ids(conn, uuids)
        conn.executemany(
            "DELETE FROM favourites WHERE user_id = ? AND station_id = ?",
            [(user_id, sid) for sid in ids.values()],
        )
    return list(ids)


def favourite_station_rows(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    """The user's favourite stations (full ``stations`` rows), most recently added first."""
    return conn.execute(
        "SELECT s.* FROM favourites f JOIN stations s ON s.id = f.station_id"
        " WHERE f.user_id = ? ORDER BY f.created_at DESC, s.id",
        (user_id,),
    ).fetchall()


def favoured_among(conn: sqlite3.Connection, user_id: int, station_ids: Iterable[int]
                   ) -> set[int]:
    """Which of these internal station ids the user has favoured (for ``Cp.isFavoured``)."""
    ids = list(station_ids)
    out: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        out.update(
            r[0] for r in conn.execute(
                f"SELECT station_id FROM favourites WHERE user_id = ? AND station_id IN ({marks})",
                (user_id, *chunk),
            )
        )
    return out
