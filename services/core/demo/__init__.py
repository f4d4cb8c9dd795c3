"""Deterministic demo data: ``generate(conn, stations=3000, seed=42)``.

Same seed and same anchor day -> identical rows (one ``random.Random(seed)`` drives every
choice, in a fixed order). The anchor is the day history is relative to ("the last six
months"); it defaults to today 00:00 UTC so the demo always looks recent, and can be pinned
with ``anchor=``. The exceptions to identical rows are ``users.password_hash`` (scrypt
hashes carry a fresh random salt by design) and the sealed bank fields of contracts (their
ciphertext carries a random IV; what they hold is identical).

What it fills: operators, tariffs, rate options and packages, sites (1-6 charge points each)
and stations around real cities of DE/AT/CH/NL/BE/LU/FR/DK (Berlin boosted), connectors
with EVSE ids ``CC*PTY*E<station id>*<n>`` and initial statuses, the R*Tree, demo users
(``driver@example.com`` / ``driver-demo`` and a few more) with cards, favourites, a SEPA
contract, a payment method, monthly invoices and six months of costed history, plus other
drivers' sessions near Berlin and the measured occupancy of those stations, the demo
partners of the partner APIs with their documented demo credentials (demo/partners.py), each
API's own offer of stations and prices (demo/offers.py), and
every charge point's demo credentials (demo/chargers.py). Stations
without history report their occupancy profile (services/core/domain/occupancy.py).

Speed: the whole seed is one transaction (all or nothing); per-row triggers and the
secondary index on stations are dropped for the bulk load and recreated afterwards, and the
R*Tree features are computed in Python while generating.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime

from services.core.demo import chargers, offers, partners, people, plugsurfing_accounts
from services.core.demo.stations import generate_stations, insert_catalogue
from services.core.store.db import transaction
from services.core.store.migrations import expand_cells

__all__ = ["default_anchor", "generate"]

_BULK_INDEXES = ("stations_site",)


def default_anchor() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def generate(
    conn: sqlite3.Connection,
    stations: int = 3000,
    seed: int = 42,
    *,
    progress: Callable[[int, int], None] | None = None,
    anchor: datetime | None = None,
) -> dict[str, float]:
    """Fill an empty, migrated store. Returns timings and counts (for logs/benchmarks)."""
    if stations < 1:
        raise ValueError("stations: must be at least 1")
    if conn.execute("SELECT 1 FROM stations LIMIT 1").fetchone():
        raise ValueError("stations: the store already holds stations; seed an empty store")
    anchor = (anchor or default_anchor()).astimezone(UTC)
    rnd = random.Random(seed)
    started = time.perf_counter()
    fk = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    sync = conn.execute("PRAGMA synchronous").fetchone()[0]
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    # Index pages of random uuids are touched all over: a big cache keeps them in memory.
    conn.execute(f"PRAGMA cache_size={-min(512, max(64, stations // 1500)) * 1024}")
    # Rows are generated consistent; checking every foreign key of millions of rows would
    # double the load time. Tests run PRAGMA foreign_key_check on generated stores.
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    # A fresh store loads faster with a rollback journal: it only saves pages that existed
    # before the transaction (almost none), where WAL would write every page twice (log,
    # then checkpoint). Needs no other connection open; otherwise the mode stays WAL.
    journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    if journal == "wal":
        try:
            switched = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
        except sqlite3.OperationalError:  # another connection holds the database open
            switched = False
        journal = "wal->delete" if switched else "wal"
    conn.execute("PRAGMA temp_store=MEMORY")
    try:
        with transaction(conn):
            saved = _drop_bulk_objects(conn)
            cat = insert_catalogue(conn, rnd)
            stats = generate_stations(conn, rnd, stations, cat, anchor, progress)
            chargers.provision(conn)
            t_stations = time.perf_counter() - started
            _fill_cells(conn)
            for sql in saved:
                conn.execute(sql)
            t_index = time.perf_counter() - started - t_stations
            people.seed_users(conn, rnd, cat, anchor)
            people.seed_berlin_traffic(conn, rnd, anchor)
            partners.seed_partners(conn, anchor)
            offers.seed_offers(conn)
            plugsurfing_accounts.seed_test_accounts(conn, anchor)
    finally:
        if journal == "wal->delete":
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={int(sync)}")
        conn.execute(f"PRAGMA cache_size={int(cache)}")
        conn.execute(f"PRAGMA foreign_keys={'ON' if fk else 'OFF'}")
    conn.execute("PRAGMA optimize")
    return {
        "stations": stats.stations,
        "connectors": stats.connectors,
        "sites": stats.sites,
        "seconds_stations": round(t_stations, 2),
        "seconds_indexes": round(t_index, 2),
        "seconds_total": round(time.perf_counter() - started, 2),
    }


def _fill_cells(conn: sqlite3.Connection) -> None:
    """The search grid (migration 4) in two sorted bulk inserts instead of a trigger per
    station: sorting once is far cheaper than a million scattered B-tree inserts."""
    cell = expand_cells("CELL(latitude, longitude)")
    conn.execute(
        "INSERT INTO station_cells(cell, station_id, latitude, longitude)"
        f" SELECT {cell}, id, latitude, longitude FROM stations ORDER BY 1, 2"
    )
    conn.execute(
        "INSERT INTO station_cell_counts(cell, n)"
        " SELECT cell, COUNT(*) FROM station_cells GROUP BY cell"
    )


def _drop_bulk_objects(conn: sqlite3.Connection) -> list[str]:
    """Drop per-row triggers on stations/connectors and bulk-hostile indexes; return the
    SQL that recreates them (indexes first)."""
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
        " (type = 'trigger' AND tbl_name IN ('stations', 'connectors'))"
        f" OR (type = 'index' AND name IN ({','.join('?' * len(_BULK_INDEXES))})))"
        " ORDER BY type = 'trigger', name",
        _BULK_INDEXES,
    ).fetchall()
    for kind, name, _sql in rows:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    return [sql for _kind, _name, sql in rows]
