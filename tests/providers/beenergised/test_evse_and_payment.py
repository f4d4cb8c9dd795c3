"""EVSE ID lookup and pay-as-you-go through the be.ENERGISED provider against the real core."""

from __future__ import annotations

import uuid

import httpx
import pytest

from services.models import Coordinates, Credentials, Registration, SearchQuery
from services.provider import InvalidInput, NotFound
from services.registry import open_provider

BERLIN = Coordinates(latitude=52.5200, longitude=13.4050)


@pytest.fixture
async def provider(core_url):
    p = await open_provider("beenergised", core_url)
    yield p
    await p.close()


async def _some_connector(provider):
    page = await provider.search_stations(SearchQuery(centre=BERLIN, radius_km=10, limit=5))
    station = next(s for s in page.items if any(c.evse_id for c in s.connectors))
    return station, next(c for c in station.connectors if c.evse_id)


async def test_station_by_evse_id_finds_the_station_of_the_printed_id(provider):
    station, connector = await _some_connector(provider)
    found = await provider.station_by_evse_id(connector.evse_id.lower())
    assert found.id == station.id
    assert connector.evse_id in {c.evse_id for c in found.connectors}
    with pytest.raises(NotFound):
        await provider.station_by_evse_id("DE*XXX*E9999999*9")
    with pytest.raises(InvalidInput) as empty:
        await provider.station_by_evse_id("  ")
    assert empty.value.field == "evseId"


async def test_new_driver_without_card_adds_a_method_and_pays_one_charge(provider):
    email = f"payg-{uuid.uuid4().hex[:10]}@example.com"
    await provider.register(Registration(email=email, password="Payg-pass-12", accept_terms=True))
    await provider.login(Credentials(username=email, password="Payg-pass-12"))
    assert await provider.has_payment_method() is False

    added = await provider.add_payment_method()
    _, connector = await _some_connector(provider)
    paid = await provider.start_with_payment(connector.id)
    assert paid.transaction_id and paid.url != added.url
    async with httpx.AsyncClient(timeout=30) as http:
        for link in (added, paid):
            page = await http.get(link.url)
            assert page.status_code == 200 and "<form" in page.text, link.url
    status = await provider.payment_status(connector.evse_id, paid.transaction_id)
    assert status.status == "OPEN" and status.session_id is None
    with pytest.raises(NotFound):
        await provider.payment_status(connector.evse_id, str(uuid.uuid4()))


async def test_site_stations_lists_the_stations_of_one_site(provider):
    station, _ = await _some_connector(provider)
    detail = await provider.get_station(station.id)
    assert detail.site_id, "demo stations belong to a site"
    stations = await provider.site_stations(detail.site_id)
    assert station.id in {s.id for s in stations}
    assert all(s.site_id == detail.site_id and s.connectors for s in stations)
    with pytest.raises(NotFound):
        await provider.site_stations(str(uuid.uuid4()))
