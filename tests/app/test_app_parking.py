"""The warning before parking fees start: the car stopped drawing power while still plugged
in, and the tariff bills parking after a grace period; the driver is told before it ends,
as a notice (shown on every screen) and on the charging screen."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from fake_provider import FakeProvider

import app.viewmodels.parking as parking
from app.context import AppConfig, AppContext
from app.settings import Settings
from app.viewmodels.account_vm import AccountViewModel
from app.viewmodels.charging_vm import ChargingViewModel, Phase
from services.models import Tariff
from tests.waits import eventually

PARKING = Tariff(per_kwh=0.49, parking_per_minute=0.2, parking_grace_minutes=10)


@pytest.fixture
def ctx() -> AppContext:
    config = AppConfig(persist_settings=False, live_interval_s=0.01, online_geocoding=False)
    return AppContext(config, Settings(), FakeProvider())


async def charging(ctx: AppContext, tariff: Tariff) -> ChargingViewModel:
    assert await AccountViewModel(ctx).login("driver@example.com", "driver-demo")
    vm = ChargingViewModel(ctx)
    station = await ctx.provider.get_station("S1")
    connector = station.connectors[0].model_copy(update={"price": tariff})
    await vm.prepare(station, connector)
    await vm.start()
    assert vm.phase == Phase.LIVE

    async def drawing():
        return (vm.session.power_kw or 0) > 0

    await eventually(drawing, within_s=10)
    return vm


def test_the_warning_comes_before_the_grace_period_ends_never_before_the_energy_stopped():
    stopped = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert parking.fees_start(PARKING, stopped) == stopped + timedelta(minutes=10)
    assert parking.warn_at(PARKING, stopped) == stopped + timedelta(minutes=5)
    short = PARKING.model_copy(update={"parking_grace_minutes": 2})
    assert parking.warn_at(short, stopped) == stopped  # less grace than warning: at once
    for free in (Tariff(per_kwh=0.49), PARKING.model_copy(update={"free_of_charge": True})):
        assert parking.warn_at(free, stopped) is None and parking.fees_start(free, stopped) is None
    assert parking.warn_at(None, stopped) is None


async def test_a_full_car_still_plugged_in_is_warned_before_parking_costs(ctx, monkeypatch):
    # the grace period is ten minutes: warn (almost) all of it before, so the test is short
    monkeypatch.setattr(parking, "WARN_BEFORE_S", 10 * 60 - 0.3)
    vm = await charging(ctx, PARKING)
    told: list[str] = []
    vm.on_notice = told.append
    try:
        ctx.provider.end_session(vm.session.id, power_kw=0.0)  # the car is full

        async def full_told():
            return told

        await eventually(full_told, within_s=10)
        assert "stopped drawing power" in told[0] and vm.parking_from is None

        async def parking_told():
            return len(told) >= 2

        await eventually(parking_told, within_s=10)
        assert "€0.20 a minute" in told[1] and "move your car" in told[1]
        start = vm.parking_from
        assert start is not None
        # told 0.3 s after the energy stopped: the fees start ten minutes after that
        assert abs((start - (datetime.now(UTC) + timedelta(minutes=10))).total_seconds()) < 5
        assert start.astimezone().strftime("%H:%M") in told[1]
        assert vm.phase == Phase.LIVE  # still plugged in, still a session

        ctx.provider.end_session(vm.session.id)  # unplugged: no parking any more

        async def finished():
            return vm.phase == Phase.FINISHED

        await eventually(finished, within_s=10)
        assert vm.parking_from is None
    finally:
        vm.stop_polling()


async def test_no_warning_when_the_car_draws_power_again_or_the_driver_stops(ctx, monkeypatch):
    monkeypatch.setattr(parking, "WARN_BEFORE_S", 10 * 60 - 0.3)
    vm = await charging(ctx, PARKING)
    told: list[str] = []
    vm.on_notice = told.append
    try:
        ctx.provider.end_session(vm.session.id, power_kw=0.0)  # paused ...

        async def paused():
            return told

        await eventually(paused, within_s=10)
        ctx.provider.end_session(vm.session.id, power_kw=11.0)  # ... and drawing again

        async def drawing():
            return (vm.session.power_kw or 0) > 0

        await eventually(drawing, within_s=10)
        await asyncio.sleep(0.6)  # past when the warning would have come
        assert len(told) == 1 and vm.parking_from is None

        ctx.provider.end_session(vm.session.id, power_kw=0.0)
        await eventually(lambda: asyncio.sleep(0, result=vm._parking_task is not None))
        await vm.stop()  # the driver ends it in time
        await asyncio.sleep(0.6)
        assert not any("move your car" in x for x in told) and vm.parking_from is None
    finally:
        vm.stop_polling()


async def test_a_tariff_without_parking_fees_gives_no_warning(ctx, monkeypatch):
    monkeypatch.setattr(parking, "WARN_BEFORE_S", 10 * 60)
    vm = await charging(ctx, Tariff(per_kwh=0.49))
    told: list[str] = []
    vm.on_notice = told.append
    try:
        ctx.provider.end_session(vm.session.id, power_kw=0.0)

        async def full_told():
            return told

        await eventually(full_told, within_s=10)
        await asyncio.sleep(0.3)
        assert len(told) == 1 and vm._parking_task is None and vm.parking_from is None
    finally:
        vm.stop_polling()


async def test_the_charging_screen_says_when_parking_fees_start(ctx):
    from app.screens.charging_screen import ChargingScreen
    from tests.app.test_charging_live_vm import _Host, _texts

    vm = await charging(ctx, PARKING)
    screen = ChargingScreen(_Host(ctx, vm))
    try:
        assert not any("Parking fees" in x for x in _texts(screen.content()))
        vm.parking_from = datetime(2026, 11, 30, 12, 40, tzinfo=UTC)
        texts = _texts(screen.content())
        at = vm.parking_from.astimezone().strftime("%H:%M")
        assert f"Parking fees from {at} (€0.20 a minute)" in texts
    finally:
        vm.stop_polling()
