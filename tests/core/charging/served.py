"""The small charging world served by a core inside the test's event loop, with its stations
simulated: for tests that call the core's application services (as the facades do) and watch
real chargers answer over OCPP. The last station stays unsimulated (an offline charger)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from services.hardware.simulator import Simulator
from services.settings import get_settings
from tests.core.charging.world import Seeded, seed
from tests.core_launcher import core_in_process
from tests.waits import WITHIN_S


@dataclass
class World:
    core: Any
    url: str
    seeded: Seeded
    sim: Simulator
    db: Path

    def one(self, sql: str, *args: Any) -> Any:
        """Run one statement on the store (committed) and return its first row."""
        conn = sqlite3.connect(self.db)
        try:
            with conn:
                return conn.execute(sql, args).fetchone()
        finally:
            conn.close()

    def card_id(self, tag: str) -> int:
        return int(self.one("SELECT id FROM cards WHERE tag_id = ?", tag)[0])


@contextlib.asynccontextmanager
async def served(db: Path, *, stations: int, speed: float,
                 env: dict[str, str] | None = None) -> AsyncIterator[World]:
    """Seed ``db``, serve it with ``env`` set for the core's settings, simulate all stations
    but the last at ``speed``."""
    seeded = seed(db, stations=stations)
    with pytest.MonkeyPatch.context() as mp:
        for k, v in (env or {}).items():
            mp.setenv(k, v)
        get_settings.cache_clear()
        try:
            async with core_in_process(db) as (core, url):
                sim = Simulator(url, specs=seeded.specs(seeded.stations[:-1]), speed=speed,
                                seed=5)
                await sim.start()
                try:
                    await sim.wait_online(within_s=WITHIN_S)
                    yield World(core, url, seeded, sim, db)
                finally:
                    await sim.stop()
        finally:
            get_settings.cache_clear()
