"""Kiosk helpers: the idle timer and keyboard-wedge RFID detection."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# Wedge readers "type" a whole UID in well under a second; people need far longer per key.
WEDGE_MAX_GAP_S = 0.08
WEDGE_MIN_LEN = 8


class IdleTimer:
    """Calls ``on_idle`` once after ``timeout_s`` without ``touch()``."""

    def __init__(
        self,
        timeout_s: float,
        on_idle: Callable[[], Awaitable[None] | None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout_s = timeout_s
        self.on_idle = on_idle
        self.clock = clock
        self.last = clock()
        self.fired = False
        self._task: asyncio.Task | None = None

    def touch(self) -> None:
        self.last = self.clock()
        self.fired = False

    def idle_for(self) -> float:
        return self.clock() - self.last

    async def check(self) -> bool:
        if not self.fired and self.idle_for() >= self.timeout_s:
            self.fired = True
            result = self.on_idle()
            if asyncio.iscoroutine(result):
                await result
            return True
        return False

    def start(self) -> None:
        async def loop() -> None:
            while True:
                await asyncio.sleep(min(1.0, self.timeout_s / 4))
                await self.check()

        self._task = asyncio.create_task(loop())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()
            self._task = None


class WedgeReader:
    """Collects fast keystrokes; Enter after a fast burst yields the UID."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.buffer = ""
        self.last = 0.0

    def feed(self, key: str) -> str | None:
        now = self.clock()
        if now - self.last > WEDGE_MAX_GAP_S:
            self.buffer = ""
        self.last = now
        if key in ("Enter", "Numpad Enter"):
            uid, self.buffer = self.buffer, ""
            return uid.upper() if len(uid) >= WEDGE_MIN_LEN else None
        if len(key) == 1 and key.upper() in "0123456789ABCDEF":
            self.buffer += key.upper()
        else:
            self.buffer = ""
        return None
