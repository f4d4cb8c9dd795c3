"""Shared set-up of the partner tests: a small demo database on disk, a plain user."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from services.core.demo import generate
from services.core.store.db import connect, migrate

ANCHOR = datetime(2026, 11, 21, tzinfo=UTC)
DEMO_STATIONS = 400


def make_demo_db(path: Path, seed: int = 42) -> Path:
    conn = connect(path)
    try:
        migrate(conn)
        generate(conn, stations=DEMO_STATIONS, seed=seed, anchor=ANCHOR)
    finally:
        conn.close()
    return path


def add_user(conn: sqlite3.Connection, email: str) -> int:
    cur = conn.execute(
        "INSERT INTO users(uuid, email, password_hash, created_at) VALUES (?, ?, 'x', ?)",
        (email + "-uuid", email, "2026-11-01T00:00:00.000Z"),
    )
    return int(cur.lastrowid)
