"""What partner APIs record about connectors beyond the charging essentials (migration 11):
label codes, groups; connectors found by id, EVSE id or label code."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from services.core.store.rows import chunks, dict_rows


def groups_of(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Groups ({id, name}) per connector id."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for chunk in chunks(list(ids), 500):
        for row in dict_rows(conn, "SELECT connector_id, group_id, name FROM connector_groups"
                             f" WHERE connector_id IN ({','.join('?' * len(chunk))})"
                             " ORDER BY connector_id, group_id", chunk):
            out[row["connector_id"]].append({"id": row["group_id"], "name": row["name"]})
    return out


def connector_id_by(conn: sqlite3.Connection, key: str, value: str) -> int | None:
    """A connector by ``key``: ``id``, ``evse_id`` or ``code`` (its label code, else
    ``<station uuid>-<sort order>``)."""
    if key == "id":
        if not (value.isascii() and value.isdigit() and len(value) < 19):
            return None
        row = conn.execute("SELECT id FROM connectors WHERE id = ?", (int(value),)).fetchone()
    elif key == "evse_id":
        row = conn.execute("SELECT id FROM connectors WHERE evse_id = ?", (value,)).fetchone()
    elif key == "code":
        row = conn.execute("SELECT id FROM connectors WHERE code = ?", (value,)).fetchone()
        station_uuid, _, order = value.rpartition("-")
        if row is None and station_uuid and order.isdigit() and len(order) < 6:
            row = conn.execute(
                "SELECT c.id FROM connectors c JOIN stations s ON s.id = c.station_id"
                " WHERE s.uuid = ? AND c.sort_order = ? AND c.code IS NULL",
                (station_uuid, int(order))).fetchone()
    else:
        raise ValueError(f"key: unknown connector key {key!r}")
    return None if row is None else int(row[0])
