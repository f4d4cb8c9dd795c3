"""Fixtures for the core's tests: ``debug_core``, a core over the small charging world
logging at DEBUG to ``<db>.log`` (station 0 wants OCPP Basic auth), and ``charger``, that
station simulated with the right password. Shared by the whole ``tests/core`` package."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from services.core.domain.passwords import hash_password
from services.core.store.db import connect
from services.hardware.charger import ConnectorSpec, StationSpec
from services.hardware.simulator import Simulator
from tests.core.charging.world import BOX_PASSWORD, Seeded, seed
from tests.core_launcher import core_process
from tests.waits import WITHIN_S

SPEED = 600


@pytest.fixture(scope="package")
def debug_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded, Path]]:
    db = tmp_path_factory.mktemp("debug") / "core.sqlite3"
    seeded = seed(db, stations=2)
    conn = connect(db)
    conn.execute(
        "UPDATE stations SET ocpp_password_hash = ? WHERE uuid = ?",
        (hash_password(BOX_PASSWORD), seeded.stations[0]),
    )
    conn.commit()
    conn.close()
    # The charger has its own password but runs SPEED times faster than real time.
    env = {"VOLTRA_METER_TIME_FACTOR": str(SPEED)}
    with core_process(db, stations=0, seed=None, extra=["--log-level", "debug"],
                      env=env) as url:
        yield url, seeded, db.with_suffix(".log")


@pytest.fixture(scope="package")
async def charger(debug_core: tuple[str, Seeded, Path]) -> AsyncIterator[Simulator]:
    url, seeded, _log = debug_core
    st = seeded.stations[0]
    spec = StationSpec(
        st, [ConnectorSpec(1, "AC", 22.0), ConnectorSpec(2, "DC", 150.0)], password=BOX_PASSWORD
    )
    sim = Simulator(url, specs=[spec], speed=SPEED, seed=3)
    await sim.start()
    await sim.wait_online(within_s=WITHIN_S)
    yield sim
    await sim.stop()
