"""The "Recent" stations above the map's list, against the real core: OIOI keeps the
stations a driver used (user-get-recent-stations); back ends without such a list show none
and are not asked."""

from __future__ import annotations

from app.context import AppConfig, AppContext, open_provider
from app.settings import Settings
from app.viewmodels.map_vm import RECENT_LIMIT, MapViewModel
from services.models import Credentials
from services.provider import Capability

OEM_KEY = "oioi-demo-oem-key"  # demo data's OEM partner key (README: demo only)
DRIVER = Credentials(username="driver@example.com", password="driver-demo")


def context(provider) -> AppContext:
    config = AppConfig(persist_settings=False, demo=True, online_geocoding=False)
    return AppContext(config, Settings(), provider)


async def test_an_oioi_driver_sees_the_stations_used_last(core_url):
    provider = await open_provider(
        "plugsurfing", core_url, credentials=DRIVER.model_copy(update={"api_key": OEM_KEY})
    )
    ctx = context(provider)
    vm = MapViewModel(ctx)
    try:
        await vm.load_recent()
        assert vm.recent == []  # nobody signed in as far as the app knows yet
        ctx.signed_in(await provider.profile())
        await vm.load_recent()
        assert vm.recent and len(vm.recent) <= RECENT_LIMIT
        ids = [s.id for s in vm.recent]
        assert len(ids) == len(set(ids))
        # the demo driver's history is where the recent stations come from
        history = await provider.history(limit=50)
        charged_at = {s.station_id for s in history.items}
        assert set(ids) <= charged_at
        assert all(s.name and s.connectors for s in vm.recent)  # detail, not just a pin
        vm.forget_recent()
        assert vm.recent is None
    finally:
        await provider.close()


async def test_back_ends_without_recent_stations_show_none_and_are_not_asked(core_url):
    provider = await open_provider("beenergised", core_url, credentials=DRIVER)
    ctx = context(provider)
    try:
        ctx.signed_in(await provider.profile())
        assert Capability.RECENT_STATIONS not in provider.capabilities
        assert await provider.recent_stations() == []  # the base provider's answer
        vm = MapViewModel(ctx)
        await vm.load_recent()
        assert vm.recent == []
    finally:
        await provider.close()
