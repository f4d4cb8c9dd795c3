"""Kiosk: bound to one site, a tap-your-card start, "Still there?" before the idle reset,
no demo credentials on show."""

from __future__ import annotations

import pytest
from fake_provider import FakeProvider

from app.context import AppConfig, AppContext
from app.settings import Settings
from app.viewmodels.account_vm import AccountViewModel
from app.viewmodels.charging_vm import ChargingViewModel, Phase
from app.viewmodels.kiosk import IdleTimer, KioskSite
from services.models import ConnectorStatus


@pytest.fixture
def ctx() -> AppContext:
    provider = FakeProvider()
    for s in provider.stations[:2]:
        s.site_id = "site-1"  # one site with two stations (the kiosk's)
    config = AppConfig(kiosk=True, persist_settings=False, live_interval_s=0.01)
    return AppContext(config, Settings(), provider)


async def test_site_connectors_are_numbered_across_its_stations(ctx):
    site = KioskSite(ctx, "site-1", ChargingViewModel(ctx))
    await site.load()
    assert [(n, c.id) for n, _, c in site.connectors()] == [
        (1, "S1-1"),
        (2, "S1-2"),
        (3, "S2-1"),
        (4, "S2-2"),
    ]
    assert site.title == "Station 1"
    unknown = KioskSite(ctx, "nowhere", ChargingViewModel(ctx))
    await unknown.load()
    assert "nowhere" in unknown.error and unknown.connectors() == []


async def test_tap_your_card_starts_on_the_chosen_free_connector(ctx):
    charging = ChargingViewModel(ctx)
    site = KioskSite(ctx, "site-1", charging)
    await site.load()
    (_, s1, free), (_, _, busy) = site.connectors()[0], site.connectors()[2]
    assert free.status is ConnectorStatus.AVAILABLE and busy.status is ConnectorStatus.OCCUPIED
    assert not await site.tap("04A1B2C3")  # no connector chosen yet
    assert site.error == ctx.t("kiosk.pick_connector")
    assert not site.select(site.stations[1], busy)
    assert site.select(s1, free)
    assert not await site.tap("04A1B2C3")  # nobody logged in
    assert site.error == ctx.t("kiosk.login_first")
    assert await AccountViewModel(ctx).login("driver@example.com", "driver-demo")
    assert not await site.tap("DEADBEEF")  # the driver's blocked card
    assert site.error == ctx.t("error.CARD_REJECTED")
    assert await site.tap("04a1b2c3")
    await site.start_task
    assert charging.phase is Phase.LIVE and charging.session.connector_id == free.id
    assert charging.card_id == "c1" and site.selected is None
    await charging.close()


async def test_still_there_warning_comes_once_before_the_reset():
    now = [0.0]
    warned, reset = [], []
    timer = IdleTimer(90, lambda: reset.append(1), lambda: now[0], on_warn=warned.append)
    now[0] = 74.0
    await timer.check()
    assert warned == [] and reset == []
    now[0] = 76.0
    await timer.check()
    await timer.check()
    assert warned == [14.0] and reset == []
    timer.touch()  # "I'm still here"
    now[0] = 76.0 + 80
    await timer.check()
    assert len(warned) == 2 and reset == []
    now[0] = 76.0 + 91
    await timer.check()
    assert reset == [1]


def test_kiosk_never_shows_the_demo_credentials(ctx):
    assert ctx.config.demo and not AccountViewModel(ctx).show_demo_hint
    ctx.config.kiosk = False
    assert AccountViewModel(ctx).show_demo_hint


async def test_a_tap_read_twice_starts_once(ctx):
    import asyncio

    charging = ChargingViewModel(ctx)
    site = KioskSite(ctx, "site-1", charging)
    await site.load()
    assert await AccountViewModel(ctx).login("driver@example.com", "driver-demo")
    _, s1, free = site.connectors()[0]
    site.select(s1, free)
    first, second = await asyncio.gather(site.tap("04A1B2C3"), site.tap("04A1B2C3"))
    assert (first, second) == (True, False) and site.error is None
    await site.start_task
    assert len(ctx.provider.sessions) == 1
    await charging.close()
