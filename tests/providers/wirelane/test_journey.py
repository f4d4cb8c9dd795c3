"""The fleet manager's journey through the Wirelane provider against the real embedded core
(``core_url``: ``python -m services.core`` on 127.0.0.1, demo data), over real HTTP: sign in
with the demo client and admin, search near Berlin by radius and by box, open a station,
read the organisation's sessions as history, its members, one member's sessions."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools

import pytest

from services.geo import contains, haversine_km
from services.models import (
    BoundingBox,
    Coordinates,
    Credentials,
    PlugType,
    SearchQuery,
    SessionState,
    StationFilters,
)
from services.provider import Capability, Forbidden, InvalidCredentials, InvalidInput
from services.providers.wirelane import requests as R
from services.registry import open_provider
from tests.waits import WITHIN_S

BERLIN = Coordinates(latitude=52.5200, longitude=13.4050)
ADMIN = Credentials(username="fleet@example.com", password="fleet-demo")
CLIENT = {"client_id": "voltra-demo", "client_secret": "voltra-demo-secret"}


@pytest.fixture(scope="module")
async def fleet(core_url):
    provider = await open_provider("wirelane", f"{core_url}/wirelane", ADMIN, **CLIENT)
    yield provider
    await provider.close()


async def test_signed_in_for_the_demo_organisation(fleet):
    assert fleet.is_logged_in and fleet.organisation_id == "DEMOTENANT"
    assert Capability.CHARGING not in fleet.capabilities
    assert Capability.FLEET in fleet.capabilities
    assert (await fleet.profile()).email == "fleet@example.com"


async def test_refused_sign_ins_are_typed(core_url):
    wrong = Credentials(username="fleet@example.com", password="not-the-password")
    with pytest.raises(InvalidCredentials):
        await open_provider("wirelane", f"{core_url}/wirelane", wrong, **CLIENT)
    with pytest.raises(Forbidden):
        await open_provider("wirelane", f"{core_url}/wirelane", ADMIN,
                            client_id="voltra-demo", client_secret="not-the-secret")


async def test_radius_search_is_inside_and_nearest_first(fleet):
    page = await fleet.search_stations(SearchQuery(centre=BERLIN, radius_km=5, limit=20))
    assert page.items, "the demo organisation has stations near Berlin"
    distances = [haversine_km(BERLIN, s.coordinates) for s in page.items]
    assert max(distances) <= 5.0 + 0.01
    # nearest first; geodesic vs haversine may swap stations a few metres apart
    assert all(b >= a - 0.01 for a, b in itertools.pairwise(distances))
    for s, d in zip(page.items, distances, strict=True):
        assert s.distance_km == pytest.approx(d, abs=0.05)  # metres on the wire
        assert s.connectors and all(c.station_id == s.id for c in s.connectors)
    more = await fleet.search_stations(
        SearchQuery(centre=BERLIN, radius_km=5, limit=20, offset=20)
    )
    assert not {s.id for s in page.items} & {s.id for s in more.items}


async def test_box_search_and_plug_filter(fleet):
    box = BoundingBox(south=52.48, west=13.33, north=52.56, east=13.48)
    page = await fleet.search_stations(SearchQuery(bbox=box, limit=30))
    assert page.items
    assert all(contains(box, s.coordinates) for s in page.items)
    ccs = await fleet.search_stations(
        SearchQuery(bbox=box, limit=30, filters=StationFilters(plug_types=[PlugType.CCS]))
    )
    assert ccs.items
    assert all(any(c.plug_type is PlugType.CCS for c in s.connectors) for s in ccs.items)


async def test_station_detail_matches_the_search(fleet):
    [found] = (await fleet.search_stations(SearchQuery(centre=BERLIN, radius_km=5, limit=1))).items
    station = await fleet.get_station(found.id)
    assert station.id == found.id
    assert [c.id for c in station.connectors] == [c.id for c in found.connectors]
    assert station.address.city and station.max_power_kw


async def test_the_cores_refusals_name_the_parameter(fleet):
    path = R.points_path(fleet.organisation_id)
    with pytest.raises(InvalidInput) as caught:
        await fleet.api.get(path, [("lat", "52.5"), ("lon", "13.4"), ("distance", "5km")])
    assert caught.value.field == "distance" and "distance" in caught.value.message
    with pytest.raises(Forbidden):
        await fleet.api.get(R.points_path("OTHERTENANT"))


async def test_own_points_only(core_url, fleet):
    own = await open_provider("wirelane", f"{core_url}/wirelane", ADMIN, own_points_only=True,
                              **CLIENT)
    near = SearchQuery(centre=BERLIN, radius_km=5, limit=500)
    try:
        mine = await own.search_stations(near)
    finally:
        await own.close()
    everything = await fleet.search_stations(near)
    # the demo catalogue is not the organisation's: its own points are a few at most
    assert {s.id for s in mine.items} <= {s.id for s in everything.items}
    assert len(mine.items) < len(everything.items)


async def test_history_is_the_organisations_sessions(fleet):
    first = await fleet.history(limit=10)
    assert first.items, "demo drivers have months of history"
    starts = [s.started_at for s in first.items]
    assert starts == sorted(starts, reverse=True)
    finished = [s for s in first.items if s.state is SessionState.FINISHED]
    # other tests' short sessions on the shared core may have delivered nothing
    assert finished and all(s.energy_kwh >= 0 and s.cost is not None for s in finished)
    assert any(s.energy_kwh > 0 and s.cost.total > 0 for s in finished)
    second = await fleet.history(offset=10, limit=10)
    assert not {s.id for s in first.items} & {s.id for s in second.items}
    detail = await fleet.get_session(first.items[0].id)
    assert detail.id == first.items[0].id and detail.energy_kwh == first.items[0].energy_kwh


async def test_members_and_one_members_sessions(fleet):
    members = await fleet.fleet_members()
    by_email = {x.email: x for x in members}
    driver = by_email["driver@example.com"]
    assert driver.status.value == "ACTIVE" and driver.has_payment_method is not None
    page = await fleet.member_sessions(driver.id, limit=5)
    assert page.items and page.total is not None and page.total >= len(page.items)
    rows = list(csv.DictReader(io.StringIO(await fleet.export_sessions_csv(member_id=driver.id))))
    assert len(rows) == page.total
    assert {r["member_email"] for r in rows} == {"driver@example.com"}
    stats = await fleet.statistics(member_id=driver.id)
    assert 0 < stats.sessions <= page.total and stats.energy_kwh > 0


async def test_live_status_by_polling(fleet):
    [found] = (await fleet.search_stations(SearchQuery(centre=BERLIN, radius_km=5, limit=1))).items
    wanted = {c.id: c.status for c in found.connectors}
    seen = {}

    async def first_statuses():
        async for change in fleet.watch_status(list(wanted)):
            seen[change.connector_id] = change.status
            if len(seen) == len(wanted):
                return

    await asyncio.wait_for(first_statuses(), WITHIN_S)
    assert set(seen) == set(wanted)
