"""Charging: pick a card, see the price, set limits, start, watch the session live, stop.

While a session runs the view model follows it through the provider's ``follow_session``
(the back end's live channel where it has one), keeps the chart's points, estimates the
time to 80 % battery, and tells the driver (``on_notice``) when the car is full or the
session ended without them pressing Stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from app import format as fmt
from app.context import AppContext
from app.viewmodels import offers, parking
from app.viewmodels.base import ViewModel, error_message
from services.models import (
    Card,
    CardStatus,
    ChargeLimits,
    ChargingSession,
    Connector,
    StartProgress,
    Station,
    Tariff,
)
from services.provider import LIMIT_CAPABILITIES, Capability, NotAuthenticated, ProviderError

log = logging.getLogger(__name__)

UID_RE = re.compile(r"^(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$")
SOC_TARGET = 80.0  # where DC charging slows down: the usual "good enough to go" level
SOC_WINDOW_S = 300.0  # the estimate follows the pace of the last five minutes


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


def minutes_to_soc(points: list[LivePoint], target: float = SOC_TARGET) -> float | None:
    """Minutes until the battery reaches ``target`` % at the pace of the last few minutes;
    0 once it is there, None while the pace is unknown (no SoC, not rising yet)."""
    socs = [(p.seconds, p.soc) for p in points if p.soc is not None]
    if not socs:
        return None
    last_s, last_soc = socs[-1]
    if last_soc >= target:
        return 0.0
    window = [(t, v) for t, v in socs if t >= last_s - SOC_WINDOW_S]
    first_s, first_soc = window[0]
    if last_s - first_s < 1.0 or last_soc <= first_soc:
        return None
    per_second = (last_soc - first_soc) / (last_s - first_s)
    return (target - last_soc) / per_second / 60.0


def parse_limit(kind: str, text: str) -> float | int | None:
    """A limit as typed ("1,5" or "1.5"; empty: no limit); ValueError when not a number."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    value = float(text)
    return int(value) if kind == "minutes" and value.is_integer() else value


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
        self.limits = ChargeLimits()
        # Hears a translated sentence when something happened the driver should know about
        # even on another screen (car full, session ended); the shell shows it.
        self.on_notice: Callable[[str], None] | None = None
        self.last_notice: str | None = None
        self._stop_pressed = False
        self._full_told = False
        self._poll_task: asyncio.Task | None = None
        # When parking fees start for the car that stopped drawing power, once the driver
        # has been warned (None: no warning due or given)
        self.parking_from: datetime | None = None
        self._parking_task: asyncio.Task | None = None

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
        valid = self.usable_cards()
        if self.priced_by_account:
            # the cheapest account that can start here, with its first card
            return valid[0].id if valid else None
        last = self.ctx.settings.last_card_id
        if any(c.id == last for c in valid):
            return last
        return valid[0].id if valid else None

    @property
    def priced_by_account(self) -> bool:
        """Over several accounts: the connector lists each account's offer."""
        return bool(self.connector and self.connector.offers)

    def usable_cards(self) -> list[Card]:
        valid = [c for c in self.cards if usable(c)]
        if not self.priced_by_account:
            return valid
        typical = offers.typical_session(self.ctx.settings)
        capable = {o.account_id for o in self.connector.offers if o.can_start}
        return [
            c
            for c in offers.cards_by_price(valid, self.connector, typical)
            if c.account_id in capable
        ]

    def card_offer(self, card: Card):
        """The offer of the card's account at the chosen connector (its price), if any."""
        typical = offers.typical_session(self.ctx.settings)
        return offers.offer_for(self.connector, card.account_id, typical)

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
        """The price of the start as chosen: over several accounts, the chosen card's
        account's tariff at this connector."""
        if self.connector is None:
            return None
        card = next((c for c in self.cards if c.id == self.card_id), None)
        offer = self.card_offer(card) if card is not None and self.priced_by_account else None
        if offer is not None and offer.tariff is not None:
            return offer.tariff
        return self.connector.price

    # ----------------------------------------------------------- limits
    def offered_limits(self) -> list[str]:
        """The ChargeLimits fields this provider's back end enforces."""
        return [k for k, cap in LIMIT_CAPABILITIES.items() if self.ctx.can(cap)]

    def set_limit(self, kind: str, text: str) -> bool:
        """Set (or clear, with empty text) one limit; False with ``error`` naming the limit
        and the reason when the text is not an acceptable value."""
        if kind not in self.offered_limits():
            self.error = self.ctx.t("charging.limit_unsupported")
            self.notify()
            return False
        name = self.ctx.t(f"charging.limit.{kind}")
        try:
            value = parse_limit(kind, text)
            self.limits = ChargeLimits.model_validate(
                {**self.limits.model_dump(), kind: value}
            )
        except (ValueError, ValidationError):
            self.error = self.ctx.t("charging.limit_invalid", name=name)
            self.notify()
            return False
        self.error = None
        self.notify()
        return True

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

        extra = {"limits": self.limits} if self.limits.any else {}
        try:
            session = await self.ctx.provider.start_charging(
                self.connector.id, self.card_id, progress=on_progress, **extra
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
        self._stop_pressed = self._full_told = False
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
        self._poll_task = asyncio.create_task(self._follow())

    def stop_polling(self) -> None:
        if self._poll_task and self._poll_task is not asyncio.current_task():
            self._poll_task.cancel()
        self._poll_task = None

    def _updates(self, session_id: str) -> AsyncIterator[ChargingSession]:
        follow = getattr(self.ctx.provider, "follow_session", None)
        return follow(session_id) if follow is not None else self._polled(session_id)

    async def _polled(self, session_id: str) -> AsyncIterator[ChargingSession]:
        """For a provider without ``follow_session``: read at the configured period."""
        while True:
            session = await self.ctx.provider.get_session(session_id)
            yield session
            if not session.state.is_active:
                return
            await asyncio.sleep(self.ctx.config.live_interval_s)

    async def _follow(self) -> None:
        failures = 0
        while self.session and self.session.state.is_active:
            try:
                async for session in self._updates(self.session.id):
                    failures = 0
                    self._apply(session)
            except asyncio.CancelledError:
                raise
            except ProviderError as exc:
                failures += 1
                if failures >= 3:
                    self.error = error_message(self.ctx.t, exc)
                    self.notify()
            except Exception:
                log.exception("following the live session failed")
            if self.session and self.session.state.is_active:
                await asyncio.sleep(self.ctx.config.live_interval_s * min(failures + 1, 5))

    async def refresh(self) -> None:
        if self.session is None:
            return
        self._apply(await self.ctx.provider.get_session(self.session.id))

    def _apply(self, session: ChargingSession) -> None:
        before = self.session
        self.session = session
        self._record(session)
        if session.state.is_active:
            stopped_flowing = (
                before is not None
                and (before.power_kw or 0) > 0
                and session.power_kw == 0
                and not self._stop_pressed
            )
            if stopped_flowing and not self._full_told:
                self._full_told = True
                self._tell("charging.notice_full")
            if stopped_flowing and self._parking_task is None:
                self._watch_parking(datetime.now(UTC))
            elif (session.power_kw or 0) > 0:
                self._forget_parking()  # drawing power again: no parking yet
        else:
            self._forget_parking()  # the session ended: nothing is parked any more
        if not session.state.is_active and self.phase != Phase.FINISHED:
            self.phase = Phase.FINISHED
            if not self._stop_pressed:
                self._tell("charging.notice_finished")
        self.notify()

    # ----------------------------------------------------------- parking fees
    def _watch_parking(self, flow_stopped_at: datetime) -> None:
        """The car stopped drawing power while plugged in: warn before parking costs."""
        tariff = self.tariff
        warn = parking.warn_at(tariff, flow_stopped_at)
        start = parking.fees_start(tariff, flow_stopped_at)
        if warn is None or start is None or tariff is None:
            return

        async def warn_later() -> None:
            await asyncio.sleep(max(0.0, (warn - datetime.now(UTC)).total_seconds()))
            if self._stop_pressed or not (self.session and self.session.state.is_active):
                return
            self.parking_from = start
            lang = self.ctx.settings.language
            self._tell(
                "charging.notice_parking",
                time=start.astimezone().strftime("%H:%M"),
                price=fmt.money(tariff.parking_per_minute, tariff.currency, lang),
            )
            self.notify()

        self._parking_task = asyncio.create_task(warn_later())

    def _forget_parking(self) -> None:
        if self._parking_task is not None and self._parking_task is not asyncio.current_task():
            self._parking_task.cancel()
        self._parking_task = None
        self.parking_from = None

    def _tell(self, key: str, **values: str) -> None:
        name = (self.session.station_name if self.session else None) or ""
        self.last_notice = self.ctx.t(key, station=name, **values)
        if self.on_notice is not None:
            try:
                self.on_notice(self.last_notice)
            except Exception:
                log.exception("notice listener failed")

    @property
    def running(self) -> ChargingSession | None:
        """The session to keep in view on every screen (the running-session banner)."""
        s = self.session
        return s if s is not None and s.state.is_active else None

    @property
    def minutes_to_80(self) -> float | None:
        return minutes_to_soc(self.points)

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
        self._stop_pressed = True
        self.notify()
        try:
            session = await self.ctx.provider.stop_charging(self.session.id)
        except ProviderError as exc:
            self.phase = Phase.LIVE
            self._stop_pressed = False
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
        self.limits = ChargeLimits()
        self.error = None
        self.notify()

    def reset(self) -> None:
        """Logout / kiosk reset: forget everything about the driver (the session keeps
        running on the charger and is found again after the next login)."""
        self.stop_polling()
        self._forget_parking()
        self.phase = Phase.IDLE
        self.station = self.connector = self.session = None
        self.cards, self.card_id, self.progress, self.points = [], None, [], []
        self.limits = ChargeLimits()
        self.error = None
        self.notify()

    async def close(self) -> None:
        self.stop_polling()
        self._forget_parking()
        with contextlib.suppress(Exception):
            await asyncio.sleep(0)
