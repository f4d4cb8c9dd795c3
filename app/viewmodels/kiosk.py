"""Kiosk parts: the idle timer with its "Still there?" warning, keyboard-wedge RFID
detection, and the site a kiosk serves with its tap-your-card start."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from app.context import AppContext
from app.viewmodels.base import ViewModel, error_message
from app.viewmodels.charging_vm import ChargingViewModel
from services.models import Connector, ConnectorStatus, Station
from services.provider import Capability, NotFound, ProviderError

log = logging.getLogger(__name__)

# Wedge readers "type" a whole UID in well under a second; people need far longer per key.
WEDGE_MAX_GAP_S = 0.08
WEDGE_MIN_LEN = 8


class IdleTimer:
    """Calls ``on_idle`` once after ``timeout_s`` without ``touch()``; ``on_warn(seconds
    left)`` once ``warn_s`` before that, so a driver still there can say so."""

    def __init__(
        self,
        timeout_s: float,
        on_idle: Callable[[], Awaitable[None] | None],
        clock: Callable[[], float] = time.monotonic,
        *,
        on_warn: Callable[[float], None] | None = None,
        warn_s: float = 15.0,
    ) -> None:
        self.timeout_s = timeout_s
        self.on_idle = on_idle
        self.on_warn = on_warn
        # Short timeouts (demos, tests) warn in their last third
        self.warn_s = min(warn_s, timeout_s / 3)
        self.clock = clock
        self.last = clock()
        self.fired = False
        self.warned = False
        self._task: asyncio.Task | None = None

    def touch(self) -> None:
        self.last = self.clock()
        self.fired = False
        self.warned = False

    def idle_for(self) -> float:
        return self.clock() - self.last

    async def check(self) -> bool:
        idle = self.idle_for()
        if (
            self.on_warn is not None
            and not self.warned
            and not self.fired
            and self.timeout_s - self.warn_s <= idle < self.timeout_s
        ):
            self.warned = True
            self.on_warn(self.timeout_s - idle)
        if not self.fired and idle >= self.timeout_s:
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


class KioskSite(ViewModel):
    """The one site a kiosk serves: its connectors, numbered across the site; the driver
    picks a free one and taps a card to start there."""

    def __init__(self, ctx: AppContext, site_id: str, charging: ChargingViewModel) -> None:
        super().__init__()
        self.ctx, self.site_id, self.charging = ctx, site_id, charging
        self.stations: list[Station] = []
        self.selected: tuple[Station, Connector] | None = None
        self.notice: str | None = None
        self.loaded = False
        self.start_task: asyncio.Task | None = None
        self._tapping = False

    async def load(self) -> None:
        self.busy, self.error = True, None
        self.notify()
        try:
            self.stations = await self.ctx.provider.site_stations(self.site_id)
        except NotFound:
            self.error = self.ctx.t("kiosk.site_unknown", site=self.site_id)
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
        finally:
            self.busy, self.loaded = False, True
            self.notify()

    @property
    def title(self) -> str:
        return self.stations[0].name if self.stations else self.ctx.t("kiosk.site")

    def connectors(self) -> list[tuple[int, Station, Connector]]:
        out, n = [], 0
        for s in self.stations:
            for c in s.connectors:
                n += 1
                out.append((n, s, c))
        return out

    def select(self, station: Station, connector: Connector) -> bool:
        if connector.status is not ConnectorStatus.AVAILABLE:
            return False
        self.selected, self.error = (station, connector), None
        self.notify()
        return True

    def clear(self) -> None:
        self.selected, self.error = None, None
        self.notify()

    @property
    def can_unlock(self) -> bool:
        return self.ctx.can(Capability.UNLOCK)

    async def unlock(self, connector: Connector) -> None:
        """Release a cable stuck in ``connector``; ``notice`` or ``error`` says how it went."""
        self.notice, self.error = None, None
        try:
            await self.ctx.provider.unlock_connector(connector.id)
            number = next(n for n, _, c in self.connectors() if c.id == connector.id)
            self.notice = self.ctx.t(
                "kiosk.unlocked", connector=self.ctx.t("station.connector_no", n=number)
            )
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
        self.notify()

    async def tap(self, uid: str) -> bool:
        """A card read at the kiosk: start on the chosen connector with the driver's card
        of that UID. True once the start is under way (the charging screen follows it).
        A reader's keystrokes may reach both the focused field and the page: one tap
        while a start is being set up counts once."""
        if self._tapping or (self.start_task is not None and not self.start_task.done()):
            return False
        self._tapping = True
        try:
            return await self._tap(uid)
        finally:
            self._tapping = False

    async def _tap(self, uid: str) -> bool:
        if self.selected is None:
            self.error = self.ctx.t("kiosk.pick_connector")
            self.notify()
            return False
        if not self.ctx.logged_in:
            self.error = self.ctx.t("kiosk.login_first")
            self.notify()
            return False
        station, connector = self.selected
        await self.charging.prepare(station, connector)
        if not self.charging.choose_card_by_uid(uid):
            self.error = self.charging.error or self.ctx.t("kiosk.card_unknown")
            self.notify()
            return False
        self.selected = None
        self.notify()
        # The charging screen shows the start's progress: do not hold the tap until the
        # vehicle answers
        self.start_task = asyncio.create_task(self.charging.start())
        return True
