"""Map features: prices and power on the list, sort orders, operator/price/vehicle filters,
zoom steps, the marker preview, the driver's position and the EVSE ID lookup."""

from __future__ import annotations

import pytest
from fake_provider import FakeProvider

from app.context import AppConfig, AppContext
from app.settings import Settings, load_settings
from app.viewmodels.map_vm import MAX_ZOOM, MapViewModel, cheapest_kwh, max_power
from services.models import ConnectorStatus, Coordinates, PlugType, Tariff
from services.provider import Capability


@pytest.fixture
def provider() -> FakeProvider:
    p = FakeProvider()
    # Station 1 cheap, station 2 dear and another operator, station 3 Type 2 only
    p.stations[1].operator = "Other Op"
    for c in p.stations[1].connectors:
        c.price = Tariff(per_kwh=0.79)
    for c in p.stations[0].connectors:
        c.price = Tariff(per_kwh=0.39 if c.plug_type is PlugType.TYPE2 else 0.59)
    return p


@pytest.fixture
def ctx(provider, tmp_path, monkeypatch) -> AppContext:
    monkeypatch.setenv("VOLTRA_CONFIG_DIR", str(tmp_path))
    from services.settings import get_settings

    get_settings.cache_clear()
    config = AppConfig(persist_settings=True, online_geocoding=False)
    yield AppContext(config, Settings(), provider)
    get_settings.cache_clear()


async def test_price_and_power_follow_the_vehicle_plugs(ctx):
    vm = MapViewModel(ctx)
    await vm.search()
    s1 = next(s for s in vm.stations if s.id == "S1")
    assert cheapest_kwh(s1).per_kwh == 0.39 and max_power(s1) == 150.0
    assert cheapest_kwh(s1, ["CCS"]).per_kwh == 0.59 and max_power(s1, ["TYPE2"]) == 22.0
    assert cheapest_kwh(s1, ["CHADEMO"]) is None


async def test_sort_by_price_and_power_and_back_to_distance(ctx):
    vm = MapViewModel(ctx)
    await vm.search()
    by_distance = [s.id for s in vm.stations]
    assert by_distance[0] == "S1"
    vm.set_sort("price")
    assert [s.id for s in vm.stations][:2] == ["S1", "S2"]  # S3 has a price too: 0.49
    prices = [cheapest_kwh(s).per_kwh for s in vm.stations]
    assert prices == sorted(prices)
    vm.set_sort("power")
    powers = [max_power(s) for s in vm.stations]
    assert powers == sorted(powers, reverse=True)
    vm.set_sort("distance")
    assert [s.id for s in vm.stations] == by_distance
    with pytest.raises(ValueError, match="sort order"):
        vm.set_sort("rating")


async def test_operator_and_price_filters(ctx):
    vm = MapViewModel(ctx)
    await vm.search(radius_km=50)
    assert vm.operators == {"Volt Op", "Other Op"}
    vm.set_operator("Other Op")
    await vm.apply_filters()
    assert [s.id for s in vm.stations] == ["S2"]
    vm.set_operator(None)
    vm.set_max_price(0.50)
    await vm.apply_filters()
    assert {s.id for s in vm.stations} == {"S1", "S3"}
    assert vm.active_filter_count == 1
    vm.clear_filters()
    await vm.apply_filters()
    assert len(vm.stations) == 3


async def test_vehicle_profile_is_saved_and_filters_what_fits(ctx, tmp_path):
    vm = MapViewModel(ctx)
    vm.set_vehicle_plugs([PlugType.TYPE2])
    assert load_settings(tmp_path / "settings.json").vehicle_plugs == ["TYPE2"]
    await vm.search(radius_km=50)
    # S2 has a Type 2 too (plugs alternate), so only stations without one drop out
    assert all(any(c.plug_type is PlugType.TYPE2 for c in s.connectors) for s in vm.stations)
    assert vm.active_filter_count == 1
    # The preview's Start takes a free connector that fits, never the CCS one
    s1 = next(s for s in vm.stations if s.id == "S1")
    assert vm.startable(s1).plug_type is PlugType.TYPE2
    vm.set_vehicle_plugs([PlugType.CHADEMO])
    await vm.apply_filters()
    assert vm.stations == []
    # A new view model (next start of the app) keeps the profile switched on
    again = MapViewModel(
        AppContext(ctx.config, load_settings(tmp_path / "settings.json"), ctx.provider)
    )
    assert again.fits_vehicle and again.vehicle_plugs == ["CHADEMO"]


async def test_zoom_buttons_clamp_and_ask_the_map_to_move(ctx):
    vm = MapViewModel(ctx)
    vm.zoom = 18.5
    assert vm.zoom_by(+1) == MAX_ZOOM
    centre, zoom = vm.take_camera_request()
    assert zoom == MAX_ZOOM and centre == vm.centre
    assert vm.zoom_by(-1) == MAX_ZOOM - 1


async def test_preview_offers_start_only_on_a_free_connector(ctx):
    vm = MapViewModel(ctx)
    await vm.search()
    seen = []
    vm.subscribe(lambda: seen.append(vm.preview))
    s1 = next(s for s in vm.stations if s.id == "S1")
    s2 = next(s for s in vm.stations if s.id == "S2")
    vm.select(s1)
    assert vm.preview is s1 and seen[-1] is s1
    assert vm.startable(s1).status is ConnectorStatus.AVAILABLE
    assert vm.startable(s2) is None  # both occupied
    ctx.provider.capabilities = frozenset(Capability) - {Capability.CHARGING}
    assert vm.startable(s1) is None
    vm.close_preview()
    assert vm.preview is None


async def test_near_me_places_the_you_are_here_dot(ctx):
    vm = MapViewModel(ctx)
    assert vm.my_position is None
    assert await vm.near_me(52.52, 13.405)
    assert vm.my_position == Coordinates(latitude=52.52, longitude=13.405)
    assert not await vm.near_me(None, None)
    assert vm.my_position is not None  # the last known position stays


async def test_evse_id_lookup_finds_the_connector(ctx):
    vm = MapViewModel(ctx)
    station, connector = await vm.find_evse(" de*vol*e0001*2 ")
    assert station.id == "S1" and connector.id == "S1-2"
    assert await vm.find_evse("DE*VOL*E9999*1") is None
    assert "DE*VOL*E9999*1" in vm.error
    assert await vm.find_evse("   ") is None and vm.error == ctx.t("evse.empty")


async def test_station_numbers_connectors_and_tells_access_parking_and_where_to_report(ctx):
    from app.viewmodels.station_vm import StationViewModel

    station = ctx.provider.stations[0]
    station.access = "roaming"
    station.connectors[0].sort_order, station.connectors[1].sort_order = 2, 1
    station.connectors[0].price = Tariff(
        per_kwh=0.39, parking_per_minute=0.1, parking_grace_minutes=240
    )
    vm = StationViewModel(ctx, "S1")
    await vm.load()
    vm.close()
    assert [(n, c.id) for n, c in vm.numbered()] == [(1, "S1-2"), (2, "S1-1")]
    notes = vm.notes()
    assert notes[0] == ctx.t("access.roaming")
    assert "€0.10" in notes[1] and "240" in notes[1]
    report = vm.report_text()
    assert "Volt Op" in report and "DE*VOL*E0001*1" in report and "DE*VOL*E0001*2" in report
    vm.station.phone = "+49 30 1234"
    assert "+49 30 1234" in vm.report_text()
    ctx.provider.stations[0].connectors[0].price = Tariff(per_kwh=0.39)
    await vm.load()
    vm.close()
    assert vm.notes()[1] == ctx.t("station.no_parking_fee")
