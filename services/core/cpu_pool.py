"""A small bounded worker pool for CPU-heavy work (password hashing) that must not occupy
the database threads other requests wait for.

``run`` refuses with :class:`PoolBusy` once ``workers + queue_limit`` calls are in flight, so
a burst of logins waits in a short queue or is told to retry, and never piles up memory or
latency for everyone else.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class PoolBusy(Exception):
    """The pool's queue is full; ``retry_after`` is a hint in seconds."""

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__("too many requests in progress; retry shortly")
        self.retry_after = retry_after


class BoundedPool:
    def __init__(self, workers: int, queue_limit: int, name: str) -> None:
        self.workers = workers
        self.queue_limit = queue_limit
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        # Only touched on the event loop thread, so a plain counter is enough.
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._in_flight >= self.workers + self.queue_limit:
            raise PoolBusy()
        self._in_flight += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, functools.partial(fn, *args))
        finally:
            self._in_flight -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
