"""The issuer world (``issuers.py``) served by a real core process with its chargers
simulated, once per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.hardware.simulator import Simulator
from tests.core.offers.issuers import SPEED, IssuerWorld, prepare
from tests.core_launcher import core_process
from tests.waits import WITHIN_S


@pytest.fixture(scope="module")
async def issuer_world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[IssuerWorld]:
    db = tmp_path_factory.mktemp("issuers") / "core.sqlite3"
    seeded, ampeco, oioi, rate = prepare(db)
    with core_process(db, stations=0, seed=None,
                      env={"VOLTRA_REMOTE_START_TIMEOUT": "20"}) as url:  # fmt: skip
        sim = Simulator(url, specs=seeded.specs(seeded.stations[:3]), speed=SPEED, occupancy=0.0,
                        seed=7)
        await sim.start()
        try:
            await sim.wait_online(within_s=WITHIN_S)
            yield IssuerWorld(url, db, seeded, sim, ampeco, oioi, rate)
        finally:
            await sim.stop()
