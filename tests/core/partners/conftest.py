"""Fixtures of the partner tests: a demo database (generated once, copied per test) and an
empty migrated store in a file."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.core.store.db import connect, migrate
from tests.core.partners.partner_support import make_demo_db


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
