"""Per-operation batch loaders: many ``load(key)`` calls in the same event-loop tick become
one store call (graphql-core resolves list items concurrently, so e.g. ``cps { site }`` for a
page of 50 stations costs one query, not 50).

A loader lives in the operation's context dict, so results are never shared between users.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Any

from graphql import GraphQLResolveInfo

from services.core.state import Core

BatchFn = Callable[..., dict[Any, Any]]  # batch_fn(conn, keys, *extra) -> {key: value}


class BatchLoader:
    def __init__(self, core: Core, batch_fn: BatchFn, *extra: Any) -> None:
        self._core = core
        self._fn = batch_fn
        self._extra = extra
        self._cache: dict[Hashable, asyncio.Future[Any]] = {}
        self._queue: list[Hashable] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def load(self, key: Hashable) -> asyncio.Future[Any]:
        fut = self._cache.get(key)
        if fut is None:
            loop = asyncio.get_running_loop()
            fut = loop.create_future()
            self._cache[key] = fut
            if not self._queue:
                # Run after every resolver of this tick has queued its key.
                loop.call_soon(self._start)
            self._queue.append(key)
        return fut

    def _start(self) -> None:
        task = asyncio.ensure_future(self._dispatch())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _dispatch(self) -> None:
        keys, self._queue = self._queue, []
        try:
            found = await self._core.db(self._fn, keys, *self._extra)
        except Exception as exc:  # every waiter gets the failure
            for k in keys:
                if not self._cache[k].done():
                    self._cache[k].set_exception(exc)
            return
        for k in keys:
            if not self._cache[k].done():
                self._cache[k].set_result(found.get(k))


def loader(info: GraphQLResolveInfo, name: str, batch_fn: BatchFn, *extra: Any) -> BatchLoader:
    loaders = info.context.setdefault("_loaders", {})
    found = loaders.get(name)
    if found is None:
        found = loaders[name] = BatchLoader(info.context["core"], batch_fn, *extra)
    return found
