"""Provider flows over recorded answers (respx): a station search that reads point pages
until whole stations are in, history windows over page/page_size, one member's sessions,
members with payment methods and subscriptions, status by polling."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest
import respx

from services import models as m
from services.provider import NotFound
from services.providers.wirelane import requests as R
from tests.providers.wirelane.fakes import ADMIN, BASE, BERLIN, ORG, provider, token_answer
from tests.providers.wirelane.samples import MEMBER, POINT, SESSION, SUBSCRIPTION

ORG_PATH = f"{BASE}/apis/emc/organizations/id/{ORG}"


def point(pid: str, station: str, status: str = "FREE", distance: float = 100.0, **kw) -> dict:
    return {**POINT, "id": pid, "charging_point_id": pid, "charging_station_id": station,
            "status": status, "distance": distance, **kw}


def paged(rows: list[dict]):
    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        size = int(request.url.params.get("page_size", "50"))
        return httpx.Response(200, json=rows[(page - 1) * size : page * size])

    return answer


@pytest.fixture
async def signed_in():
    with respx.mock:
        respx.post(f"{BASE}/token").mock(return_value=token_answer())
        p = provider(poll_interval_s=0.01)
        await p.login(ADMIN)
        yield p
        await p.close()


async def test_search_reads_point_pages_until_stations_are_whole(signed_in, monkeypatch):
    monkeypatch.setattr(R, "PAGE_SIZE", 3)
    # seven stations of two points each, nearest first: pages of three split stations
    rows = [point(f"s{i}-{j}", f"s{i}", distance=100.0 * i) for i in range(7) for j in range(2)]
    route = respx.get(f"{ORG_PATH}/points").mock(side_effect=paged(rows))
    first = await signed_in.search_stations(BERLIN.model_copy(update={"limit": 3}))
    assert [s.id for s in first.items] == ["s0", "s1", "s2"]
    assert all(len(s.connectors) == 2 for s in first.items)
    assert not first.is_last and first.total is None
    sent = route.calls[0].request.url.params
    assert (sent["lat"], sent["lon"], sent["distance"]) == ("52.52", "13.405", "5000")
    assert sent["order_by"] == "distance" and sent["page_size"] == "3"
    rest = await signed_in.search_stations(BERLIN.model_copy(update={"offset": 3, "limit": 10}))
    assert [s.id for s in rest.items] == ["s3", "s4", "s5", "s6"]
    assert rest.is_last and rest.total == 7
    assert [s.distance_km for s in rest.items] == [0.3, 0.4, 0.5, 0.6]


async def test_box_and_filters_go_on_the_wire_and_free_only_finds_none(signed_in):
    route = respx.get(f"{ORG_PATH}/points").mock(
        return_value=httpx.Response(200, json=[point("a", "A", plug_types=["CCS"], power=50)])
    )
    box = m.BoundingBox(south=52.5, west=13.3, north=52.55, east=13.45)
    f = m.StationFilters(plug_types=[m.PlugType.CCS], current_type=m.CurrentType.AC,
                         available_only=True, min_power_kw=150)
    page = await signed_in.search_stations(m.SearchQuery(bbox=box, filters=f))
    params = route.calls.last.request.url.params
    assert params.get_list("plug_types") == ["CCS"]
    assert params["charging_type"] == "AC" and params["status"] == "FREE"
    assert params["north_east_lat"] == "52.55" and params["sort_lon"] == "13.375"
    assert page.items == []  # 50 kW is below the 150 kW asked for: dropped on the device
    calls = route.call_count
    free = await signed_in.search_stations(
        BERLIN.model_copy(update={"filters": m.StationFilters(free_only=True)})
    )
    assert free.items == [] and free.is_last and route.call_count == calls


async def test_station_detail_and_status_by_polling(signed_in):
    states = iter(["FREE", "FREE", "IN_USE", "FAULTED"])

    def station_points(request: httpx.Request) -> httpx.Response:
        assert request.url.params.get_list("charging_station_id") == ["S"]
        if request.url.params["page"] != "1":
            return httpx.Response(200, json=[])
        return httpx.Response(200, json=[point("c1", "S", next(states, "FAULTED")),
                                         point("c2", "S", "FREE")])

    respx.get(f"{ORG_PATH}/points").mock(side_effect=station_points)
    station = await signed_in.get_station("S")
    assert [c.id for c in station.connectors] == ["c1", "c2"]
    changes = []

    async def watch():
        async for change in signed_in.watch_status(["c1"]):
            changes.append(change)
            if len(changes) == 3:
                return

    await asyncio.wait_for(watch(), 30)
    assert [c.status for c in changes] == [
        m.ConnectorStatus.AVAILABLE, m.ConnectorStatus.OCCUPIED, m.ConnectorStatus.OUT_OF_ORDER
    ]
    assert {c.connector_id for c in changes} == {"c1"}


async def test_unknown_station_is_not_found(signed_in):
    respx.get(f"{ORG_PATH}/points").mock(return_value=httpx.Response(200, json=[]))
    respx.get(f"{ORG_PATH}/points/id/nope").mock(return_value=httpx.Response(404, json={}))
    with pytest.raises(NotFound):
        await signed_in.get_station("nope")




def sessions(n: int) -> list[dict]:
    return [
        {**SESSION, "session_id": f"x{i}", "customer_id": f"M{i % 2}",
         "customer_email": f"m{i % 2}@example.com",
         "session_begin": datetime(2026, 10 - i % 2, 1 + i, tzinfo=UTC).isoformat(),
         "session_end": datetime(2026, 10 - i % 2, 1 + i, 1, tzinfo=UTC).isoformat()}
        for i in range(n)
    ]


async def test_history_windows_map_onto_pages(signed_in):
    rows = sessions(7)
    route = respx.get(f"{ORG_PATH}/sessions").mock(side_effect=paged(rows))
    aligned = await signed_in.history(offset=3, limit=3)
    assert [s.id for s in aligned.items] == ["x3", "x4", "x5"] and not aligned.is_last
    assert route.call_count == 1
    assert route.calls.last.request.url.params["page"] == "2"
    since = datetime(2026, 9, 1, tzinfo=UTC)
    unaligned = await signed_in.history(offset=4, limit=3, since=since)
    assert [s.id for s in unaligned.items] == ["x4", "x5", "x6"]
    assert unaligned.is_last and unaligned.total == 7
    params = route.calls.last.request.url.params
    assert params["date_picker_since"] == "2026-09-01T00:00:00+0000"
    assert (params["order_by"], params["order_direction"]) == ("sessionBegin", "desc")


async def test_one_members_sessions_statistics_and_csv(signed_in):
    respx.get(f"{ORG_PATH}/members/M1").mock(
        return_value=httpx.Response(200, json={**MEMBER, "id": "M1", "email": "m1@example.com",
                                               "status": "active"})
    )
    route = respx.get(f"{ORG_PATH}/sessions").mock(side_effect=paged(sessions(6)))
    page = await signed_in.member_sessions("M1", limit=2)
    assert [s.id for s in page.items] == ["x1", "x3"] and page.total == 3
    assert route.calls.last.request.url.params["search"] == "m1@example.com"
    stats = await signed_in.statistics(member_id="M1")
    assert stats.sessions == 3 and stats.energy_kwh == round(3 * 17.46, 3)
    assert stats.cost == 5.1 and [mo.month for mo in stats.months] == ["2026-09"]
    csv_text = await signed_in.export_sessions_csv(member_id="M1")
    assert csv_text.count("\r\n") == 4 and "m0@example.com" not in csv_text


async def test_members_with_payment_methods_and_subscriptions(signed_in):
    members = [{**MEMBER, "id": "A", "email": "a@example.com", "status": "active"},
               {**MEMBER, "id": "B", "email": "b@example.com", "status": "revoked"}]
    listing = respx.get(f"{ORG_PATH}/members").mock(side_effect=paged(members))
    respx.get(f"{ORG_PATH}/members/A/payments").mock(
        return_value=httpx.Response(200, json=[{"id": 1}])
    )
    respx.get(f"{ORG_PATH}/members/B/payments").mock(return_value=httpx.Response(200, json=[]))
    respx.get(f"{ORG_PATH}/members/A/subscriptions").mock(
        return_value=httpx.Response(200, json=SUBSCRIPTION)
    )
    respx.get(f"{ORG_PATH}/members/B/subscriptions").mock(return_value=httpx.Response(404, json={}))
    found = await signed_in.fleet_members(statuses=[m.FleetMemberStatus.ACTIVE,
                                                    m.FleetMemberStatus.REVOKED])
    assert listing.calls.last.request.url.params.get_list("member_status") == [
        "active", "revoked"
    ]
    a, b = found
    assert (a.id, a.status, a.has_payment_method) == ("A", m.FleetMemberStatus.ACTIVE, True)
    assert a.subscription is not None and a.subscription.plan == "WIRELANE-ABO-ANNUEL-3"
    assert (b.status, b.has_payment_method, b.subscription) == (
        m.FleetMemberStatus.REVOKED, False, None
    )


async def test_status_polling_rides_out_an_unreachable_back_end(signed_in):
    answers = [httpx.Response(503)] * 4 + [httpx.Response(200, json=point("c9", "S9", "IN_USE"))]
    route = respx.get(f"{ORG_PATH}/points/id/c9").mock(side_effect=answers)

    async def first():
        async for change in signed_in.watch_status(["c9"]):
            return change

    change = await asyncio.wait_for(first(), 30)
    assert change.status is m.ConnectorStatus.OCCUPIED and route.call_count == 5
