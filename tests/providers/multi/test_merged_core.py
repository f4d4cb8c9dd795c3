"""The merged provider over every back end the embedded core serves, all signed in at once
with the demo logins (``core_url``: a real ``python -m services.core`` over real HTTP):
merged search, prices per account from each back end's own tariff, a back end that is down
or slow, cards, history, statistics and documents with their account."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import respx

from services.core.demo.offers import OPERATOR_APP
from services.credentials import KeyringStore
from services.models import (
    AccountStatus,
    Coordinates,
    SearchQuery,
    TypicalSession,
)
from services.multi.accounts import AccountBook
from services.multi.demo import DEMO_LOGINS, core_url_for
from services.multi.ids import evse_key, split
from services.multi.merged import MergedProvider
from services.multi.pricing import typical_cost
from services.provider import BackendUnavailable, Capability
from services.registry import implemented_providers
from tests.services.test_credentials import DictKeyring
from tests.waits import eventually

BERLIN = Coordinates(latitude=52.5200, longitude=13.4050)
NEAR_BERLIN = SearchQuery(centre=BERLIN, radius_km=3, limit=30)


@pytest.fixture(scope="module")
def keyring_backend():
    return DictKeyring()


@pytest.fixture(scope="module")
async def book(core_url, tmp_path_factory, keyring_backend):
    path = tmp_path_factory.mktemp("accounts") / "accounts.json"
    b = AccountBook(KeyringStore(backend=keyring_backend), path)
    accounts = await b.demo_accounts(core_url)
    assert sorted(a.provider for a in accounts) == sorted(implemented_providers())
    yield b
    await b.close()


@pytest.fixture
def merged(book):
    return book.merged()


async def test_demo_accounts_keep_every_secret_in_the_keyring_and_none_in_the_file(
    book, keyring_backend
):
    text = book.path.read_text()
    listed = json.loads(text)["accounts"]
    assert {a["provider"] for a in listed} == set(implemented_providers())
    for secret in ("driver-demo", "fleet-demo", "gpjoule-demo-key", "voltra-demo-secret",
                   "oioi-demo-oem-key", "ampeco-demo-token"):
        assert secret not in text
    kept = {k: v for (service, k), v in keyring_backend.data.items() if service == "voltra"}
    assert set(kept) == {f"account:{a['id']}" for a in listed}
    wirelane = next(a["id"] for a in listed if a["provider"] == "wirelane")
    assert "voltra-demo-secret" in kept[f"account:{wirelane}"]
    assert all(s.state is AccountStatus.READY for s in book.states().values())


async def test_merged_search_has_one_connector_per_evse_id(book, merged):
    own = {acc: (await p.search_stations(NEAR_BERLIN)).items
           for acc, p in book.providers().items()}
    stations = (await merged.search_stations(NEAR_BERLIN)).items
    assert stations
    keys = [evse_key(c.evse_id) for s in stations for c in s.connectors if c.evse_id]
    assert len(keys) == len(set(keys))  # no physical connector twice
    # every account listed the stations nearest to Berlin's centre: each of those
    # connectors carries an offer of every account that listed it
    listed_by: dict[str, set[str]] = {}
    for acc, items in own.items():
        for s in items:
            for c in s.connectors:
                listed_by.setdefault(evse_key(c.evse_id), set()).add(acc)
    for s in stations:
        for c in s.connectors:
            assert {o.account_id for o in c.offers} == listed_by[evse_key(c.evse_id)]
    nearest = stations[0]
    # around Berlin the back ends' coverage overlaps: some connector is sold by three
    assert max(len(c.offers) for s in stations for c in s.connectors) >= 3
    # ids route back: the station opens as every account shows it
    detail = await merged.get_station(nearest.id)
    assert detail.id == nearest.id
    assert [c.id for c in detail.connectors] == [c.id for c in nearest.connectors]


async def _shared_station(merged):
    """The nearest station that at least three accounts sell at different prices."""
    for s in (await merged.search_stations(NEAR_BERLIN)).items:
        totals = {o.account_id: o.typical_cost.total
                  for o in s.connectors[0].offers if o.typical_cost is not None}
        if len(totals) >= 3 and len(set(totals.values())) >= 3:
            return await merged.get_station(s.id)
    raise AssertionError("no station near Berlin sold by three accounts at three prices")


async def test_offers_are_each_accounts_tariff_priced_for_the_typical_session(book, merged):
    station = await _shared_station(merged)
    typical = TypicalSession(energy_kwh=30, minutes=45)
    checked = set()
    for c in station.connectors:
        totals = [o.typical_cost.total for o in c.offers if o.typical_cost is not None]
        assert totals == sorted(totals)  # cheapest first
        for o in c.offers:
            native = merged.links.connectors[c.id][o.account_id]
            own_station = await book.providers()[o.account_id].get_station(
                merged.links.stations[station.id][o.account_id])
            own = next(x for x in own_station.connectors if x.id == native)
            if own.price is None:
                assert o.typical_cost is None
                continue
            assert o.tariff == own.price
            assert o.typical_cost.total == typical_cost(own.price, typical).total
            checked.add(o.account_id)
    assert len(checked) >= 3
    # each back end's own price list (roaming mark-up, subscription, base price)
    first = station.connectors[0]
    assert len({o.typical_cost.total for o in first.offers if o.typical_cost}) >= 3
    # a longer typical session is priced again for every account
    longer = TypicalSession(energy_kwh=60, minutes=90, parking_minutes=30)
    offers = await merged.offers_for(station, longer)
    assert offers and all(
        o.typical_cost is None or o.typical_cost.total == typical_cost(o.tariff, longer).total
        for o in offers
    )


async def test_only_accounts_that_can_start_are_offered_for_a_start(book, merged):
    station = await _shared_station(merged)
    offers = station.connectors[0].offers
    by_account = {o.account_id: o for o in offers}
    for acc, p in book.providers().items():
        if acc in by_account and Capability.CHARGING not in p.capabilities:
            assert not by_account[acc].can_start and by_account[acc].reason
    account_id, card_id = await merged.cheapest_start(station.connectors[0].id)
    capable = [o for o in offers if o.can_start]
    assert account_id == capable[0].account_id
    assert split(card_id)[0] == account_id
    card = next(c for c in await merged.list_cards() if c.id == card_id)
    assert card.account_id == account_id and card.status.value == "ACTIVE"


async def test_a_backend_that_is_down_is_marked_and_the_others_answer(book, core_url):
    merged = book.merged()
    # (GP JOULE searches its catalogue on the device: it would still answer)
    down = next(a for a in book.accounts() if a.provider == "plugsurfing")
    with respx.mock(assert_all_called=False) as mock:
        mock.route(url__startswith=down.base_url + "/api/v4/").mock(
            side_effect=httpx.ConnectError("connection refused"))
        mock.route().pass_through()
        states_seen = []
        stations = []
        async for so_far, states in merged.search_progressive(NEAR_BERLIN):
            stations = so_far
            states_seen.append(states)
    final = states_seen[-1]
    assert states_seen[0][down.id].state is AccountStatus.LOADING
    assert final[down.id].state is AccountStatus.FAILED and final[down.id].detail
    assert all(s.state is AccountStatus.READY for a, s in final.items() if a != down.id)
    assert stations and all(o.account_id != down.id
                            for s in stations for c in s.connectors for o in c.offers)


async def test_a_slow_backend_is_cut_off_at_its_deadline_without_holding_the_others(book):
    merged = book.merged(deadline_s=3.0)
    slow = next(a for a in book.accounts() if a.provider == "beenergised")

    async def stall(request):
        await asyncio.sleep(30)
        return httpx.Response(504)

    with respx.mock(assert_all_called=False) as mock:
        mock.route(url__startswith=slow.base_url + "/graphql").mock(side_effect=stall)
        mock.route().pass_through()
        arrivals = []
        loop = asyncio.get_running_loop()
        began = loop.time()
        async for stations, states in merged.search_progressive(NEAR_BERLIN):
            arrivals.append((loop.time() - began, len(stations), states))
    took, _, final = arrivals[-1]
    assert final[slow.id].state is AccountStatus.FAILED
    assert "in time" in final[slow.id].detail
    assert took < 25  # the deadline, not the stall
    # results arrived before the slow one was given up
    assert any(n > 0 and t < took for t, n, _ in arrivals)


async def test_cards_history_statistics_and_documents_carry_their_account(book, merged):
    cards = await merged.list_cards()
    assert {c.account_id for c in cards} == {
        a for a, p in book.providers().items() if Capability.CARDS in p.capabilities}
    assert all(c.id.startswith(c.account_id + ":") for c in cards)

    first = await merged.history(limit=10)
    second = await merged.history(offset=10, limit=10)
    both = first.items + second.items
    assert len(both) == 20 and len({s.id for s in both}) == 20
    starts = [s.started_at for s in both]
    assert starts == sorted(starts, reverse=True)  # newest first across accounts
    assert len({s.account_id for s in both}) >= 2

    per = await merged.statistics_by_account()
    assert set(per) == {a for a, p in book.providers().items()
                        if Capability.STATISTICS in p.capabilities}
    total = await merged.statistics()
    # the demo driver is one person in several accounts: the total counts each session once
    assert 0 < total.sessions < sum(s.sessions for s in per.values())
    # and loses none; the fleet account also counts its other members' sessions, which the
    # simulated drivers keep finishing between the two reads
    assert total.sessions >= max(s.sessions for s in per.values()) - 3

    docs = await merged.documents(limit=5)
    assert docs.items and all(d.account_id and d.id.startswith(d.account_id + ":")
                              for d in docs.items)


async def test_live_status_arrives_under_the_merged_connector_ids(book):
    # Wirelane alone: it reads every watched connector's status at once, where the others
    # push changes only (which account watches a merged connector follows who answered
    # first, so with several accounts the first change could be minutes away)
    order = [a for a in book.accounts() if a.provider == "wirelane"]
    merged = MergedProvider([(a, book.providers()[a.id]) for a in order])
    stations = (await merged.search_stations(NEAR_BERLIN)).items
    station = next(s for s in stations if order[0].id in merged.links.stations[s.id])
    wanted = [c.id for c in station.connectors]
    stream = merged.watch_status(wanted)
    try:
        change = await asyncio.wait_for(anext(stream), 60)
    finally:
        await stream.aclose()
    assert change.connector_id in wanted


async def test_a_station_opened_without_a_search_shows_every_account_that_sells_it(book):
    gp = next(a for a in book.accounts() if a.provider == "gpjoule")
    own = (await book.providers()[gp.id].search_stations(NEAR_BERLIN)).items[0]
    merged = book.merged()  # nothing searched yet: only the id says where it is from
    station = await merged.get_station(f"{gp.id}:{own.id}")
    assert station.id == f"{gp.id}:{own.id}"
    sellers = {o.account_id for c in station.connectors for o in c.offers}
    looked_up = {a for a, p in book.providers().items()
                 if Capability.EVSE_LOOKUP in p.capabilities}
    assert gp.id in sellers and sellers & looked_up  # found by EVSE ID at the others


async def test_a_search_cut_off_at_the_deadline_goes_on_and_serves_the_next(core_url, tmp_path):
    # GP JOULE loads every charge point before its first answer (pages of 1,000 here):
    # longer than this deadline, so only a load that goes on behind it can ever answer
    fresh = AccountBook(KeyringStore(backend=DictKeyring()), tmp_path / "a.json")
    demo = DEMO_LOGINS["gpjoule"]
    gp = await fresh.add("gpjoule", core_url_for("gpjoule", core_url), demo.credentials,
                         options=demo.options)
    merged = fresh.merged(deadline_s=0.05)
    try:
        with pytest.raises(BackendUnavailable):  # its only account did not answer in time
            await merged.search_stations(NEAR_BERLIN)
        assert merged.states()[gp.id].state is AccountStatus.FAILED

        async def answered():
            try:
                page = await merged.search_stations(NEAR_BERLIN)
            except BackendUnavailable:
                return None
            return page.items if merged.states()[gp.id].state is AccountStatus.READY else None

        assert await eventually(answered, interval=0.5)
    finally:
        await fresh.close()


async def test_favourites_are_kept_in_the_accounts_that_keep_them(book, merged):
    stations = (await merged.search_stations(NEAR_BERLIN)).items
    station = next(s for s in stations if any(
        Capability.FAVOURITES in book.providers()[a].capabilities
        for a in merged.links.stations[s.id]))
    assert await merged.set_favourite(station.id, True) is True
    try:
        assert station.id in {s.id for s in await merged.favourites()}
    finally:
        assert await merged.set_favourite(station.id, False) is False
    assert station.id not in {s.id for s in await merged.favourites()}


async def test_the_operators_app_tariff_is_one_of_five_offers_cheapest_first(book, merged):
    amp = next(a for a in book.accounts() if a.provider == "ampeco")
    stations = (await merged.search_stations(NEAR_BERLIN)).items
    sold = [c for s in stations if amp.id in merged.links.stations[s.id] for c in s.connectors]
    assert sold, "AMPECO sells its operator's stations near Berlin"
    widest = max(sold, key=lambda c: len(c.offers))
    # Voltra Charge's stations in Berlin are sold by every back end of the core
    assert {o.account_id for o in widest.offers} == {a.id for a in book.accounts()}
    ours = next(o for o in widest.offers if o.account_id == amp.id)
    assert (ours.tariff.per_kwh, ours.tariff.per_minute, ours.tariff.start_fee) == (
        OPERATOR_APP.per_kwh, OPERATOR_APP.per_minute, OPERATOR_APP.start_fee)
    # priced offers cheapest first (an account that shows no price for it comes last)
    totals = [o.typical_cost.total for o in widest.offers if o.typical_cost is not None]
    assert totals == sorted(totals) and len(set(totals)) >= 3
    assert ours.typical_cost.total == typical_cost(ours.tariff, merged.typical).total
