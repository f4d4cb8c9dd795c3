"""View-model logic against a small in-memory provider (no UI, no network)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import flet as ft
import pytest
from fake_provider import FakeProvider

from app.components.login_form import LoginForm
from app.context import AppConfig, AppContext
from app.i18n import Translator, catalogue
from app.settings import Settings
from app.viewmodels.account_vm import AccountViewModel
from app.viewmodels.cards_vm import CardsViewModel, normalise_uid, uid_problem
from app.viewmodels.charging_vm import ChargingViewModel, Phase
from app.viewmodels.clusters import cluster, radius_for_view
from app.viewmodels.history_vm import HistoryViewModel, group_by_month, to_csv
from app.viewmodels.kiosk import IdleTimer, WedgeReader
from app.viewmodels.map_vm import MapViewModel
from app.viewmodels.opening import STATION_TZ, is_open
from app.viewmodels.station_vm import StationViewModel
from services import sites
from services.models import (
    ConnectorStatus,
    Coordinates,
    OpeningHours,
    OpeningPeriod,
    PlugType,
    SessionState,
)
from services.provider import Capability, ConnectorUnavailable, NoVehicle


@pytest.fixture
def ctx() -> AppContext:
    config = AppConfig(persist_settings=False, live_interval_s=0.01, online_geocoding=False)
    return AppContext(config, Settings(), FakeProvider())


async def login(ctx: AppContext) -> None:
    assert await AccountViewModel(ctx).login("driver@example.com", "driver-demo")


# ---------------------------------------------------------------- i18n


def test_catalogues_have_the_same_keys_and_placeholders():
    import string

    en, de = catalogue("en"), catalogue("de")
    assert set(en) == set(de)
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for key in en:
        assert fields(en[key]) == fields(de[key]), key
    assert [en[f"nav.{k}"] for k in ("map", "charging", "cards", "history", "account")] == [
        "Map",
        "Charging",
        "Cards",
        "History",
        "Account",
    ]
    assert (en["account.email"], en["account.password"], en["account.login"]) == (
        "Email",
        "Password",
        "Log in",
    )
    assert Translator("de")("nav.map") == "Karte"


# ---------------------------------------------------------------- map


async def test_search_sorts_by_distance_and_drops_far_stations(ctx):
    vm = MapViewModel(ctx)
    await vm.search(Coordinates(latitude=52.52, longitude=13.405), 20)
    names = [s.name for s in vm.list_items()]
    assert names == ["Station 1", "Station 2", "Station 3"]
    assert vm.list_items()[0].distance_km < vm.list_items()[1].distance_km
    assert vm.error is None and vm.searched_once
    vm.stop_watch()


async def test_results_heading_says_when_the_area_holds_more(ctx, monkeypatch):
    vm = MapViewModel(ctx)
    await vm.search(Coordinates(latitude=52.52, longitude=13.405), 20)
    assert vm.results_label() == "3 stations nearby" and not vm.more
    search = ctx.provider.search_stations

    async def first_page_only(query):
        page = await search(query)
        page.is_last = False
        return page

    monkeypatch.setattr(ctx.provider, "search_stations", first_page_only)
    await vm.search(Coordinates(latitude=52.52, longitude=13.405), 20)
    assert vm.more and vm.results_label() == "Nearest 3 stations: zoom in for all"
    vm.stop_watch()


async def test_filters_reach_the_provider_and_available_only_filters(ctx):
    vm = MapViewModel(ctx)
    vm.toggle_plug(PlugType.CCS)
    vm.set_flag("available_only", True)
    assert vm.active_filter_count == 2
    await vm.search(Coordinates(latitude=52.52, longitude=13.405), 20)
    assert [s.name for s in vm.stations] == ["Station 1"]
    vm.clear_filters()
    assert vm.active_filter_count == 0
    vm.stop_watch()


async def test_place_search_moves_the_map_there_once(ctx):
    vm = MapViewModel(ctx)
    assert await vm.search_place("Hamburg")
    centre, zoom = vm.camera_request
    assert (round(centre.latitude), round(centre.longitude), zoom) == (54, 10, 13.0)
    assert vm.searched_centre == centre
    assert vm.take_camera_request() == (centre, zoom)
    assert vm.take_camera_request() is None  # one flight per request
    assert await vm.near_me(52.52, 13.405)
    assert vm.camera_request[1] == 14.0
    vm.stop_watch()


async def test_favourites_filter_needs_login(ctx):
    vm = MapViewModel(ctx)
    vm.set_flag("favourites_only", True)
    assert not vm.filters.favourites_only and vm.error


async def test_live_status_recolours_station(ctx):
    vm = MapViewModel(ctx)
    batches = []
    vm.subscribe_status(batches.append)
    await vm.search(Coordinates(latitude=52.52, longitude=13.405), 20)
    assert vm.stations[1].status.status is ConnectorStatus.OCCUPIED
    await asyncio.sleep(0.01)
    await ctx.provider.push_status("S2-1", ConnectorStatus.AVAILABLE)
    for _ in range(50):
        if vm.stations[1].status.status is ConnectorStatus.AVAILABLE:
            break
        await asyncio.sleep(0.01)
    assert vm.stations[1].status.status is ConnectorStatus.AVAILABLE
    assert vm.stations[1].status.available == 1
    assert vm.status_updates == 1
    for _ in range(100):  # the screen hears about it once, coalesced
        if batches:
            break
        await asyncio.sleep(0.01)
    assert batches == [{"S2"}]
    vm.stop_watch()


def test_clusters_merge_when_zoomed_out_and_split_when_zoomed_in():
    p = FakeProvider()
    berlin = p.stations[:3]
    assert len(cluster(berlin, 8)) == 1
    one = cluster(berlin, 8)[0]
    assert one.count == 3 and one.status is ConnectorStatus.AVAILABLE
    assert len(cluster(berlin, 16)) == 3
    assert 1 < radius_for_view(52.5, 13, 1000, 700) < 10


async def test_camera_far_away_offers_search_this_area(ctx):
    vm = MapViewModel(ctx)
    await vm.search(Coordinates(latitude=52.52, longitude=13.405), 5)
    vm.camera_moved(52.52, 13.41, 13)
    assert not vm.moved
    vm.camera_moved(48.14, 11.57, 13)
    assert vm.moved
    await vm.search_this_area()
    assert [s.name for s in vm.stations] == ["Station 4"] and not vm.moved
    vm.stop_watch()


async def test_near_me_centres_or_explains(ctx):
    vm = MapViewModel(ctx)
    assert not await vm.near_me(None, None) and "location" in vm.error
    assert await vm.near_me(48.137, 11.575)
    assert [s.name for s in vm.stations] == ["Station 4"] and vm.zoom == 14.0
    vm.stop_watch()


async def test_place_search_moves_the_map(ctx):
    vm = MapViewModel(ctx)
    assert await vm.search_place("München")
    assert abs(vm.centre.latitude - 48.14) < 0.1
    assert not await vm.search_place("Xqzzyville")
    assert "Xqzzyville" in vm.error
    vm.stop_watch()


# ---------------------------------------------------------------- station


def test_opening_hours_open_now():
    hours = OpeningHours(
        regular=[
            OpeningPeriod(weekday=0, start="08:00", end="20:00"),
            OpeningPeriod(weekday=4, start="22:00", end="02:00"),
        ]
    )
    monday_noon = datetime(2026, 11, 16, 12, 0, tzinfo=STATION_TZ)
    monday_night = datetime(2026, 11, 16, 21, 0, tzinfo=STATION_TZ)
    saturday_1am = datetime(2026, 11, 21, 1, 0, tzinfo=STATION_TZ)
    assert is_open(hours, monday_noon) is True
    assert is_open(hours, monday_night) is False
    assert is_open(hours, saturday_1am) is True
    assert is_open(OpeningHours(always_open=True)) is True
    assert is_open(None) is None
    closed_day = OpeningHours(regular=hours.regular, exceptions={"2026-11-16": []})
    assert is_open(closed_day, monday_noon) is False


async def test_a_site_entry_opens_with_every_charge_point(ctx):
    """A list entry standing for a site's charge points opens with all their connectors,
    not only the first charge point's."""
    first, second = [await ctx.provider.get_station(i) for i in ("S1", "S2")]
    entry = sites.merge([first, second])
    vm = StationViewModel(ctx, entry.id, entry)
    await vm.load()
    assert vm.station.station_ids == ["S1", "S2"]
    assert [c.id for c in vm.station.connectors] == [
        c.id for c in (*first.connectors, *second.connectors)
    ]
    assert vm.station.status.total == len(first.connectors) + len(second.connectors)
    vm.close()


async def test_station_detail_start_only_on_available_connector(ctx):
    vm = StationViewModel(ctx, "S1")
    await vm.load()
    assert vm.station.name == "Station 1" and len(vm.occupancy) == 168
    free, busy = vm.station.connectors
    assert vm.can_start(free) and not vm.can_start(busy)
    assert "openstreetmap.org/directions" in vm.navigate_url()
    assert "Station 1" in vm.share_text()
    await vm.toggle_favourite()
    assert vm.error and not vm.station.favourite  # needs login
    await login(ctx)
    await vm.toggle_favourite()
    assert vm.station.favourite and vm.error is None
    vm.close()


async def test_a_free_connector_without_remote_start_says_why(ctx, monkeypatch):
    import app.viewmodels.station_vm as station_vm

    monkeypatch.setattr(station_vm, "CHARGER_RECHECK_S", 0.01)
    ctx.provider.stations[0].remote_start = False  # not connected to the core yet
    vm = StationViewModel(ctx, "S1")
    await vm.load()
    free = vm.station.connectors[0]
    assert not vm.can_start(free)
    assert vm.start_hint(free) == "Connecting to the charger…"
    ctx.provider.stations[0].remote_start = True  # the simulated charger connected
    for _ in range(200):
        if vm.can_start(free):
            break
        await asyncio.sleep(0.01)
    assert vm.can_start(free) and vm.start_hint(free) is None
    vm.close()

    # Long after start (or on a real back end) it is a charger without remote start
    ctx.config.started_at -= 3600
    ctx.provider.stations[0].remote_start = False
    vm = StationViewModel(ctx, "S1")
    await vm.load()
    assert vm.start_hint(vm.station.connectors[0]) == "Start with your card at the charger"
    assert vm.start_hint(vm.station.connectors[1]) is None  # occupied: its status says so
    vm.close()


# ---------------------------------------------------------------- charging


async def test_charging_journey_with_default_last_used_card(ctx):
    ctx.settings.last_card_id = "c2"
    vm = ChargingViewModel(ctx)
    station = await ctx.provider.get_station("S1")
    await vm.prepare(station, station.connectors[0])
    assert vm.phase == Phase.LOGIN
    await login(ctx)
    await vm.after_login()
    assert vm.phase == Phase.CHOOSE
    assert vm.card_id == "c2"  # the last used valid card
    assert [c.id for c in vm.usable_cards()] == ["c1", "c2"]  # blocked card not offered
    await vm.start()
    assert vm.phase == Phase.LIVE and vm.progress == ["requested", "sent", "accepted", "charging"]
    assert ctx.provider.calls[-1] == "start S1-1 c2"
    first = vm.session.energy_kwh
    for _ in range(100):
        await asyncio.sleep(0.01)
        if vm.session.energy_kwh > first:
            break
    assert vm.session.energy_kwh > first
    assert vm.cost_so_far is not None and vm.cost_so_far >= 0.5
    assert len(vm.points) >= 2
    assert vm.cost_label_key == "charging.cost"  # "Cost so far"
    await vm.stop()
    assert vm.phase == Phase.FINISHED and vm.session.state is SessionState.FINISHED
    assert vm.cost_label_key == "charging.cost_total"
    vm.session.cost = None  # not billed yet: the tariff's estimate, said as such
    assert ctx.t(vm.cost_label_key) == "Estimated cost"
    assert ctx.settings.last_card_id == "c2"


async def test_blocked_last_card_is_not_the_default(ctx):
    ctx.settings.last_card_id = "c3"
    await login(ctx)
    vm = ChargingViewModel(ctx)
    station = await ctx.provider.get_station("S1")
    await vm.prepare(station, station.connectors[0])
    assert vm.card_id == "c1"


@pytest.mark.parametrize(
    ("exc", "needle"),
    [
        (ConnectorUnavailable(reason="occupied"), "in use"),
        (NoVehicle(), "Plug in the cable"),
        (ConnectorUnavailable(reason="offline"), "offline"),
    ],
)
async def test_start_failures_are_actionable(ctx, exc, needle):
    await login(ctx)
    ctx.provider.fail_start = exc
    vm = ChargingViewModel(ctx)
    station = await ctx.provider.get_station("S1")
    await vm.prepare(station, station.connectors[0])
    await vm.start()
    assert vm.phase == Phase.CHOOSE and needle in vm.error


async def test_active_session_is_found_again_after_restart(ctx):
    await login(ctx)
    station = await ctx.provider.get_station("S1")
    await ctx.provider.start_charging(station.connectors[0].id, "c1")
    fresh = ChargingViewModel(ctx)  # a new app instance knows nothing
    await fresh.resume()
    assert fresh.phase == Phase.LIVE and fresh.session.id == "x1"
    fresh.stop_polling()


async def test_kiosk_card_uid_selects_card(ctx):
    await login(ctx)
    vm = ChargingViewModel(ctx)
    station = await ctx.provider.get_station("S1")
    await vm.prepare(station, station.connectors[0])
    assert vm.choose_card_by_uid("04a1b2c3d4e5f6") and vm.card_id == "c2"
    assert not vm.choose_card_by_uid("DEADBEEF") and "blocked" in vm.error
    assert not vm.choose_card_by_uid("12345") and "valid" in vm.error
    assert not vm.choose_card_by_uid("ABCDEF12") and "not one of your cards" in vm.error


# ---------------------------------------------------------------- cards


def test_uid_rules():
    assert normalise_uid(" 04:a1:b2:c3 ") == "04A1B2C3"
    assert uid_problem("04A1B2C3") is None
    assert uid_problem("04A1B2C3D4E5F6") is None
    assert uid_problem("0" * 20) is None
    assert uid_problem("04A1B2C") == "cards.uid_length"
    assert uid_problem("04A1B2CG") == "cards.uid_not_hex"
    assert uid_problem("") == "cards.uid_required"


async def test_cards_add_rename_block_unblock(ctx):
    await login(ctx)
    vm = CardsViewModel(ctx)
    await vm.load()
    assert len(vm.cards) == 3
    assert vm.asks_for_uid
    assert not await vm.add("12 34", "Bad") and "8, 14 or 20" in vm.error
    assert await vm.add("0a0b0c0d", "Work")
    added = vm.cards[-1]
    assert added.uid == "0A0B0C0D" and added.label == "Work"
    assert await vm.rename(added.id, "Office")
    assert vm.get(added.id).label == "Office" and "Office" in vm.message
    assert not await vm.rename(added.id, "  ")
    assert await vm.block(added.id)
    assert vm.is_blocked(vm.get(added.id))
    assert await vm.unblock(added.id)
    assert not vm.is_blocked(vm.get(added.id))


async def test_a_back_end_that_issues_cards_is_not_asked_for_a_uid(ctx):
    ctx.provider.capabilities = frozenset(Capability) - {Capability.CHOOSE_CARD_UID}
    await login(ctx)
    vm = CardsViewModel(ctx)
    await vm.load()
    assert not vm.asks_for_uid
    assert await vm.add(None, "  Weekend ")
    added = vm.cards[-1]
    assert added.label == "Weekend"
    assert ctx.provider.cards[-1].uid == "V0000004"  # the back end's, not one we made up
    assert vm.message == (
        "Weekend added: a virtual charge card, number V0000004. "
        "Use it to start charging from the app."
    )


# ---------------------------------------------------------------- history


async def test_month_totals_count_the_whole_month_not_the_loaded_page(ctx, monkeypatch):
    import app.viewmodels.history_vm as history_vm

    monkeypatch.setattr(history_vm, "PAGE", 2)
    await login(ctx)
    for _ in range(5):
        s = await ctx.provider.start_charging("S1-1", "c1")
        await ctx.provider.get_session(s.id)
        await ctx.provider.stop_charging(s.id)
    vm = HistoryViewModel(ctx)
    await vm.load()
    assert len(vm.sessions) == 2 and not vm.is_last
    month = next(iter(vm.groups()))
    kwh, cost, currency = vm.month_totals(month)
    assert kwh == pytest.approx(sum(s.energy_kwh for s in ctx.provider.sessions))
    assert cost == pytest.approx(sum(s.cost.total for s in ctx.provider.sessions))
    assert currency == "EUR"
    vm.statistics = None  # a back end without statistics: the sessions loaded
    assert vm.month_totals(month)[0] == pytest.approx(sum(s.energy_kwh for s in vm.sessions))


async def test_history_groups_stats_and_csv(ctx):
    await login(ctx)
    for conn in ("S1-1",):
        s = await ctx.provider.start_charging(conn, "c1")
        await ctx.provider.get_session(s.id)
        await ctx.provider.stop_charging(s.id)
    vm = HistoryViewModel(ctx)
    await vm.load()
    groups = vm.groups()
    assert list(groups) == [datetime.now(UTC).astimezone().strftime("%Y-%m")]
    assert vm.statistics.sessions == 1
    csv_text = (await vm.export_csv()).decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("id,started_at") and lines[1].startswith("x1,")
    assert "0.250" in lines[1]
    assert to_csv([]).count("\n") == 1
    assert group_by_month([]) == {}
    html = (await vm.export_map()).decode()
    assert "<html" in html.lower() and "Station 1" in html and "leaflet" in html.lower()


# ---------------------------------------------------------------- account


async def test_login_validation_and_errors(ctx):
    vm = AccountViewModel(ctx)
    assert not await vm.login("not-an-email", "")
    assert set(vm.field_errors) == {"email", "password"}
    assert not await vm.login("driver@example.com", "wrong")
    assert vm.error == "Email or password is not correct."
    # The form redrawn after the failure keeps the email the driver typed
    form = LoginForm(vm, lambda coro: coro.close()).build()
    fields = {c.label: c.value for c in form.content.controls if isinstance(c, ft.TextField)}
    assert fields["Email"] == "driver@example.com"
    assert await vm.login("driver@example.com", "driver-demo")
    assert ctx.logged_in and "Dana" in vm.message
    assert [d.title for d in vm.documents] == ["Invoice 1"]  # loaded with the login
    await vm.logout()
    assert not ctx.logged_in and vm.documents == []


async def test_register_requires_terms_and_password_length(ctx):
    vm = AccountViewModel(ctx)
    assert not await vm.register("new@example.com", "short", "", "", False)
    assert set(vm.field_errors) == {"password", "terms"}


async def test_settings_language_switch_and_backend_url_check(ctx):
    events = []
    ctx.subscribe(events.append)
    ctx.set_language("de")
    assert ctx.t("nav.history") == "Verlauf" and events == ["language"]
    vm = AccountViewModel(ctx)
    assert not await vm.apply_backend("beenergised", "ftp://x")
    assert "http" in vm.error


# ---------------------------------------------------------------- kiosk


async def test_idle_timer_fires_once_after_timeout():
    now = [0.0]
    fired = []
    timer = IdleTimer(90, lambda: fired.append(1), clock=lambda: now[0])
    now[0] = 89
    assert not await timer.check()
    timer.touch()
    now[0] = 89 + 89
    assert not await timer.check()
    now[0] = 89 + 90
    assert await timer.check() and fired == [1]
    assert not await timer.check() and fired == [1]


def test_wedge_reader_accepts_fast_bursts_only():
    now = [0.0]
    reader = WedgeReader(clock=lambda: now[0])
    uid = None
    for ch in "04a1b2c3":
        now[0] += 0.01
        assert reader.feed(ch) is None
    now[0] += 0.01
    uid = reader.feed("Enter")
    assert uid == "04A1B2C3"
    for ch in "04A1B2C3":  # a person typing slowly
        now[0] += 0.5
        reader.feed(ch)
    now[0] += 0.5
    assert reader.feed("Enter") is None


# ---------------------------------------------------------------- saved login


async def test_saved_login_is_used_on_desktop_and_never_on_a_kiosk(monkeypatch):
    from app.ui import open_with_saved_login
    from services import credentials
    from services.credentials import MemoryStore, SavedLogin

    store = MemoryStore()
    credentials.LoginVault(store).save(
        SavedLogin(
            provider="fake", base_url="http://x", username="d@example.com", refresh_token="r1"
        )
    )
    monkeypatch.setattr(credentials, "open_store", lambda kiosk=False: store)
    calls = []

    async def opener(name, url, **options):
        calls.append(options)
        return FakeProvider()

    desktop = AppConfig(provider_name="fake", base_url="http://x", remember_login=True)
    await open_with_saved_login(desktop, opener, "fake", "http://x")
    assert calls[-1]["credentials"].refresh_token == "r1"
    assert "vault" in calls[-1]

    kiosk = AppConfig(kiosk=True, provider_name="fake", base_url="http://x", remember_login=True)
    await open_with_saved_login(kiosk, opener, "fake", "http://x")
    assert calls[-1] == {}


def test_sessions_known_without_times_group_last_never_under_this_month():
    from app.viewmodels.history_vm import UNDATED
    from services.models import ChargingSession, SessionState

    dated = ChargingSession(
        id="a", state=SessionState.FINISHED, started_at=datetime(2026, 10, 3, 12, tzinfo=UTC)
    )
    billed = ChargingSession(id="b", state=SessionState.FINISHED)
    groups = group_by_month([billed, dated])
    assert list(groups) == ["2026-10", UNDATED]
    assert [s.id for s in groups[UNDATED]] == ["b"]
    # a session still starting, not yet timed, belongs to now, not to the billed ones
    starting = ChargingSession(id="c", state=SessionState.ACCEPTED)
    assert list(group_by_month([starting])) == [datetime.now(UTC).astimezone().strftime("%Y-%m")]


async def test_a_favourite_set_while_the_detail_loads_is_kept(ctx):
    """The list entry is on show while the detail loads; a star set meanwhile is not undone
    by the detail read before it (the free-connector alert is offered on favourites)."""
    from app.viewmodels.free_alert import FreeAlerts

    await login(ctx)
    entry = await ctx.provider.get_station("S1")
    gate = asyncio.Event()
    read = ctx.provider.get_station

    async def slow_read(station_id):
        station = await read(station_id)  # read now, answered after the star is set
        await gate.wait()
        return station

    ctx.provider.get_station = slow_read
    vm = StationViewModel(ctx, "S1", entry)
    loading = asyncio.create_task(vm.load())
    await asyncio.sleep(0.05)
    await vm.toggle_favourite()
    assert vm.station.favourite
    gate.set()
    await loading
    assert vm.station.favourite
    assert FreeAlerts(ctx, lambda s: None).offered_for(vm.station)  # S1 has a free connector
    vm.close()
