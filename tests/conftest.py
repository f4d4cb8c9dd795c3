"""Shared fixtures: the session's core subprocess (``core_url``, started by
``tests/core_launcher.py``), a be.ENERGISED GraphQL client on it (``gql``), a migrated
in-memory store connection (``conn``)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.core.store.db import connect, migrate
from tests.clients.beenergised import Gql
from tests.core_launcher import core_process

CORE_STATIONS = 3000
CORE_SEED = 42
BROWSER_TEST_TIMEOUT_S = 240
# VOLTRA_E2E_RERUNS=0 shows every browser failure as it is, for hunting the flaky ones
BROWSER_TEST_RERUNS = int(os.environ.get("VOLTRA_E2E_RERUNS", "1"))


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


def _in_browser_folder(item: pytest.Item) -> bool:
    return item.path.parts[-2:-1] == ("e2e",)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``-n 2 --dist loadgroup``) the browser tests are one group: one
    worker runs them all on its own app and browser while the other takes the rest. They are
    tagged before xdist names the groups (hence tryfirst), and put first, since the scheduler
    hands out work in collection order and the longest group must start at once for both
    workers to end together. Alone, they run last so a plain run reports the quick tests
    first (stable sort)."""
    parallel = "PYTEST_XDIST_WORKER" in os.environ
    for item in items:
        if _in_browser_folder(item):
            item.add_marker(pytest.mark.xdist_group("browser"))
            # Now and then headless Chromium stops answering for one page (a Flutter web
            # renderer wedged on a busy machine); no wait inside the test can end that. A
            # browser test gets a bound of its own, well above its slowest run under load,
            # and one more try on a fresh page (a rerun shows as R in the summary).
            item.add_marker(pytest.mark.timeout(BROWSER_TEST_TIMEOUT_S))
            item.add_marker(pytest.mark.flaky(reruns=BROWSER_TEST_RERUNS))
    items.sort(key=lambda item: _in_browser_folder(item) != parallel)
