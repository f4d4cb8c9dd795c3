"""How long the core's event loop fails to run: a periodic tick measures the lag, and a
watchdog thread samples the loop thread's stack while a tick is overdue, so a report names
the code that held the loop.

Off by default (``voltra-core --loop-stats FILE`` writes the report at exit); the tick costs
one timer every ``interval`` seconds and the watchdog one wake-up per ``sample_every``.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

_PROJECT = str(Path(__file__).resolve().parents[2])
_PROJECT_PREFIX = "services/"


def _where(frame: FrameType) -> str:
    code = frame.f_code
    name = code.co_filename
    if name.startswith(_PROJECT):
        name = name[len(_PROJECT) + 1:]
    else:
        # Library code: the path inside site-packages is what identifies it.
        name = name.split("site-packages/")[-1]
    return f"{name}:{frame.f_lineno} {code.co_name}"


def _stack_key(frame: FrameType) -> str:
    """The innermost frame (what was running) and the innermost project frame under it
    (which of our calls got there)."""
    innermost = _where(frame)
    f: FrameType | None = frame
    while f is not None:
        filename = f.f_code.co_filename
        if filename.startswith(_PROJECT) and "loop_watch" not in filename:
            own = _where(f)
            return innermost if own == innermost else f"{innermost} <- {own}"
        f = f.f_back
    return innermost


class LoopWatch:
    def __init__(self, interval: float = 0.02, stall: float = 0.05,
                 sample_every: float = 0.01) -> None:
        self.interval = interval
        self.stall = stall
        self.sample_every = sample_every
        self.lags: list[float] = []
        self.samples: Counter[str] = Counter()
        self.stalls = 0
        # Time the loop thread spent on the CPU during stalls, against their length: near 1
        # means code on the loop held it; near 0 that it waited (for the GIL another thread
        # held, or for a CPU the machine did not give it).
        self.stalled_s = 0.0
        self.stalled_cpu_s = 0.0
        # What the other threads ran while the loop waited: the GIL holder is among them.
        self.others: Counter[str] = Counter()
        self._beat = time.monotonic()
        self._loop_thread = 0
        self._task: asyncio.Task | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        self._loop_thread = threading.get_ident()
        self._beat = time.monotonic()
        self._task = asyncio.get_running_loop().create_task(self._tick())
        self._thread = threading.Thread(target=self._watch, name="loop-watch", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._thread is not None:
            self._thread.join(1)

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.interval
            await asyncio.sleep(self.interval)
            self.lags.append(max(0.0, loop.time() - due))
            self._beat = time.monotonic()

    def _watch(self) -> None:
        clock = time.pthread_getcpuclockid(self._loop_thread)
        stalled_at: tuple[float, float] | None = None
        while not self._stop.wait(self.sample_every):
            overdue = time.monotonic() - self._beat > self.interval + self.stall
            if overdue:
                self._sample()
                if stalled_at is None:
                    self.stalls += 1
                    stalled_at = (time.monotonic(), time.clock_gettime(clock))
            elif stalled_at is not None:
                self.stalled_s += time.monotonic() - stalled_at[0]
                self.stalled_cpu_s += time.clock_gettime(clock) - stalled_at[1]
                stalled_at = None

    def _sample(self) -> None:
        names = {t.ident: t.name for t in threading.enumerate()}
        for ident, frame in sys._current_frames().items():
            if ident == self._loop_thread:
                self.samples[_stack_key(frame)] += 1
            elif ident != threading.get_ident():
                key = _stack_key(frame)
                if _PROJECT_PREFIX in key or "sqlite" in key:
                    name = names.get(ident, "?").rstrip("_0123456789")
                    self.others[f"[{name}] {key}"] += 1

    def report(self, top: int = 10) -> dict[str, Any]:
        lags = sorted(self.lags)
        if len(lags) >= 2:
            q = statistics.quantiles(lags, n=100, method="inclusive")
            p50, p95, p99 = q[49], q[94], q[98]
        else:
            p50 = p95 = p99 = lags[0] if lags else 0.0
        return {
            "ticks": len(lags),
            "interval_ms": self.interval * 1000,
            "lag_p50_ms": round(p50 * 1000, 2),
            "lag_p95_ms": round(p95 * 1000, 2),
            "lag_p99_ms": round(p99 * 1000, 2),
            "lag_max_ms": round((lags[-1] if lags else 0.0) * 1000, 2),
            "stalls_over_ms": round((self.interval + self.stall) * 1000),
            "stalls": self.stalls,
            # Each sample stands for about ``sample_every`` seconds of a stalled loop.
            "stalled_ms": round(self.stalled_s * 1000),
            "loop_cpu_share_in_stalls": round(self.stalled_cpu_s / self.stalled_s, 2)
            if self.stalled_s else None,
            "blockers": [{"where": where, "samples": n,
                          "approx_ms": round(n * self.sample_every * 1000)}
                         for where, n in self.samples.most_common(top)],
            "other_threads_in_stalls": [{"where": where, "samples": n}
                                        for where, n in self.others.most_common(top)],
        }
