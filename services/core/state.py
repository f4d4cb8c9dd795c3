"""The core's shared runtime state: configuration, the database pool, the event bus.

One ``Core`` per running server. Store and domain functions stay plain sync functions taking
``conn`` first; async code (resolvers, OCPP handlers) calls them through ``await core.db(fn,
...)`` which runs them in a small worker thread pool, each thread with its own connection.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from services.core.cpu_pool import BoundedPool
from services.core.domain.throttle import SourceLimits
from services.core.events import EventBus
from services.core.store.db import ConnectionPool, default_db_path
from services.settings import get_settings

if TYPE_CHECKING:
    from services.core.services.gateway import ChargerGateway

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[2]

# SQLite allows one writer at a time; a few threads give readers parallelism without
# oversubscribing a small machine.
DEFAULT_DB_THREADS = min(8, (os.cpu_count() or 2) + 2)


@dataclass
class CoreConfig:
    host: str = "127.0.0.1"
    port: int = 0
    db_path: Path = field(default_factory=default_db_path)
    stations: int = 3000
    seed: int = 42
    # VOLTRA_ASSETS_DIR lets an installed (non-editable) core find the images elsewhere.
    assets_dir: Path = field(
        default_factory=lambda: get_settings().assets_dir or REPO_ROOT / "assets")
    # Set once the listening socket is bound, e.g. "http://127.0.0.1:8123". Used to build
    # absolute links (images, document downloads, payment pages).
    base_url: str = ""
    db_threads: int = DEFAULT_DB_THREADS
    # Password hashing (scrypt) runs here, never on the db threads: one worker leaves the
    # other core to everything else; logins beyond the queue are asked to retry.
    hash_threads: int = field(default_factory=lambda: get_settings().hash_threads
                              or max(1, (os.cpu_count() or 2) // 2))
    hash_queue: int = field(default_factory=lambda: get_settings().hash_queue)


Hook = Callable[["Core"], Awaitable[None]]


class Core:
    def __init__(self, config: CoreConfig) -> None:
        if str(config.db_path) == ":memory:":
            # Every worker thread opens its own connection; ":memory:" would give each one
            # a different empty database.
            raise ValueError("db_path: the core needs a database file, not ':memory:'")
        self.config = config
        self.pool = ConnectionPool(config.db_path)
        self.bus = EventBus()
        self._executor = ThreadPoolExecutor(
            max_workers=config.db_threads, thread_name_prefix="core-db"
        )
        self.hashing = BoundedPool(config.hash_threads, config.hash_queue, "core-hash")
        # Per-client-address budgets (sign-in failures, e-mail checks, reactivation mails).
        self.source_limits = SourceLimits()
        # How the core commands chargers; set at start-up by the OCPP central system
        # (None: this core runs without one, and remote charging is unavailable).
        self.gateway: ChargerGateway | None = None
        self.on_startup: list[Hook] = []
        self.on_shutdown: list[Hook] = []
        self._closed = False

    async def db(self, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        """Run ``fn(conn, *args, **kw)`` in a worker thread with that thread's connection."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(self._call, fn, args, kw)
        )

    def _call(self, fn: Callable[..., T], args: tuple, kw: dict) -> T:
        return fn(self.pool.get(), *args, **kw)

    def url(self, path: str) -> str:
        """Absolute URL for a path served by this core."""
        return self.config.base_url.rstrip("/") + "/" + path.lstrip("/")

    async def start(self) -> None:
        for hook in list(self.on_startup):
            await hook(self)

    async def stop(self) -> None:
        for hook in reversed(self.on_shutdown):
            await hook(self)
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # Each thread's connection is closed by the pool after the workers have finished.
        self._executor.shutdown(wait=True, cancel_futures=True)
        self.hashing.close()
        self.pool.close()
