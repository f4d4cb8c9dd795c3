"""Reserving a connector from the station screen's view model (offered where the provider
can, duration choice only where the back end takes one, countdown, cancel, start on the
reserved connector) and unlocking a stuck cable at the kiosk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fake_provider import FakeProvider

from app.context import AppConfig, AppContext
from app.settings import Settings
from app.viewmodels.account_vm import AccountViewModel
from app.viewmodels.charging_vm import ChargingViewModel
from app.viewmodels.kiosk import KioskSite
from app.viewmodels.station_vm import StationViewModel
from services.models import ConnectorStatus
from services.provider import Capability, ChargerRejected


@pytest.fixture
def ctx() -> AppContext:
    return AppContext(AppConfig(persist_settings=False), Settings(), FakeProvider())


async def signed_in_station(ctx: AppContext, station_id: str = "S1") -> StationViewModel:
    assert await AccountViewModel(ctx).login("driver@example.com", "driver-demo")
    vm = StationViewModel(ctx, station_id)
    await vm.load()
    return vm


async def test_reserve_a_free_connector_then_start_on_it_and_cancel(ctx):
    vm = await signed_in_station(ctx)
    res = vm.reservation
    free, busy = vm.station.connectors
    assert res.can_reserve(free) and not res.can_reserve(busy)
    assert res.choose_minutes
    res.minutes = 30
    assert await vm.reserve(free)
    assert ctx.provider.calls[-1] == "reserve S1-1 30"
    assert res.holds(free) and not res.can_reserve(free)
    # shown held at once, and no longer counted free
    assert free.status is ConnectorStatus.OCCUPIED and vm.station.status.available == 0
    # the connector now shows occupied to everyone, but its Start stays for this driver
    await vm.load()
    held = vm.station.connectors[0]
    assert held.status is ConnectorStatus.OCCUPIED and vm.can_start(held)
    assert not vm.can_start(vm.station.connectors[1])
    left = res.seconds_left()
    assert 29 * 60 < left <= 30 * 60 and res.countdown().startswith(("29:", "30:"))
    await vm.cancel_reservation()
    assert res.current is None and await ctx.provider.reservations() == []
    assert vm.station.connectors[0].status is ConnectorStatus.AVAILABLE
    assert vm.station.status.available == 1


async def test_the_back_end_decides_the_minutes_when_it_takes_none(ctx):
    ctx.provider.capabilities = frozenset(Capability) - {Capability.CHOOSE_RESERVATION_MINUTES}
    vm = await signed_in_station(ctx)
    res = vm.reservation
    res.minutes = 60
    assert not res.choose_minutes
    assert await res.reserve(vm.station.connectors[0])
    assert ctx.provider.calls[-1] == "reserve S1-1 None"


async def test_a_reservation_made_earlier_is_shown_and_counts_down_to_its_end(ctx):
    await signed_in_station(ctx)
    await ctx.provider.reserve("S1-1", minutes=15)
    vm = StationViewModel(ctx, "S1")
    now = datetime.now(UTC)
    vm.reservation.clock = lambda: now
    await vm.load()
    assert vm.reservation.holds(vm.station.connectors[0])
    assert vm.reservation.countdown() in ("15:00", "14:59")
    vm.reservation.clock = lambda: now + timedelta(minutes=16)
    assert vm.reservation.countdown() == "0:00"
    assert vm.reservation.expire_if_due() and vm.reservation.current is None
    # another station's screen does not show it
    other = StationViewModel(ctx, "S4")
    await other.load()
    assert other.reservation.current is None


async def test_no_reserve_without_the_capability_or_a_login(ctx):
    vm = StationViewModel(ctx, "S1")
    await vm.load()
    assert not vm.reservation.can_reserve(vm.station.connectors[0])  # not logged in
    ctx.provider.capabilities = frozenset(Capability) - {Capability.RESERVE}
    vm = await signed_in_station(ctx)
    assert not vm.reservation.offered
    assert not await vm.reservation.reserve(vm.station.connectors[0])
    assert not any(c.startswith("reserve") for c in ctx.provider.calls)


async def test_a_refused_reservation_shows_why(ctx):
    vm = await signed_in_station(ctx)
    free = vm.station.connectors[0]
    ctx.provider.stations[0].connectors[0].status = ConnectorStatus.OCCUPIED  # taken meanwhile
    assert not await vm.reservation.reserve(free)
    assert vm.reservation.error and vm.reservation.current is None


async def test_kiosk_unlocks_a_cable_where_the_provider_can(ctx):
    for s in ctx.provider.stations[:2]:
        s.site_id = "site-1"
    site = KioskSite(ctx, "site-1", ChargingViewModel(ctx))
    await site.load()
    assert site.can_unlock
    _, _, busy = site.connectors()[2]
    await site.unlock(busy)
    assert ctx.provider.calls[-1] == "unlock S2-1"
    assert site.notice == ctx.t("kiosk.unlocked", connector=ctx.t("station.connector_no", n=3))
    ctx.provider.fail_unlock = ChargerRejected()
    await site.unlock(busy)
    assert site.notice is None and site.error == ctx.t("error.CHARGER_REJECTED")
    ctx.provider.capabilities = frozenset(Capability) - {Capability.UNLOCK}
    assert not site.can_unlock
