"""The SQLite store: WAL mode with foreign keys on, an R*Tree for station coordinates kept by
triggers, versioned idempotent migrations, one transaction per state change (a failure
leaves nothing half-written), the default database under the platformdirs user data
directory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import platformdirs
import pytest

from services.core.store.db import connect, default_db_path, migrate, schema_version, transaction
from services.core.store.migrations import MIGRATIONS
from tests import factories as f


def test_file_store_is_wal_with_foreign_keys(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.sqlite3")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        migrate(conn)
        with pytest.raises(sqlite3.IntegrityError), transaction(conn):
            conn.execute(
                "INSERT INTO connectors(station_id, sort_order, evse_id, plug_type,"
                " current_type, max_power_kw) VALUES (999999, 1, 'X', 'TYPE2', 'AC', 22)"
            )
    finally:
        conn.close()


def test_migrations_are_versioned_and_idempotent(conn: sqlite3.Connection) -> None:
    versions = [v for v, _name, _sql in MIGRATIONS]
    assert versions == sorted(set(versions)) and versions[0] == 1
    assert schema_version(conn) == versions[-1]
    migrate(conn)  # again: nothing to do, nothing breaks
    assert schema_version(conn) == versions[-1]


def test_station_coordinates_are_in_the_rtree(conn: sqlite3.Connection) -> None:
    op = f.operator(conn)
    site, _ = f.site(conn, op, 52.52, 13.405)
    station = f.station(
        conn, site, op, 52.52, 13.405, [{"plug": "TYPE2", "current": "AC", "power": 22}]
    )
    sid = station["id"]
    kind = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'station_rtree'").fetchone()[0]
    assert "rtree" in kind.lower()
    hits = conn.execute(
        "SELECT id FROM station_rtree WHERE min_lat <= 52.53 AND max_lat >= 52.51"
        " AND min_lon <= 13.41 AND max_lon >= 13.40"
    ).fetchall()
    assert [h[0] for h in hits] == [sid]
    assert not conn.execute("SELECT id FROM station_rtree WHERE min_lat > 53").fetchall()


def test_a_failed_transaction_leaves_nothing_behind(conn: sqlite3.Connection) -> None:
    op = f.operator(conn)
    before = conn.execute("SELECT COUNT(*) FROM sites").fetchone()[0]
    with pytest.raises(RuntimeError), transaction(conn):
        conn.execute(
            "INSERT INTO sites(uuid, name, operator_id, country, latitude, longitude)"
            " VALUES ('half', 'Half', ?, 'DEU', 1, 1)",
            (op,),
        )
        raise RuntimeError("crash between two writes")
    assert conn.execute("SELECT COUNT(*) FROM sites").fetchone()[0] == before


def test_default_database_is_in_the_platform_user_data_dir() -> None:
    data = Path(platformdirs.user_data_dir("voltra", appauthor=False))
    assert default_db_path().parent == data and default_db_path().suffix == ".sqlite3"
