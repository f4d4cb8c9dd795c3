from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.core.ocpp.ocpp_client import Store, seed, set_password
from tests.core_launcher import core_process


@pytest.fixture(scope="module")
def ocpp_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    """A core subprocess over a small store: stations 0-2 with demo credentials, station 3
    with its own password (set through the CLI)."""
    db = tmp_path_factory.mktemp("ocpp") / "core.sqlite3"
    store = seed(db, stations=4)
    set_password(store, store.stations[3])
    with core_process(db, stations=0) as url:
        yield url, store
