"""Batch loaders: loads issued in the same tick share one store call; results per key."""

from __future__ import annotations

import asyncio
from pathlib import Path

from services.core.api.graphql.loaders import BatchLoader
from services.core.state import Core, CoreConfig


async def test_same_tick_loads_are_one_batch(tmp_path: Path) -> None:
    core = Core(CoreConfig(db_path=tmp_path / "x.sqlite3"))
    calls: list[list[int]] = []

    def batch(_conn: object, keys: list[int]) -> dict[int, int]:
        calls.append(list(keys))
        return {k: k * 10 for k in keys if k != 3}

    try:
        loader = BatchLoader(core, batch)
        got = await asyncio.gather(*(loader.load(k) for k in (1, 2, 3, 2)))
        assert got == [10, 20, None, 20]
        assert calls == [[1, 2, 3]]
        assert await loader.load(1) == 10  # cached: no new call
        assert calls == [[1, 2, 3]]
        assert await loader.load(5) == 50
        assert calls == [[1, 2, 3], [5]]
    finally:
        core.close()


async def test_batch_failure_reaches_every_waiter(tmp_path: Path) -> None:
    core = Core(CoreConfig(db_path=tmp_path / "x.sqlite3"))

    def batch(_conn: object, keys: list[int]) -> dict:
        raise RuntimeError("store down")

    try:
        loader = BatchLoader(core, batch)
        results = await asyncio.gather(loader.load(1), loader.load(2), return_exceptions=True)
        assert all(isinstance(r, RuntimeError) for r in results)
    finally:
        core.close()
