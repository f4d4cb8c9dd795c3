"""The driver journey over OIOI against the real embedded core (``core_url``: a
``python -m services.core`` subprocess on 127.0.0.1) and simulated chargers connected to
it over OCPP: sign in with the demo OEM key, search near Berlin, start, watch the energy
grow, stop, find the session in the history."""

from __future__ import annotations

import secrets

import httpx
import pytest

from services.credentials import LoginVault, MemoryStore
from services.models import (
    Coordinates,
    Credentials,
    Registration,
    SearchQuery,
    SessionState,
    StartProgress,
    StationFilters,
)
from services.provider import (
    Capability,
    Forbidden,
    InvalidCredentials,
    InvalidInput,
    NotFound,
    SessionExpired,
)
from services.registry import open_provider
from tests.clients.http import TIMEOUT_S as HTTP_TIMEOUT_S
from tests.providers.beenergised.test_journey import simulated_chargers  # noqa: F401
from tests.waits import eventually

BERLIN = Coordinates(latitude=52.5200, longitude=13.4050)
OEM_KEY = "oioi-demo-oem-key"  # demo data's OEM partner key (README: demo only)
TEST_USER = Credentials(username="test1@plugsurfing.com", password="test", api_key=OEM_KEY)


@pytest.fixture
async def provider(core_url):
    p = await open_provider("plugsurfing", core_url, TEST_USER, poll_interval_s=0.2)
    yield p
    await p.close()


async def test_the_documents_test_user_signs_in_and_has_its_charging_key(provider):
    assert provider.is_logged_in and provider.evco_id
    cards = await provider.list_cards()
    assert "04523022AA4881" in {c.uid for c in cards}
    assert Capability.RENAME_CARD not in provider.capabilities


async def test_the_demo_drivers_history_statistics_and_bills(core_url):
    p = await open_provider(
        "plugsurfing",
        core_url,
        Credentials(username="driver@example.com", password="driver-demo", api_key=OEM_KEY),
    )
    try:
        page = await p.history(limit=5)
        assert len(page.items) == 5 and not page.is_last
        starts = [s.started_at for s in page.items]
        assert starts == sorted(starts, reverse=True)
        # Other tests on the shared core start and stop sessions for this driver too (some
        # stopped before any energy flowed, some at free stations), so the months of demo
        # history are judged on a longer page: every finished session that drew energy
        # carries its bill, and the paid ones are there.
        longer = await p.history(limit=50)
        done = [s for s in longer.items if s.state is SessionState.FINISHED]
        billed = [s for s in done if s.energy_kwh and s.energy_kwh > 0]
        assert billed and all(s.cost is not None and s.cost.total >= 0 for s in billed)
        assert sum(1 for s in billed if s.cost.total > 0) >= len(billed) // 2
        assert all(s.station_id and s.station_name for s in done)

        stats = await p.statistics()
        assert stats.sessions >= len(done) and stats.energy_kwh > 0 and stats.cost > 0
        assert sum(mo.sessions for mo in stats.months) == stats.sessions

        docs = await p.documents(limit=3)
        assert docs.items and docs.total >= len(docs.items)
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as http:
            pdf = await http.get(docs.items[0].download_url)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    finally:
        await p.close()


async def test_history_goes_past_the_recent_sessions_through_the_bills(core_url):
    """The demo driver has months of history, more than user-get-recent-sessions sends
    (the core: the newest 50); paging on reaches the older ones the bills name."""
    driver = Credentials(username="driver@example.com", password="driver-demo")
    p = await open_provider("plugsurfing", core_url, driver.model_copy(update={"api_key": OEM_KEY}))
    b = await open_provider("beenergised", core_url, driver)
    try:
        seen, offset = [], 0
        while True:
            page = await p.history(offset=offset, limit=20)
            seen += page.items
            offset += len(page.items)
            if page.is_last or not page.items:
                break
            assert offset < 2000, "history never ends"
        ids = [s.id for s in seen]
        assert len(ids) == len(set(ids)) > 50
        assert page.total == len(ids)
        recent = [s for s in seen if s.started_at is not None]
        older = seen[len(recent) :]
        assert 0 < len(recent) <= 50
        # a session carries its station's address; the list names the station (one that
        # OIOI still sells: the roaming offer leaves some of the driver's stations out)
        named = 0
        for s in recent:
            try:
                station = await p.get_station(s.station_id)
            except NotFound:
                continue
            assert s.station_name == station.name
            named += 1
        assert named
        assert older and all(
            s.started_at is None and s.state is SessionState.FINISHED for s in older
        )
        # the same driver's sessions as the be.ENERGISED API counts them, older ones included
        everything = await b.history(limit=500)
        assert set(ids) <= {s.id for s in everything.items}
    finally:
        await p.close()
        await b.close()


async def test_wrong_key_and_wrong_password_are_told_apart(core_url):
    with pytest.raises(Forbidden):
        await open_provider(
            "plugsurfing", core_url, TEST_USER.model_copy(update={"api_key": "no-such-key"})
        )
    with pytest.raises(InvalidCredentials):
        await open_provider(
            "plugsurfing", core_url, TEST_USER.model_copy(update={"password": "wrong"})
        )


async def test_search_near_berlin_then_station_detail(provider):
    page = await provider.search_stations(SearchQuery(centre=BERLIN, radius_km=3, limit=15))
    assert page.items, "no stations within 3 km of Berlin centre"
    dists = [s.distance_km for s in page.items]
    assert dists == sorted(dists) and dists[-1] <= 3.0
    first = page.items[0]
    assert first.connectors and first.operator and first.address.city
    detail = await provider.get_station(first.id)
    assert {c.id for c in detail.connectors} == {c.id for c in first.connectors}
    assert all(c.evse_id for c in detail.connectors)
    with pytest.raises(NotFound):
        await provider.get_station("999999999")

    dc = await provider.search_stations(
        SearchQuery(
            centre=BERLIN,
            radius_km=5,
            filters=StationFilters(current_type="DC", min_power_kw=50),
        )
    )
    assert all(
        any(c.current_type == "DC" and (c.max_power_kw or 0) >= 50 for c in s.connectors)
        for s in dc.items
    )


async def test_register_edit_profile_add_block_unblock_card_and_log_out(core_url):
    email = f"oioi-{secrets.token_hex(4)}@example.com"
    p = await open_provider("plugsurfing", core_url, api_key=OEM_KEY)
    try:
        profile = await p.register(
            Registration(email=email, password="a-long-pass-123", first_name="Ada")
        )
        assert p.is_logged_in and profile.email == email and profile.first_name == "Ada"
        edited = await p.update_profile(profile.model_copy(update={"last_name": "Lovelace"}))
        assert edited.last_name == "Lovelace" and edited.first_name == "Ada"

        uid = secrets.token_hex(7).upper()
        card = await p.add_card(uid)
        assert card.uid == uid and card.number
        with pytest.raises(InvalidInput):
            await p.add_card("xyz")
        assert (await p.block_card(card.id)).status.value == "BLOCKED"
        elsewhere = await open_provider(
            "plugsurfing",
            core_url,
            Credentials(username=email, password="a-long-pass-123", api_key=OEM_KEY),
        )
        try:
            seen = {c.uid: c.status.value for c in await elsewhere.list_cards()}
            assert seen[uid] == "BLOCKED"  # the key list's added status field
        finally:
            await elsewhere.close()
        assert (await p.unblock_card(card.id)).status.value == "ACTIVE"

        with pytest.raises(InvalidInput) as taken:
            await p.add_card("04523022AA4881")  # the document's test user has it
        assert taken.value.field == "uid"

        with pytest.raises(InvalidCredentials):
            await p.change_password("not-the-password", "another-long-pass-456")
        await p.change_password("a-long-pass-123", "another-long-pass-456")
        await p.reset_password(email)
        await p.logout()
        assert not p.is_logged_in
        with pytest.raises(InvalidCredentials):
            await p.login(Credentials(username=email, password="a-long-pass-123"))
        again = await p.login(Credentials(username=email, password="another-long-pass-456"))
        assert again.last_name == "Lovelace"
    finally:
        await p.close()


async def _charging_target(provider):
    page = await provider.search_stations(
        SearchQuery(
            centre=BERLIN, radius_km=2, limit=50, filters=StationFilters(available_only=True)
        )
    )
    for s in page.items:
        for c in s.connectors:
            if c.status.value == "AVAILABLE" and c.evse_id:
                return s, c
    pytest.fail("no available connector within 2 km of Berlin centre")


@pytest.mark.usefixtures("simulated_chargers")
async def test_charging_journey_start_energy_grows_stop_in_history(provider):
    card = next(c for c in await provider.list_cards() if c.status.value == "ACTIVE")
    station, connector = await _charging_target(provider)
    steps: list[StartProgress] = []
    session = await provider.start_charging(
        connector.id, card.id, progress=steps.append, timeout_s=60
    )
    try:
        assert session.state is SessionState.CHARGING
        assert steps[0].step == "requested" and steps[-1].step == "charging"
        first = await provider.get_session(session.id)

        async def more_energy() -> bool:
            return (await provider.get_session(session.id)).energy_kwh > first.energy_kwh

        await eventually(more_energy, interval=0.5)
        assert session.id in {s.id for s in await provider.active_sessions()}
        recent = await provider.recent_stations()
        assert recent[0].id == station.id and recent[0].address.city
    finally:
        stopped = await provider.stop_charging(session.id)
    assert stopped.state is SessionState.FINISHED and stopped.energy_kwh > 0
    assert stopped.cost is not None and stopped.cost.total > 0

    hist = await provider.history(limit=10)
    mine = next(s for s in hist.items if s.id == session.id)
    assert mine.energy_kwh == pytest.approx(stopped.energy_kwh, abs=0.01)
    assert mine.station_id == station.id


async def test_a_token_logged_out_elsewhere_is_session_expired(core_url):
    vault = LoginVault(MemoryStore())
    p = await open_provider("plugsurfing", core_url, TEST_USER, vault=vault)
    other = await open_provider("plugsurfing", core_url)
    try:
        saved = vault.load("plugsurfing", core_url)
        assert saved is not None and TEST_USER.password not in saved.refresh_token
        await other.login(Credentials(username=saved.username, refresh_token=saved.refresh_token))
        assert await other.list_cards()
        await p.logout()
        assert vault.load("plugsurfing", core_url) is None
        with pytest.raises(SessionExpired):
            await other.list_cards()
        assert not other.is_logged_in
    finally:
        await p.close()
        await other.close()
