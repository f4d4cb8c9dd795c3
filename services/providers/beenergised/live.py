"""Following a running session: the connector's ``feedStatusUpdate`` says at once when the
session's state moves (charging, car full, finishing, free again); the meter itself is not
in the feed (``ConnectorStatus`` carries status words only), so the session is re-read when
the next meter value is due rather than on a fixed tight period.

``MeterPace`` learns the charger's sample interval from the reading times the back end
reports and schedules the next read just after the next sample should have landed. Until it
has seen two readings (the first one arrives within seconds of the start) it looks every
probe; when a sample is overdue (a charger gone quiet) the probe grows to ``longest_s``.
Clocks may differ between charger and app: every wait is clamped to [probe, longest].
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

from services import models as m

log = logging.getLogger(__name__)

PROBE_S = 1.0  # first look, and the look after a sample did not come when due
LONGEST_S = 5.0  # never wait longer than this between reads
GRACE_S = 0.5  # how long after the charger's sample the back end has stored it
NO_FEED_LONGEST_S = 2.0  # without the status feed a stop is seen only by reading


class MeterPace:
    def __init__(self, longest_s: float = LONGEST_S, probe_s: float = PROBE_S) -> None:
        self.longest_s = longest_s
        self.probe_s = probe_s
        self.last_at: datetime | None = None
        self.interval_s: float | None = None
        self._overdue_wait = probe_s

    def saw(self, session: m.ChargingSession) -> bool:
        """Note the session's newest reading; True when it is a new one."""
        at = session.readings[-1].at if session.readings else None
        if at is None or (self.last_at is not None and at <= self.last_at):
            return False
        if self.last_at is not None:
            self.interval_s = min(max((at - self.last_at).total_seconds(), 1.0), 300.0)
        self.last_at = at
        self._overdue_wait = self.probe_s
        return True

    def next_wait(self, now: datetime | None = None) -> float:
        if self.last_at is None or self.interval_s is None:
            return self.probe_s
        now = now or datetime.now(UTC)
        due = (self.last_at - now).total_seconds() + self.interval_s + GRACE_S
        if due <= 0:
            return self._back_off()
        return min(max(due, self.probe_s), self.longest_s)

    def _back_off(self) -> float:
        wait = self._overdue_wait
        self._overdue_wait = min(wait * 1.5, self.longest_s)
        return wait


def _changed(old: m.ChargingSession, new: m.ChargingSession) -> bool:
    keys = ("state", "energy_kwh", "power_kw", "soc", "cost", "ended_at")
    return any(getattr(old, k) != getattr(new, k) for k in keys) or old.readings != new.readings


async def follow_session(
    session_id: str,
    *,
    read: Callable[[str], Awaitable[m.ChargingSession]],
    watch: Callable[[list[str]], AsyncIterator[m.StatusChange]] | None,
    longest_s: float = LONGEST_S,
) -> AsyncIterator[m.ChargingSession]:
    """Yield the session now and every time it changed, until it is no longer active.
    Provider errors of a read propagate; the caller decides when to follow again."""
    session = await read(session_id)
    yield session
    if not session.state.is_active:
        return
    wake = asyncio.Event()
    feed: asyncio.Task | None = None
    if watch is not None and session.connector_id:
        feed = asyncio.create_task(_listen(watch([session.connector_id]), wake))
    pace = MeterPace(longest_s)
    pace.saw(session)
    try:
        while True:
            if feed is not None and feed.done():
                feed = None  # the feed is gone: reading alone has to notice a stop
                pace.longest_s = min(pace.longest_s, NO_FEED_LONGEST_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), pace.next_wait())
            wake.clear()
            new = await read(session_id)
            pace.saw(new)
            if _changed(session, new):
                session = new
                yield session
            if not session.state.is_active:
                return
    finally:
        if feed is not None:
            feed.cancel()
            with contextlib.suppress(BaseException):
                await feed


async def _listen(changes: AsyncIterator[m.StatusChange], wake: asyncio.Event) -> None:
    started = time.monotonic()
    try:
        async for _change in changes:
            wake.set()
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.info("status feed ended after %.0f s (%s); reading the session instead",
                 time.monotonic() - started, exc)
    finally:
        close = getattr(changes, "aclose", None)
        if close is not None:
            with contextlib.suppress(BaseException):
                await close()
