"""The charge point catalogue: getChargepoints paged through once (page size and ``count``
read either way the back end means them), searched on the device by radius, viewport and
filters, kept in the offline cache across restarts and refreshed in the background."""

from __future__ import annotations

import asyncio
import math

import httpx
import pytest
import respx

from services import models as m
from services.cache import OfflineCache
from services.geo import haversine_km
from services.provider import BackendUnavailable
from services.providers.common.catalogue import RETRY_AFTER_S, Catalogue, StationIndex
from services.providers.gpjoule import adapter
from tests.providers.gpjoule.fake_backend import KEY, Backend, data, provider

BERLIN = m.Coordinates(latitude=52.52, longitude=13.405)


def chargepoint(i: int, *, km_north: float, km_east: float = 0.0, **extra) -> dict:
    lat = BERLIN.latitude + km_north / 111.2
    lon = BERLIN.longitude + km_east / (111.2 * math.cos(math.radians(BERLIN.latitude)))
    cp = {
        "id": f"cp-{i}",
        "name": f"internal-{i}",
        "publicName": f"Station {i}",
        "connectorsFree": 1,
        "connectorsOccupied": 0,
        "connectorsUnavailable": 0,
        "connectorsTotal": 1,
        "location": {"city": "Berlin", "latitude": lat, "longitude": lon},
        "connectors": [
            {
                "id": f"conn-{i}",
                "evse": f"DE*GPJ*E{i}",
                "status": {"status": "AVAILABLE"},
                "type": {"name": "Type 2", "currentType": "AC", "maxPower": 22.0},
            }
        ],
    }
    cp.update(extra)
    return cp


def paged(chargepoints: list[dict], *, cap: int, count_is_total: bool):
    def answer(variables: dict) -> dict:
        offset, limit = variables.get("offset") or 0, min(variables.get("limit") or 20, cap)
        page = chargepoints[offset : offset + limit]
        count = len(chargepoints) if count_is_total else len(page)
        return data("getChargepoints", {"chargepoints": page, "count": count})

    return answer


def ring(n: int) -> list[dict]:
    """``n`` charge points 0.1 km apart going north from Berlin centre."""
    return [chargepoint(i, km_north=0.1 * i) for i in range(n)]


@pytest.mark.parametrize(("count_is_total", "n"), [(True, 250), (False, 250), (False, 200)])
@respx.mock
async def test_all_pages_are_fetched_whatever_count_means(count_is_total, n):
    backend = Backend(respx.mock).on(
        "getChargepoints", paged(ring(n), cap=100, count_is_total=count_is_total)
    )
    p = provider(api_key=KEY)
    page = await p.search_stations(m.SearchQuery(centre=BERLIN, radius_km=100, limit=500))
    assert page.total == n and len(page.items) == n
    offsets = sorted(v["offset"] for v in backend.sent("getChargepoints"))
    expected = list(range(0, n + (0 if count_is_total else 1), 100))
    assert offsets == expected
    await p.close()


@respx.mock
async def test_radius_search_is_nearest_first_paged_and_counted():
    backend = Backend(respx.mock).on(
        "getChargepoints", paged(ring(50), cap=1000, count_is_total=True)
    )
    p = provider(api_key=KEY)
    q = m.SearchQuery(centre=BERLIN, radius_km=1.05, limit=4)
    first = await p.search_stations(q)
    fetches = len(backend.sent("getChargepoints"))
    assert first.total == 11  # 0.0 .. 1.0 km
    assert [s.id for s in first.items] == ["cp-0", "cp-1", "cp-2", "cp-3"]
    assert not first.is_last and not first.stale
    assert first.items[3].distance_km == pytest.approx(0.3, abs=0.01)
    last = await p.search_stations(q.model_copy(update={"offset": 8}))
    assert [s.id for s in last.items] == ["cp-8", "cp-9", "cp-10"] and last.is_last
    for s in last.items:
        assert haversine_km(BERLIN, s.coordinates) <= 1.05
    assert len(backend.sent("getChargepoints")) == fetches  # the list in hand answered
    await p.close()


@respx.mock
async def test_viewport_and_filters_are_applied_locally():
    cps = [
        chargepoint(0, km_north=0.2),
        chargepoint(1, km_north=0.4, km_east=3.0),  # outside the viewport
        chargepoint(
            2,
            km_north=0.6,
            connectorsFree=0,
            connectorsOccupied=1,
            connectors=[
                {
                    "id": "conn-2",
                    "status": {"status": "OCCUPIED"},
                    "type": {"name": "CCS", "currentType": "DC", "maxPower": 150.0},
                }
            ],
        ),
        chargepoint(3, km_north=0.8, location=None),  # no position: not on any map
    ]
    Backend(respx.mock).on("getChargepoints", paged(cps, cap=100, count_is_total=True))
    p = provider(api_key=KEY)
    box = m.BoundingBox(south=52.51, west=13.39, north=52.53, east=13.42)
    page = await p.search_stations(m.SearchQuery(bbox=box))
    assert [s.id for s in page.items] == ["cp-0", "cp-2"]
    fast = m.StationFilters(min_power_kw=50)
    page = await p.search_stations(m.SearchQuery(bbox=box, filters=fast))
    assert [s.id for s in page.items] == ["cp-2"]
    assert page.items[0].connectors[0].plug_type is m.PlugType.CCS
    free_fast = m.StationFilters(min_power_kw=50, available_only=True)
    page = await p.search_stations(m.SearchQuery(bbox=box, filters=free_fast))
    assert page.items == [] and page.total == 0
    await p.close()


@respx.mock
async def test_a_station_read_live_updates_the_list_in_hand():
    cps = ring(3)
    backend = Backend(respx.mock).on("getChargepoints", paged(cps, cap=100, count_is_total=True))
    live = dict(cps[1], connectorsFree=0, connectorsOccupied=1)
    live["connectors"] = [dict(cps[1]["connectors"][0], status={"status": "OCCUPIED"})]
    backend.on("getChargepoint", data("getChargepoint", live))
    backend.on("getPrice", data("getPrice", None))
    p = provider(api_key=KEY)
    q = m.SearchQuery(centre=BERLIN, radius_km=1)
    before = await p.search_stations(q)
    assert before.items[1].status.available == 1
    station = await p.get_station("cp-1")
    assert station.status.status is m.ConnectorStatus.OCCUPIED
    after = await p.search_stations(q)
    assert after.items[1].status.available == 0
    assert after.items[1].connectors[0].status is m.ConnectorStatus.OCCUPIED
    await p.close()


@respx.mock
async def test_the_list_survives_a_restart_in_the_offline_cache(tmp_path):
    path = tmp_path / "offline.sqlite3"
    backend = Backend(respx.mock).on(
        "getChargepoints", paged(ring(20), cap=100, count_is_total=True)
    )
    p = provider(api_key=KEY, catalogue_cache=path)
    q = m.SearchQuery(centre=BERLIN, radius_km=0.55)
    assert (await p.search_stations(q)).total == 6
    await p.close()

    # next run: the back end is down; the kept list answers, marked stale
    backend.on("getChargepoints", httpx.Response(503))
    p = provider(api_key=KEY, catalogue_cache=OfflineCache(path))
    page = await p.search_stations(q)
    assert page.total == 6 and page.stale and page.items[0].stale
    assert page.as_of is not None
    await p.catalogue.wait_refreshed()  # the background refresh failed quietly
    assert (await p.search_stations(q)).stale
    await p.close()


async def test_a_list_past_its_age_is_refreshed_in_the_background():
    now = [1000.0]
    fetched = []
    gate = asyncio.Event()

    async def fetch() -> list[dict]:
        fetched.append(now[0])
        if len(fetched) > 1:
            await gate.wait()
        return [chargepoint(len(fetched), km_north=0)]

    cat = Catalogue(
        fetch, adapter.station, adapter.position, key="k", refresh_after_s=60, clock=lambda: now[0]
    )
    q = m.SearchQuery(centre=BERLIN, radius_km=1)
    assert [s.id for s in (await cat.search(q)).items] == ["cp-1"]
    now[0] += 30
    assert [s.id for s in (await cat.search(q)).items] == ["cp-1"] and len(fetched) == 1
    now[0] += 31
    # past its age: answered at once from the old list while the new one is fetched
    assert [s.id for s in (await cat.search(q)).items] == ["cp-1"]
    await asyncio.sleep(0)
    assert len(fetched) == 2
    await cat.search(q)  # a refresh in progress is not started twice
    assert len(fetched) == 2
    gate.set()
    await cat.wait_refreshed()
    assert [s.id for s in (await cat.search(q)).items] == ["cp-2"]
    await cat.aclose()


async def test_concurrent_first_searches_fetch_once():
    calls = []

    async def fetch() -> list[dict]:
        calls.append(1)
        await asyncio.sleep(0.01)
        return [chargepoint(0, km_north=0)]

    cat = Catalogue(fetch, adapter.station, adapter.position, key="k")
    q = m.SearchQuery(centre=BERLIN, radius_km=1)
    pages = await asyncio.gather(*(cat.search(q) for _ in range(5)))
    assert all(p.total == 1 for p in pages) and len(calls) == 1
    await cat.aclose()


async def test_a_back_end_gone_away_makes_answers_stale_and_is_not_asked_on_every_search():
    now = [1000.0]
    calls = []

    async def fetch() -> list[dict]:
        calls.append(now[0])
        if len(calls) > 1:
            raise BackendUnavailable(detail="down")
        return [chargepoint(1, km_north=0)]

    cat = Catalogue(
        fetch, adapter.station, adapter.position, key="k", refresh_after_s=60, clock=lambda: now[0]
    )
    q = m.SearchQuery(centre=BERLIN, radius_km=1)
    assert not (await cat.search(q)).stale
    now[0] += 61
    await cat.search(q)
    await cat.wait_refreshed()
    page = await cat.search(q)
    assert page.stale and page.items[0].stale and page.total == 1
    await cat.wait_refreshed()
    assert len(calls) == 2  # not asked again within RETRY_AFTER_S
    now[0] += RETRY_AFTER_S + 1
    await cat.search(q)
    await cat.wait_refreshed()
    assert len(calls) == 3
    await cat.aclose()


def test_the_kept_index_reads_back_the_same_and_decodes_items_when_reached():
    cps = [*ring(5), chargepoint(9, km_north=0.2, location=None)]
    index = StationIndex.of(cps, adapter.station, adapter.position)
    again = StationIndex.from_kept(index.kept(), adapter.station)
    assert len(again) == 5 and again.lats == index.lats and again.by_id == index.by_id
    assert again.of_connector("conn-3").id == "cp-3"
    box = m.BoundingBox(south=52.50, west=13.39, north=52.54, east=13.42)
    assert [s.model_dump() for s in again.within(box)] == [
        s.model_dump() for s in index.within(box)
    ]
    empty = StationIndex.from_kept(
        StationIndex.of([], adapter.station, adapter.position).kept(), adapter.station
    )
    assert len(empty) == 0
    with pytest.raises(ValueError):
        StationIndex.from_kept(b"[1, 2, 3]", adapter.station)


@respx.mock
async def test_an_unreadable_kept_list_is_fetched_again(tmp_path):
    cache = OfflineCache(tmp_path / "offline.sqlite3")
    p = provider(api_key=KEY, catalogue_cache=cache)
    cache.put_catalogue(p.catalogue._key, b"voltra-station-index-1\n\x00\x00garbage")
    backend = Backend(respx.mock).on(
        "getChargepoints", paged(ring(3), cap=100, count_is_total=True)
    )
    page = await p.search_stations(m.SearchQuery(centre=BERLIN, radius_km=1))
    assert page.total == 3 and not page.stale
    assert backend.sent("getChargepoints")[0]["offset"] == 0
    await p.close()
