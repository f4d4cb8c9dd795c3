"""Free-connector alerts follow the live status feed and fire once per station."""

from __future__ import annotations

import pytest
from fake_provider import FakeProvider

from app.context import AppConfig, AppContext
from app.settings import Settings
from app.viewmodels.free_alert import FreeAlerts
from services.models import ConnectorStatus
from services.provider import Capability
from tests.waits import eventually


@pytest.fixture
def ctx() -> AppContext:
    return AppContext(AppConfig(persist_settings=False), Settings(), FakeProvider())


async def _until(predicate) -> None:
    async def check():
        return predicate()

    await eventually(check, interval=0.01)


async def test_occupied_station_alerts_once_when_a_connector_frees(ctx):
    freed = []
    alerts = FreeAlerts(ctx, freed.append)
    busy = await ctx.provider.get_station("S2")  # both connectors occupied
    free = await ctx.provider.get_station("S1")
    assert alerts.offered_for(busy) and not alerts.offered_for(free)
    free.favourite = True
    assert alerts.offered_for(free)  # a favourite may be watched even when free

    assert alerts.toggle(busy) and alerts.is_watching("S2")
    await _until(lambda: ctx.provider.queues)
    await ctx.provider.push_status("S2-1", ConnectorStatus.OUT_OF_ORDER)
    await ctx.provider.push_status("S1-2", ConnectorStatus.AVAILABLE)  # another station
    assert freed == []
    await ctx.provider.push_status("S2-2", ConnectorStatus.AVAILABLE)
    await _until(lambda: freed)
    assert [s.id for s in freed] == ["S2"] and not alerts.is_watching("S2")
    await _until(lambda: not ctx.provider.queues)  # nothing left to watch: feed closed
    alerts.close()


async def test_switching_the_alert_off_and_no_feed_no_offer(ctx):
    alerts = FreeAlerts(ctx, lambda s: None)
    busy = await ctx.provider.get_station("S2")
    assert alerts.toggle(busy) is True
    assert alerts.toggle(busy) is False and not alerts.is_watching("S2")
    ctx.provider.capabilities = frozenset(Capability) - {Capability.LIVE_STATUS}
    assert not alerts.offered_for(busy)
    alerts.close()


async def test_a_favourite_with_a_free_connector_alerts_only_when_another_frees_up(ctx):
    freed = []
    alerts = FreeAlerts(ctx, freed.append)
    station = await ctx.provider.get_station("S1")  # S1-1 free, S1-2 occupied
    station.favourite = True
    alerts.watch(station)
    await _until(lambda: ctx.provider.queues)
    await ctx.provider.push_status("S1-1", ConnectorStatus.AVAILABLE)  # still free: repeat
    assert freed == [] and alerts.is_watching("S1")
    await ctx.provider.push_status("S1-2", ConnectorStatus.AVAILABLE)
    await _until(lambda: freed)
    assert [s.id for s in freed] == ["S1"]
    alerts.close()
