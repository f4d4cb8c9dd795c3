"""The app over several charging service accounts: prices per account, the Charging services
view model, and the whole flow against the real embedded core with the demo accounts."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest

from app.accounts import open_book
from app.context import AppConfig, AppContext, open_provider
from app.settings import Settings
from app.viewmodels import offers
from app.viewmodels.cards_vm import CardsViewModel
from app.viewmodels.charging_vm import ChargingViewModel
from app.viewmodels.history_vm import HistoryViewModel
from app.viewmodels.map_vm import BERLIN, MapViewModel
from app.viewmodels.services_vm import ChargingServicesViewModel
from app.viewmodels.station_vm import StationViewModel
from services.credentials import MemoryStore
from services.models import (
    Account,
    Card,
    ChargingSession,
    Connector,
    ConnectorOffer,
    Coordinates,
    SessionState,
    Station,
    Tariff,
    TypicalSession,
)
from services.multi.accounts import AccountBook
from services.multi.offers import NO_ACTIVE_CARD
from services.provider import InvalidCredentials, InvalidInput
from tests.providers.beenergised.test_journey import simulated_chargers  # noqa: F401
from tests.waits import eventually

CHEAP_KWH = Tariff(per_kwh=0.30)  # 30 kWh: 9.00
TIMED = Tariff(per_kwh=0.20, per_minute=0.10)  # 30 kWh, 45 min: 6.00 + 4.50 = 10.50


def offer(account_id: str, tariff: Tariff, can_start: bool = True) -> ConnectorOffer:
    return ConnectorOffer(
        account_id=account_id,
        can_start=can_start,
        reason=None if can_start else NO_ACTIVE_CARD,
        tariff=tariff,
    )


def connector(*offered: ConnectorOffer, cid: str = "a:1") -> Connector:
    return Connector(id=cid, offers=list(offered))


def station(sid: str, km: float, *offered: ConnectorOffer) -> Station:
    return Station(
        id=sid,
        name=sid,
        coordinates=Coordinates(latitude=52.5, longitude=13.4),
        distance_km=km,
        connectors=[connector(*offered, cid=f"{sid}:1")],
    )


# ---------------------------------------------------------------- prices per account


def test_offers_are_priced_with_the_drivers_typical_session():
    c = connector(offer("timed", TIMED), offer("kwh", CHEAP_KWH))
    long_charge = offers.connector_offers(c, TypicalSession(energy_kwh=30, minutes=45))
    assert [(o.account_id, o.typical_cost.total) for o in long_charge] == [
        ("kwh", 9.0),
        ("timed", 10.5),
    ]
    # a short stop: time costs little, energy is what counts
    short = offers.connector_offers(c, TypicalSession(energy_kwh=30, minutes=5))
    assert [(o.account_id, o.typical_cost.total) for o in short] == [
        ("timed", 6.5),
        ("kwh", 9.0),
    ]


def test_cheapest_for_me_puts_startable_cheap_stations_first():
    typical = TypicalSession()
    near_dear = station("near", 0.5, offer("timed", TIMED))
    far_cheap = station("far", 4.0, offer("kwh", CHEAP_KWH))
    cheap_but_no_card = station("nocard", 0.1, offer("kwh", Tariff(per_kwh=0.01), False))
    order = offers.cheapest_for_me([near_dear, cheap_but_no_card, far_cheap], typical)
    assert [s.id for s in order] == ["far", "near", "nocard"]


def test_cards_of_the_cheapest_capable_account_come_first():
    c = connector(offer("timed", TIMED), offer("kwh", CHEAP_KWH), offer("none", CHEAP_KWH, False))
    cards = [
        Card(id="timed:1", uid="04A1B2C3", account_id="timed"),
        Card(id="none:1", uid="04A1B2C4", account_id="none"),
        Card(id="kwh:1", uid="04A1B2C5", account_id="kwh"),
    ]
    ordered = offers.cards_by_price(cards, c, TypicalSession())
    assert [x.account_id for x in ordered] == ["kwh", "timed", "none"]


def test_why_an_account_cannot_start_is_said_in_the_drivers_language():
    from app.i18n import Translator

    assert offers.reason_text(Translator("de"), NO_ACTIVE_CARD) == (
        "Dieses Konto hat keine aktive Ladekarte."
    )
    # a reason the app has no words for is shown as the back end said it
    assert offers.reason_text(Translator("de"), "Closed today.") == "Closed today."


# ---------------------------------------------------------------- Charging services


class Book:
    """Stands in for services.multi.accounts.AccountBook where no back end is needed."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.fail = fail
        self.kept: list[Account] = []
        self.added: list[tuple] = []

    def accounts(self) -> list[Account]:
        return list(self.kept)

    async def add(self, provider, base_url, credentials, name=None, *, options=None):
        self.added.append((provider, base_url, credentials, name, options))
        if self.fail:
            raise self.fail
        account = Account(id=f"{provider}-1", provider=provider, base_url=base_url, name=name)
        self.kept.append(account)
        return account

    async def remove(self, account_id: str) -> None:
        self.kept = [a for a in self.kept if a.id != account_id]

    async def resume(self):
        return {}

    def merged(self, **kw):
        from services.provider import BackendUnavailable

        raise BackendUnavailable("none open")


def services_vm(book: Book) -> ChargingServicesViewModel:
    config = AppConfig(persist_settings=False, demo=True, base_url="http://127.0.0.1:9")
    ctx = AppContext(config, Settings(), None)
    ctx.accounts = book
    return ChargingServicesViewModel(ctx)


async def test_a_form_that_does_not_fit_names_each_field_and_signs_in_to_nothing():
    book = Book()
    vm = services_vm(book)
    vm.open("wirelane")
    assert vm.url_draft == "http://127.0.0.1:9/wirelane"  # the embedded core's Wirelane API
    assert vm.name_draft == "Wirelane"
    ok = await vm.sign_in("wirelane", {"email": "not-an-email"}, "ftp://x", "  ")
    assert not ok and book.added == []
    assert set(vm.field_errors) == {"name", "url", "email", "password", "client_id",
                                    "client_secret"}
    assert vm.field_errors["name"] == "Give the account a name."


async def test_a_refused_sign_in_is_shown_and_keeps_nothing():
    book = Book(fail=InvalidCredentials())
    vm = services_vm(book)
    ok = await vm.sign_in(
        "beenergised",
        {"email": "driver@example.com", "password": "wrong"},
        "http://127.0.0.1:9",
        "Mine",
    )
    assert not ok and vm.error == vm.ctx.t("error.INVALID_CREDENTIALS")
    assert book.kept == [] and book.added[0][3] == "Mine"


def test_the_typical_session_is_checked_field_by_field():
    vm = services_vm(Book())
    errors = vm.set_typical("0", "abc")
    assert set(errors) == {"typical_kwh", "typical_minutes"}
    assert vm.ctx.settings.typical_kwh == 30.0
    assert vm.set_typical("22,5", "30") == {}
    assert (vm.ctx.settings.typical_kwh, vm.ctx.settings.typical_minutes) == (22.5, 30)


def test_a_kiosk_and_a_single_provider_keep_no_account_book():
    assert open_book(AppConfig(kiosk=True, multi_accounts=True)) is None
    assert open_book(AppConfig(multi_accounts=False)) is None
    web = open_book(AppConfig(multi_accounts=True, persist_settings=False))
    assert isinstance(web.store, MemoryStore)  # a web session keeps nothing on the machine


# ---------------------------------------------------------------- against the real core


@pytest.fixture
async def demo_ctx(core_url, tmp_path):
    config = AppConfig(
        persist_settings=False,
        demo=True,
        base_url=core_url,
        online_geocoding=False,
        multi_accounts=True,
        live_interval_s=0.05,
    )
    single = await open_provider("beenergised", core_url)
    ctx = AppContext(config, Settings(), single)
    ctx.accounts = AccountBook(MemoryStore(), tmp_path / "accounts.json")
    ctx.single_provider = single
    yield ctx
    await ctx.accounts.close()
    await single.close()


async def test_demo_accounts_run_the_app_over_every_back_end(demo_ctx):
    ctx = demo_ctx
    events: list[str] = []
    ctx.subscribe(events.append)
    vm = ChargingServicesViewModel(ctx)
    assert await vm.use_demo(), vm.error
    from services.registry import implemented_providers

    rows = vm.rows()
    assert {r.provider for r in rows if r.accounts} == set(implemented_providers())
    assert ctx.merged and ctx.logged_in and "login" in events

    # the map: every account answers, and merged stations carry each account's offers
    map_vm = MapViewModel(ctx)
    await map_vm.search()
    assert map_vm.error is None and map_vm.stations
    states = {a: kind for a, _, kind, _ in map_vm.account_progress()}
    assert set(states) == set(ctx.account_ids())
    assert all(kind == "ready" for kind in states.values()), map_vm.account_progress()
    shared = [
        s for s in map_vm.stations
        if any(len({o.account_id for o in c.offers}) > 1 for c in s.connectors)
    ]
    assert shared, "no station is offered by more than one account"
    map_vm.set_sort("cheapest")
    typical = offers.typical_session(ctx.settings)
    firsts = [offers.best_offer(s, typical) for s in map_vm.stations]
    costs = [o.typical_cost.total for o in firsts if o is not None and o.typical_cost]
    assert costs == sorted(costs)

    # the station: per connector, each account's price, cheapest first
    target = shared[0]
    station_vm = StationViewModel(ctx, target.id, target)
    await station_vm.load()
    station_vm.close()
    assert station_vm.error is None
    lines_by_connector = [station_vm.offer_lines(c) for c in station_vm.station.connectors]
    lines = max(lines_by_connector, key=len)
    assert len(lines) > 1
    known = [ln.cost.total for ln in lines if ln.cost is not None]
    assert known == sorted(known)
    names = {a.id: a.name for a in ctx.accounts.accounts()}
    assert all(ln.name == names[ln.account_id] for ln in lines)


@pytest.mark.usefixtures("simulated_chargers")
async def test_a_start_offers_the_cheapest_capable_account_and_lands_in_history(demo_ctx):
    ctx = demo_ctx
    assert await ChargingServicesViewModel(ctx).use_demo()
    map_vm = MapViewModel(ctx)
    charging = ChargingViewModel(ctx)
    typical = offers.typical_session(ctx.settings)

    async def startable():
        # the simulated chargers connect over the first seconds: search until one has
        await map_vm.search(BERLIN, 2.0)
        for s in map_vm.stations:
            for c in s.connectors if s.remote_start else []:
                capable = [o for o in offers.connector_offers(c, typical) if o.can_start]
                if c.status.value == "AVAILABLE" and capable:
                    return s, c, capable
        return None

    s, c, capable = await eventually(startable)
    await charging.prepare(s, c)
    assert charging.error is None and charging.card_id
    card = next(x for x in charging.cards if x.id == charging.card_id)
    assert card.account_id == capable[0].account_id  # the cheapest capable account first
    assert charging.tariff == capable[0].tariff

    await charging.start()
    try:
        assert charging.error is None, charging.error
        assert charging.session is not None
        assert charging.session.account_id == card.account_id
    finally:
        if charging.session is not None and charging.session.state.is_active:
            await charging.stop()
        charging.stop_polling()

    history = HistoryViewModel(ctx)
    await history.load()
    assert history.error is None
    mine = [x for x in history.sessions if x.id == charging.session.id]
    assert mine and mine[0].account_id == card.account_id
    assert history.per_account
    assert history.per_account[card.account_id].sessions >= 1
    history.filter_by(card.account_id)
    assert {x.account_id for x in history.shown()} == {card.account_id}


async def test_the_history_total_counts_a_session_two_accounts_share_once(demo_ctx):
    # the demo driver signs in to several back ends of one core: each account reports the
    # same sessions, so their sum counts every session several times
    ctx = demo_ctx
    assert await ChargingServicesViewModel(ctx).use_demo()
    history = HistoryViewModel(ctx)
    await history.load()
    assert history.error is None
    per = history.per_account
    shared = [a for a, st in per.items() if st.sessions and any(
        b != a and other.sessions == st.sessions and other.energy_kwh == st.energy_kwh
        for b, other in per.items())]
    assert len(shared) >= 2, {a: st.sessions for a, st in per.items()}

    seen = await history.all_sessions()
    ended = [s for s in seen if not s.state.is_active and s.started_at is not None]
    distinct = {s.id for s in ended}
    total = history.statistics
    assert total.sessions == len(distinct)
    assert total.sessions < sum(st.sessions for st in per.values())
    assert total.energy_kwh == pytest.approx(
        sum(s.energy_kwh for s in ended), abs=0.01)
    # per account figures stay each account's own; the filter shows one account's
    history.filter_by(shared[0])
    assert history.shown_statistics == per[shared[0]]


async def test_a_card_is_added_to_the_account_the_driver_picks(demo_ctx):
    ctx = demo_ctx
    assert await ChargingServicesViewModel(ctx).use_demo()
    vm = CardsViewModel(ctx)
    await vm.load()
    assert vm.error is None
    by_provider = {a.provider: a.id for a in ctx.accounts.accounts()}
    targets = {c.account_id: c for c in vm.add_accounts()}
    # only back ends whose API adds cards; each says what it takes
    assert set(targets) == {by_provider[p] for p in ("beenergised", "ampeco", "plugsurfing")}
    assert targets[by_provider["ampeco"]].takes_uid
    assert targets[by_provider["plugsurfing"]].takes_uid
    assert not targets[by_provider["beenergised"]].takes_uid  # it issues a virtual card
    assert all(t.name == ctx.account_name(a) for a, t in targets.items())

    ampeco = by_provider["ampeco"]
    vm.choose_account(ampeco)
    assert vm.asks_for_uid
    assert not await vm.add("zz", "Spare") and vm.error == ctx.t("cards.uid_not_hex")
    uid = secrets.token_hex(4).upper()
    assert await vm.add(uid, "Spare"), vm.error
    added = vm.cards[-1]
    assert (added.uid, added.account_id) == (uid, ampeco)
    assert added.id.startswith(ampeco + ":")

    issuer = by_provider["beenergised"]
    vm.choose_account(issuer)
    assert not vm.asks_for_uid
    assert await vm.add(None, "Virtual"), vm.error
    issued = vm.cards[-1]
    assert issued.account_id == issuer and issued.uid

    # read back from the back ends: each card under the account it was added to
    await vm.load()
    listed = {(c.uid, c.account_id) for c in vm.cards}
    assert (uid, ampeco) in listed and (issued.uid, issuer) in listed
    assert ctx.account_name(ampeco) in (ctx.account_name(c.account_id) for c in vm.cards)


async def test_an_account_that_cannot_add_cards_is_refused_by_name(demo_ctx):
    ctx = demo_ctx
    assert await ChargingServicesViewModel(ctx).use_demo()
    gpjoule = next(a.id for a in ctx.accounts.accounts() if a.provider == "gpjoule")
    with pytest.raises(InvalidInput) as refused:
        await ctx.provider.add_card("04A1B2C3", None, account_id=gpjoule)
    assert refused.value.field == "account_id"
    with pytest.raises(InvalidInput) as unnamed:
        await ctx.provider.add_card("04A1B2C3", None)
    assert unnamed.value.field == "account_id"


def test_the_history_filter_keeps_one_accounts_sessions():
    ctx = AppContext(AppConfig(persist_settings=False), Settings(), None)
    ctx.accounts = Book()
    ctx.accounts.kept = [
        Account(id="a-1", provider="a", base_url="http://a", name="A"),
        Account(id="b-1", provider="b", base_url="http://b", name="B"),
    ]
    ctx.provider = type("Merged", (), {"states": lambda self: {}})()
    vm = HistoryViewModel(ctx)
    now = datetime.now(UTC)
    vm.sessions = [
        ChargingSession(id=f"{a}:{i}", state=SessionState.FINISHED, started_at=now, account_id=a)
        for i, a in enumerate(["a-1", "b-1", "a-1"])
    ]
    assert vm.filter_choices() == [("a-1", "A"), ("b-1", "B")]
    vm.filter_by("b-1")
    assert [s.id for s in vm.shown()] == ["b-1:1"]
    vm.filter_by(None)
    assert len(vm.shown()) == 3
