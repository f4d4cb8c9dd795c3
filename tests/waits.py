"""Waiting on conditions without racing the machine's load.

A test waits for something the system will do (a charger comes online, a session finishes,
a status arrives). On a busy machine that may take far longer than on an idle one, so every
wait here has one generous bound and returns the moment the condition holds; a short fixed
sleep would make the test either slow or flaky.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

# Long enough for a 2-core machine shared with other full test runs; a test that reaches it
# has found a real hang, not a slow machine.
WITHIN_S = 90.0


async def eventually(check: Callable[[], Awaitable[T]], within_s: float = WITHIN_S,
                     interval: float = 0.1) -> T:
    """Await ``check()`` until it returns something truthy; return that value."""
    deadline = time.monotonic() + within_s
    last = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {within_s}s; last value: {last!r}")

