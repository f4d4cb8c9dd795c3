"""Shared fixtures: the session's core subprocess (``core_url``, started by
``tests/core_launcher.py``), a be.ENERGISED GraphQL client on it (``gql``), a migrated
in-memory store connection (``conn``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.core.store.db import connect, migrate
from tests.clients.beenergised import Gql
from tests.core_launcher import core_process

CORE_STATIONS = 3000
CORE_SEED = 42


@pytest.fixture(scope="session")
def core_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the session core's database (tests may open it to set up fixtures or to
    manipulate state such as token expiry; the server uses WAL, so this is safe)."""
    return tmp_path_factory.mktemp("core") / "core.sqlite3"


@pytest.fixture(scope="session")
def core_url(core_db: Path) -> Iterator[str]:
    """Base URL of ``python -m services.core --port 0 --stations 3000 --seed 42`` on a temp db,
    shared by the whole session (tests must not depend on each other's writes)."""
    db = core_db
    with core_process(db, stations=CORE_STATIONS, seed=CORE_SEED) as url:
        yield url


@pytest.fixture(scope="session")
def gql(core_url: str) -> Iterator[Gql]:
    """GraphQL client for the session core: ``gql(query, variables, token=...)``."""
    client = Gql(core_url)
    yield client
    client.close()


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    """A migrated, empty in-memory store for unit tests of store/domain functions."""
    c = connect(":memory:")
    migrate(c)
    yield c
    c.close()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Playwright's sync API keeps an event loop running on the main thread for as long as the
    # session-scoped browser lives; any asyncio test after it would fail with "cannot be
    # called from a running event loop". So the browser tests run last (stable sort).
    items.sort(key=lambda item: item.path.parts[-2:-1] == ("e2e",))
