"""Charging: pick a card, see the price, start, watch the session live, stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from app.context import AppContext
from app.viewmodels.base import ViewModel, error_message
from services.models import (
    Card,
    CardStatus,
    ChargingSession,
    Connector,
    StartProgress,
    Station,
    Tariff,
)
from services.provider import Capability, NotAuthenticated, ProviderError

log = logging.getLogger(__name__)

UID_RE = re.compile(r"^(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$")


@dataclass
class LivePoint:
    seconds: float
    power_kw: float | None
    soc: float | None
    energy_kwh: float


class Phase:
    IDLE = "idle"  # nothing chosen, no session
    LOGIN = "login"  # a connector was chosen but nobody is logged in
    CHOOSE = "choose"  # choose card, see price, confirm
    STARTING = "starting"
    LIVE = "live"
    STOPPING = "stopping"
    FINISHED = "finished"


def usable(card: Card) -> bool:
    if card.status is not CardStatus.ACTIVE:
        return False
    return card.expiry is None or card.expiry > datetime.now(UTC)


def estimate_cost(tariff: Tariff | None, energy_kwh: float, seconds: float | None) -> float | None:
    if tariff is None:
        return None
    if tariff.free_of_charge:
        return 0.0
    minutes = (seconds or 0.0) / 60
    return round(tariff.start_fee + tariff.per_kwh * energy_kwh + tariff.per_minute * minutes, 2)


def cost_label_key(session: ChargingSession | None) -> str:
    """Running cost while charging; the billed total once finished, or an estimate from
    the tariff when the back end has not billed the session yet."""
    if session is None or session.state.is_active:
        return "charging.cost"
    return "charging.cost_total" if session.cost is not None else "charging.cost_estimated"


class ChargingViewModel(ViewModel):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.phase = Phase.IDLE
        self.station: Station | None = None
        self.connector: Connector | None = None
        self.cards: list[Card] = []
        self.card_id: str | None = None
        self.progress: list[str] = []
        self.session: ChargingSession | None = None
        self.points: list[LivePoint] = []
        self._poll_task: asyncio.Task | None = None

    # ----------------------------------------------------------- choose
    async def prepare(self, station: Station, connector: Connector) -> None:
        self.station, self.connector = station, connector
        self.error = None
        self.progress = []
        if not self.ctx.logged_in:
            self.phase = Phase.LOGIN
            self.notify()
            return
        self.phase = Phase.CHOOSE
        await self.load_cards()

    async def after_login(self) -> None:
        """Continue a start that was waiting for a login, or pick up a running session."""
        if self.phase == Phase.LOGIN and self.station and self.connector:
            self.phase = Phase.CHOOSE
            await self.load_cards()
        else:
            await self.resume()

    async def load_cards(self) -> None:
        try:
            self.cards = await self.ctx.provider.list_cards()
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
            self.cards = []
        self.card_id = self.default_card_id()
        self.notify()

    def default_card_id(self) -> str | None:
        valid = [c for c in self.cards if usable(c)]
        last = self.ctx.settings.last_card_id
        if any(c.id == last for c in valid):
            return last
        return valid[0].id if valid else None

    def usable_cards(self) -> list[Card]:
        return [c for c in self.cards if usable(c)]

    def choose_card(self, card_id: str) -> None:
        self.card_id = card_id
        self.error = None
        self.notify()

    def choose_card_by_uid(self, uid: str) -> bool:
        """Kiosk: a driver taps or types a card UID (keyboard-wedge readers end with Enter)."""
        uid = uid.strip().upper()
        if not UID_RE.match(uid):
            self.error = self.ctx.t("cards.uid_invalid")
            self.notify()
            return False
        for card in self.cards:
            if card.uid.upper() == uid:
                if not usable(card):
                    self.error = self.ctx.t("error.CARD_REJECTED")
                    self.notify()
                    return False
                self.choose_card(card.id)
                return True
        self.error = self.ctx.t("charging.card_unknown")
        self.notify()
        return False

    @property
    def tariff(self) -> Tariff | None:
        return self.connector.price if self.connector else None

    # ----------------------------------------------------------- start
    async def start(self) -> None:
        if not (self.connector and self.card_id):
            self.error = self.ctx.t("charging.choose_card_first")
            self.notify()
            return
        self.phase, self.error, self.progress = Phase.STARTING, None, []
        self.notify()

        def on_progress(step: StartProgress) -> None:
            self.progress.append(step.step)
            self.notify()

        try:
            session = await self.ctx.provider.start_charging(
                self.connector.id, self.card_id, progress=on_progress
            )
        except ProviderError as exc:
            self.phase = Phase.LOGIN if isinstance(exc, NotAuthenticated) else Phase.CHOOSE
            self.error = error_message(self.ctx.t, exc)
            self.notify()
            return
        self.ctx.remember_card(self.card_id)
        self._go_live(session)

    def _go_live(self, session: ChargingSession) -> None:
        self.session = session
        self.points = []
        self._record(session)
        self.phase = Phase.LIVE if session.state.is_active else Phase.FINISHED
        if session.state.value == "STOPPING":
            self.phase = Phase.STOPPING
        self.notify()
        if session.state.is_active:
            self._start_polling()

    def resume_polling(self) -> None:
        if self.session and self.session.state.is_active and self._poll_task is None:
            self._start_polling()

    def _start_polling(self) -> None:
        self.stop_polling()
        self._poll_task = asyncio.create_task(self._poll())

    def stop_polling(self) -> None:
        if self._poll_task and self._poll_task is not asyncio.current_task():
            self._poll_task.cancel()
        self._poll_task = None

    async def _poll(self) -> None:
        failures = 0
        while self.session and self.session.state.is_active:
            await asyncio.sleep(self.ctx.config.live_interval_s)
            try:
                await self.refresh()
                failures = 0
            except asyncio.CancelledError:
                raise
            except ProviderError as exc:
                failures += 1
                if failures >= 3:
                    self.error = error_message(self.ctx.t, exc)
                    self.notify()
            except Exception:
                log.exception("live session refresh failed")

    async def refresh(self) -> None:
        if self.session is None:
            return
        session = await self.ctx.provider.get_session(self.session.id)
        self.session = session
        self._record(session)
        if not session.state.is_active and self.phase != Phase.FINISHED:
            self.phase = Phase.FINISHED
        self.notify()

    def _record(self, session: ChargingSession) -> None:
        seconds = session.duration_s or 0.0
        if self.points and self.points[-1].seconds >= seconds and seconds > 0:
            return
        self.points.append(LivePoint(seconds, session.power_kw, session.soc, session.energy_kwh))
        if len(self.points) > 600:  # keep the chart light: about ten minutes at 1 Hz
            self.points = self.points[-600:]

    @property
    def cost_so_far(self) -> float | None:
        s = self.session
        if s is None:
            return None
        if s.cost is not None:
            return s.cost.total
        return estimate_cost(self.tariff, s.energy_kwh, s.duration_s)

    @property
    def cost_label_key(self) -> str:
        return cost_label_key(self.session)

    @property
    def currency(self) -> str:
        if self.session and self.session.cost:
            return self.session.cost.currency
        return self.tariff.currency if self.tariff else "EUR"

    # ----------------------------------------------------------- stop / resume
    async def stop(self) -> None:
        if self.session is None:
            return
        self.phase, self.error = Phase.STOPPING, None
        self.notify()
        try:
            session = await self.ctx.provider.stop_charging(self.session.id)
        except ProviderError as exc:
            self.phase = Phase.LIVE
            self.error = error_message(self.ctx.t, exc)
            self.notify()
            return
        self.session = session
        self._record(session)
        self.phase = Phase.FINISHED if not session.state.is_active else Phase.STOPPING
        self.notify()
        if session.state.is_active:
            self._start_polling()  # the charger confirms the stop asynchronously
        else:
            self.stop_polling()

    async def resume(self) -> None:
        """Find a running session (also one started before the app was restarted)."""
        if not (self.ctx.logged_in and self.ctx.can(Capability.CHARGING)):
            return
        if self.session and self.session.state.is_active:
            return
        try:
            active = await self.ctx.provider.active_sessions()
        except ProviderError as exc:
            log.info("no active sessions: %s", exc.message)
            return
        if active:
            self._go_live(active[0])

    def done(self) -> None:
        """Leave the finished summary."""
        self.stop_polling()
        self.phase = Phase.IDLE
        self.session = None
        self.station = self.connector = None
        self.points = []
        self.error = None
        self.notify()

    def reset(self) -> None:
        """Logout / kiosk reset: forget everything about the driver (the session keeps
        running on the charger and is found again after the next login)."""
        self.stop_polling()
        self.phase = Phase.IDLE
        self.station = self.connector = self.session = None
        self.cards, self.card_id, self.progress, self.points = [], None, [], []
        self.error = None
        self.notify()

    async def close(self) -> None:
        self.stop_polling()
        with contextlib.suppress(Exception):
            await asyncio.sleep(0)
