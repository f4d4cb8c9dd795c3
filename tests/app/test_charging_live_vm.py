"""The live part of charging in the view model: following the session, limits the back end
enforces, the time to 80 %, notices, the running-session banner."""

from __future__ import annotations

import asyncio

import pytest
from fake_provider import FakeProvider

from app.context import AppConfig, AppContext
from app.settings import Settings
from app.viewmodels.account_vm import AccountViewModel
from app.viewmodels.charging_vm import (
    ChargingViewModel,
    LivePoint,
    Phase,
    minutes_to_soc,
    parse_limit,
)
from services.models import ChargeLimits, SessionState
from services.provider import Capability
from tests.waits import eventually


@pytest.fixture
def ctx() -> AppContext:
    config = AppConfig(persist_settings=False, live_interval_s=0.01, online_geocoding=False)
    return AppContext(config, Settings(), FakeProvider())


async def _charging(ctx: AppContext) -> ChargingViewModel:
    assert await AccountViewModel(ctx).login("driver@example.com", "driver-demo")
    vm = ChargingViewModel(ctx)
    station = await ctx.provider.get_station("S1")
    await vm.prepare(station, station.connectors[0])
    await vm.start()
    assert vm.phase == Phase.LIVE
    return vm


async def test_live_view_follows_the_providers_session_feed(ctx):
    vm = await _charging(ctx)
    try:
        first = vm.session.energy_kwh

        async def moved():
            return vm.session.energy_kwh > first and len(vm.points) >= 2

        await eventually(moved, within_s=10)
        assert ctx.provider.follow_reads >= 1  # through follow_session, not its own loop
    finally:
        vm.stop_polling()


async def test_a_provider_without_a_follow_is_read_periodically(ctx):
    class Plain(FakeProvider):
        follow_session = None  # an older provider: nothing to follow

    ctx.provider = Plain()
    vm = await _charging(ctx)
    try:
        first = vm.session.energy_kwh

        async def moved():
            return vm.session.energy_kwh > first

        await eventually(moved, within_s=10)
    finally:
        vm.stop_polling()


async def test_session_ended_by_the_charger_is_told_and_shown_finished(ctx):
    vm = await _charging(ctx)
    told: list[str] = []
    vm.on_notice = told.append
    assert vm.running is vm.session  # the banner shows it on every screen
    ctx.provider.end_session(vm.session.id, power_kw=0.0)  # the car is full

    async def full_told():
        return told

    await eventually(full_told, within_s=10)
    assert "stopped drawing power" in told[0] and "Station 1" in told[0]
    assert vm.phase == Phase.LIVE  # still plugged in, still a session
    ctx.provider.end_session(vm.session.id)

    async def finished():
        return vm.phase == Phase.FINISHED

    await eventually(finished, within_s=10)
    assert len(told) == 2 and "has ended" in told[1]
    assert vm.running is None  # no banner for a finished session
    assert vm.session.state is SessionState.FINISHED


async def test_stop_pressed_by_the_driver_is_not_announced(ctx):
    vm = await _charging(ctx)
    told: list[str] = []
    vm.on_notice = told.append
    await vm.stop()
    assert vm.phase == Phase.FINISHED
    await asyncio.sleep(0)
    assert told == []


async def test_only_limits_the_back_end_enforces_are_offered(ctx):
    assert ChargingViewModel(ctx).offered_limits() == ["minutes", "energy_kwh", "cost", "soc"]
    ctx.provider.capabilities = frozenset({Capability.CHARGING, Capability.LIMIT_MINUTES})
    vm = ChargingViewModel(ctx)
    assert vm.offered_limits() == ["minutes"]
    assert not vm.set_limit("soc", "80") and "cannot enforce" in vm.error
    assert vm.set_limit("minutes", "45") and vm.limits.minutes == 45 and vm.error is None


async def test_limits_are_checked_and_sent_with_the_start(ctx):
    assert await AccountViewModel(ctx).login("driver@example.com", "driver-demo")
    vm = ChargingViewModel(ctx)
    station = await ctx.provider.get_station("S1")
    await vm.prepare(station, station.connectors[0])
    assert not vm.set_limit("soc", "120")
    assert vm.error.startswith("Stop at battery (%)")
    assert not vm.set_limit("energy_kwh", "lots") and "Stop at energy" in vm.error
    assert vm.set_limit("energy_kwh", "12,5") and vm.set_limit("soc", "80")
    assert vm.set_limit("soc", "")  # cleared again
    await vm.start()
    try:
        assert ctx.provider.limits == ChargeLimits(energy_kwh=12.5)
    finally:
        vm.stop_polling()


async def test_a_start_without_limits_sends_none(ctx):
    vm = await _charging(ctx)
    vm.stop_polling()
    assert ctx.provider.limits is None


def test_limit_text_parsing():
    assert parse_limit("minutes", " 30 ") == 30 and isinstance(parse_limit("minutes", "30"), int)
    assert parse_limit("cost", "7,50") == 7.5
    assert parse_limit("soc", "") is None
    with pytest.raises(ValueError):
        parse_limit("cost", "ten")


def test_minutes_to_80_follows_the_recent_pace():
    def pts(*pairs):
        return [LivePoint(t, 11.0, soc, 0.0) for t, soc in pairs]

    assert minutes_to_soc([]) is None
    assert minutes_to_soc(pts((0, 40.0))) is None  # one reading: no pace yet
    assert minutes_to_soc(pts((0, 40.0), (60, 40.0))) is None  # not rising
    # 1 % a minute from 60 %: 20 minutes to go
    assert minutes_to_soc(pts((0, 58.0), (60, 59.0), (120, 60.0))) == pytest.approx(20.0)
    # only the last five minutes count: an early fast phase does not shorten the estimate
    early = pts((0, 10.0), (60, 40.0))
    recent = pts((600, 60.0), (900, 65.0))
    assert minutes_to_soc(early + recent) == pytest.approx(15.0 / (5.0 / 5.0))
    assert minutes_to_soc(pts((0, 79.0), (60, 81.0))) == 0.0
    assert minutes_to_soc([LivePoint(0, 11.0, None, 0.0)]) is None


# ---------------------------------------------------------------- what the screens draw


class _Host:
    """A host without a window: enough to build the screens' control trees."""

    def __init__(self, ctx: AppContext, vm: ChargingViewModel) -> None:
        from app.viewmodels.account_vm import AccountViewModel

        self.ctx, self.charging_vm, self.account_vm = ctx, vm, AccountViewModel(ctx)
        self.page, self.narrow, self.station_seed = None, False, None
        self.routes: list[str] = []

    def go(self, route: str) -> None:
        self.routes.append(route)

    def run(self, coro) -> None:  # type: ignore[no-untyped-def]
        coro.close()

    def snack(self, text: str | None) -> None:
        pass

    def touch(self) -> None:
        pass


def _texts(control) -> list[str]:  # type: ignore[no-untyped-def]
    import flet as ft

    out, stack = [], [control]
    while stack:
        c = stack.pop()
        if isinstance(c, ft.Text) and c.value:
            out.append(c.value)
        if isinstance(c, ft.TextField) and c.label:
            out.append(c.label)
        for attr in ("content", "controls"):
            child = getattr(c, attr, None)
            if isinstance(child, list):
                stack.extend(child)
            elif child is not None and not isinstance(child, str):
                stack.append(child)
    return out


async def test_banner_shows_the_running_session_and_opens_it(ctx):
    from app.components.session_banner import SessionBanner

    vm = await _charging(ctx)
    host = _Host(ctx, vm)
    banner = SessionBanner(vm, lambda: ctx.t, lambda: "en", lambda: host.go("/charging"))
    try:
        shown = banner.build()
        assert shown.visible and shown.content is banner._box
        assert banner.text().startswith("Charging at Station 1: ") and "kW" in banner.text()
        banner._box.on_click(None)
        assert host.routes == ["/charging"]
        ctx.provider.end_session(vm.session.id)

        async def finished():
            return vm.phase == Phase.FINISHED

        await eventually(finished, within_s=10)
        banner.refresh(update=False)
        # Flutter draws an error box for a Semantics whose content is hidden: the wrapper
        # hides, its content stays visible.
        assert not shown.visible and banner._box.visible and banner.text() is None
    finally:
        vm.stop_polling()


async def test_charging_screen_draws_limits_and_the_time_to_80(ctx):
    from app.screens.charging_screen import ChargingScreen

    assert await AccountViewModel(ctx).login("driver@example.com", "driver-demo")
    ctx.provider.capabilities = frozenset({Capability.CHARGING, Capability.LIMIT_MINUTES})
    vm = ChargingViewModel(ctx)
    screen = ChargingScreen(_Host(ctx, vm))
    station = await ctx.provider.get_station("S1")
    await vm.prepare(station, station.connectors[0])
    texts = _texts(screen.content())
    assert "Stop after (minutes)" in texts and "Stop at battery (%)" not in texts
    await vm.start()
    try:
        vm.points = [LivePoint(0, 11.0, 58.0, 0.0), LivePoint(120, 11.0, 60.0, 0.4)]
        texts = _texts(screen.content())
        assert "To 80 %" in texts and "20\u00a0min" in texts
    finally:
        vm.stop_polling()
