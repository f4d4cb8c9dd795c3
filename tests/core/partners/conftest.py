"""Fixtures for partner tests: a small demo database on disk (generated once) and fresh
empty stores."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo_db(tmp_path_factory.mktemp("partners") / "demo.sqlite3")


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database (tests revoke and add credentials)."""
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_db_template, path)
    return path


@pytest.fixture
def demo_conn(demo_db: Path) -> Iterator[sqlite3.Connection]:
    c = connect(demo_db)
    yield c
    c.close()


@pytest.fixture
def store_file(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """An empty migrated store in a file (the pepper and keys live in it)."""
    c = connect(tmp_path / "empty.sqlite3")
    migrate(c)
    yield c
    c.close()


def add_user(conn: sqlite3.Connection, email: str) -> int:
    cur = conn.execute(
        "INSERT INTO users(uuid, email, password_hash, created_at) VALUES (?, ?, 'x', ?)",
        (email + "-uuid", email, "2026-11-01T00:00:00.000Z"),
    )
    return int(cur.lastrowid)
