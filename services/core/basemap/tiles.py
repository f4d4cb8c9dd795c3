"""Basemap tiles on demand, each rendered once: kept in memory up to ``max_bytes`` (least
recently used go first), rendered on one worker thread with a short queue so a map panning
fast cannot take more than one core from the rest of the server."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from pathlib import Path

from services.core.basemap import data, render
from services.core.cpu_pool import BoundedPool

TileKey = tuple[str, int, int, int]


class TileCache:
    def __init__(self, data_path: Path | None = None, *, max_bytes: int = 32 << 20,
                 workers: int = 1, queue_limit: int = 64) -> None:  # fmt: skip
        self.data_path = data_path
        self.max_bytes = max_bytes
        self.pool = BoundedPool(workers, queue_limit, "core-tiles")
        self._tiles: OrderedDict[TileKey, bytes] = OrderedDict()
        self._bytes = 0
        self._pending: dict[TileKey, asyncio.Future[bytes]] = {}
        self.rendered = 0  # tiles drawn (a cached one is not drawn again)

    def _render(self, key: TileKey) -> bytes:
        style, z, x, y = key
        return render.render(data.load(self.data_path), z, x, y, style)

    async def tile(self, style: str, z: int, x: int, y: int) -> bytes:
        """PNG bytes; raises cpu_pool.PoolBusy when the render queue is full."""
        key = (style, z, x, y)
        png = self._tiles.get(key)
        if png is not None:
            self._tiles.move_to_end(key)
            return png
        pending = self._pending.get(key)
        if pending is not None:  # the same tile asked for twice at once: render it once
            return await asyncio.shield(pending)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            png = await self.pool.run(self._render, key)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning if nobody waits
            raise
        finally:
            del self._pending[key]
        self.rendered += 1
        future.set_result(png)
        self._store(key, png)
        return png

    def _store(self, key: TileKey, png: bytes) -> None:
        self._tiles[key] = png
        self._bytes += len(png)
        while self._bytes > self.max_bytes and self._tiles:
            _old, dropped = self._tiles.popitem(last=False)
            self._bytes -= len(dropped)
