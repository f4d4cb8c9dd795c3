"""The driver journey through the AMPECO provider against the real embedded core
(``core_url``: a ``python -m services.core`` subprocess on 127.0.0.1) over real HTTP, with
simulated chargers connected to it over OCPP: sign in with the demo operator token and the
driver's e-mail (a new e-mail becomes a new user), search near Berlin from the catalogue,
manage id tags as cards."""

from __future__ import annotations

import uuid

import pytest

from services.credentials import LoginVault, MemoryStore
from services.models import (
    BoundingBox,
    CardStatus,
    Coordinates,
    Credentials,
    SearchQuery,
)
from services.provider import CardRejected, InvalidCredentials, NotAuthenticated, NotFound
from services.registry import open_provider, resume_saved_login

BERLIN = Coordinates(latitude=52.5200, longitude=13.4050)
DEMO_TOKEN = "ampeco-demo-token"  # demo data only
DRIVER = Credentials(username="driver@example.com", api_key=DEMO_TOKEN)


@pytest.fixture
async def provider(core_url):
    p = await open_provider("ampeco", core_url, poll_interval_s=0.2)
    yield p
    await p.close()


async def test_token_and_email_sign_in_and_a_new_driver_becomes_a_user(provider):
    with pytest.raises(InvalidCredentials) as refused:
        await provider.login(Credentials(username="driver@example.com", api_key="wrong-token-1"))
    assert "token" in refused.value.message
    with pytest.raises(NotAuthenticated):
        await provider.list_cards()
    profile = await provider.login(DRIVER)
    assert profile.email == "driver@example.com" and provider.is_logged_in
    assert profile.first_name  # the demo driver's own user, not a new one

    email = f"new-{uuid.uuid4().hex[:8]}@example.com"
    created = await provider.login(Credentials(username=email, api_key=DEMO_TOKEN))
    assert created.email == email and created.id != profile.id
    again = await provider.login(Credentials(username=email.upper(), api_key=DEMO_TOKEN))
    assert again.id == created.id  # found by e-mail the second time, not created twice
    assert await provider.list_cards() == []


async def test_an_operator_that_creates_no_users_names_the_unknown_driver(core_url):
    closed = await open_provider("ampeco", core_url, create_users=False)
    try:
        with pytest.raises(InvalidCredentials) as refused:
            await closed.login(
                Credentials(username=f"new-{uuid.uuid4().hex[:8]}@example.com",
                            api_key=DEMO_TOKEN))
        assert "No driver with this e-mail" in refused.value.message
        assert not closed.is_logged_in
        assert (await closed.login(DRIVER)).email == "driver@example.com"
    finally:
        await closed.close()


async def test_search_near_berlin_from_the_catalogue_and_station_detail(provider):
    await provider.login(DRIVER)
    page = await provider.search_stations(SearchQuery(centre=BERLIN, radius_km=5, limit=20))
    assert page.items and page.total >= len(page.items)
    dists = [s.distance_km for s in page.items]
    assert dists == sorted(dists) and dists[-1] <= 5
    station = page.items[0]
    c = station.coordinates
    box = BoundingBox(south=c.latitude - 0.01, west=c.longitude - 0.01,
                      north=c.latitude + 0.01, east=c.longitude + 0.01)
    viewport = await provider.search_stations(SearchQuery(bbox=box))
    assert station.id in {s.id for s in viewport.items}
    detail = await provider.get_station(station.id)
    assert detail.id == station.id and detail.connectors
    assert {c.id for c in detail.connectors} == {c.id for c in station.connectors}
    evse = next(c.evse_id for c in detail.connectors if c.evse_id)
    assert (await provider.station_by_evse_id(evse)).id == station.id
    with pytest.raises(NotFound):
        await provider.get_station("999999999")


async def test_cards_are_id_tags_the_driver_adds_renames_blocks_and_deletes(provider):
    await provider.login(DRIVER)
    before = await provider.list_cards()
    uid = uuid.uuid4().hex[:14].upper()
    card = await provider.add_card(uid, "Journey tag")
    assert (card.uid, card.label, card.status) == (uid, "Journey tag", CardStatus.ACTIVE)
    assert card.id in {c.id for c in await provider.list_cards()}
    assert (await provider.rename_card(card.id, "Renamed")).label == "Renamed"
    blocked = await provider.block_card(card.id)
    assert blocked.status is CardStatus.BLOCKED
    with pytest.raises(CardRejected):
        provider.require_active(blocked)
    assert (await provider.unblock_card(card.id)).status is CardStatus.ACTIVE
    await provider.delete_card(card.id)
    assert {c.id for c in await provider.list_cards()} == {c.id for c in before}
    with pytest.raises(NotFound):
        await provider.rename_card(card.id, "gone")


async def test_the_operator_token_is_kept_in_the_vault_and_resumes_the_login(core_url):
    vault = LoginVault(MemoryStore())
    first = await open_provider("ampeco", core_url, DRIVER, vault=vault)
    try:
        saved = vault.load("ampeco", core_url)
        assert saved is not None and saved.username == "driver@example.com"
        assert saved.refresh_token == DEMO_TOKEN
    finally:
        await first.close()
    second = await open_provider("ampeco", core_url, vault=vault)
    try:
        profile = await resume_saved_login(second, vault, "ampeco", core_url)
        assert profile is not None and profile.email == "driver@example.com"
        await second.logout()
        assert vault.load("ampeco", core_url) is None
    finally:
        await second.close()
