"""be.ENERGISED client under faults (respx): expired token mid-journey, 5xx with Retry-After,
429, timeouts, back end down -> offline cache answers marked stale."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from services.cache import CachingProvider, OfflineCache
from services.http import RetryPolicy
from services.models import Coordinates, Credentials, SearchQuery
from services.provider import (
    BackendUnavailable,
    InvalidInput,
    NotAuthenticated,
    RateLimited,
    SessionExpired,
)
from services.providers.beenergised import BeEnergisedProvider

BASE = "https://be.invalid"
URL = BASE + "/graphql/"

CP = {
    "id": "cp-1",
    "label": "Alexanderplatz 1",
    "publicName": "Alex",
    "address": "Alexanderpl. 1",
    "city": "Berlin",
    "zip": "10178",
    "country": "DEU",
    "latitude": 52.5219,
    "longitude": 13.4132,
    "accessType": "INTERNAL",
    "isFavoured": False,
    "siteId": "site-1",
    "site": {"id": "site-1", "company": "Voltra Energy", "label": "Alex"},
    "status": {"simple": "Available"},
    "images": [{"url": "/images/a.jpg"}],
    "information": {"openingTimes": {"description": "24/7", "regularHours": []}},
    "connectors": [
        {
            "id": "11",
            "evseId": "DE*VOL*E1*1",
            "sortOrder": "1",
            "freeOfCharge": False,
            "connectorType": {
                "id": "1",
                "plugType": "IEC_62196_T2_COMBO",
                "chargePointType": "DC",
                "maxPowerRating": 150.0,
            },
            "status": {"connectorId": "11", "simple": "Available", "ocpp": "Available"},
        }
    ],
}
SEARCH = {
    "data": {
        "cpsPagedLocationBased": {
            "pagination": {"isLastPage": True, "offset": 0, "limit": 10, "totalCount": 1},
            "data": [CP],
        }
    }
}


class Sleeps:
    def __init__(self):
        self.delays = []

    async def __call__(self, d):
        self.delays.append(d)


def op(request: httpx.Request) -> str:
    body = json.loads(request.content)
    return body["query"].split("{")[0].split("(")[0].split()[-1]


def query() -> SearchQuery:
    return SearchQuery(centre=Coordinates(latitude=52.52, longitude=13.405), radius_km=5, limit=10)


def make(sleeps=None) -> BeEnergisedProvider:
    return BeEnergisedProvider(BASE, retry=RetryPolicy(sleep=sleeps or Sleeps()), poll_interval_s=0)


def router(handlers: dict):
    calls: list[tuple[str, str | None]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        name = op(request)
        calls.append((name, request.headers.get("Authorization")))
        h = handlers[name]
        result = h(request) if callable(h) else h
        return result if isinstance(result, httpx.Response) else httpx.Response(200, json=result)

    return handle, calls


def tokens(field: str, session: str, refresh: str) -> dict:
    return {"data": {field: {"sessionToken": session, "refreshToken": refresh}}}


@respx.mock
async def test_anonymous_session_is_opened_for_public_search_and_mapped():
    handle, calls = router(
        {
            "initAnonymousSession": tokens("initAnonymousSession", "anon-1", "anon-r"),
            "cpsPagedLocationBased": SEARCH,
        }
    )
    respx.post(URL).mock(side_effect=handle)
    p = make()
    page = await p.search_stations(query())
    assert [c[0] for c in calls] == ["initAnonymousSession", "cpsPagedLocationBased"]
    assert calls[1][1] == "Bearer anon-1"
    s = page.items[0]
    assert s.name == "Alex" and s.operator == "Voltra Energy"
    assert s.connectors[0].plug_type.value == "CCS" and s.connectors[0].max_power_kw == 150
    assert s.images == ["https://be.invalid/images/a.jpg"]
    assert s.opening_hours.always_open is True
    assert 0 < s.distance_km < 1
    assert page.total == 1 and not page.stale
    await p.close()


@respx.mock
async def test_expired_token_mid_journey_is_renewed_with_refresh_token_and_request_repeated():
    state = {"cards": 0}

    def cards(request):
        state["cards"] += 1
        if request.headers["Authorization"] == "Bearer s-1":
            return {
                "errors": [
                    {
                        "message": "session token expired: renew it with renewSession",
                        "extensions": {"code": "UNAUTHENTICATED", "reason": "SESSION_EXPIRED"},
                    }
                ],
                "data": None,
            }
        return {
            "data": {
                "cardsPaged": {
                    "pagination": {"isLastPage": True},
                    "data": [
                        {
                            "id": "c1",
                            "tagId": "04A1B2C3",
                            "number": "VOL-1",
                            "label": "Blue",
                            "status": "active",
                            "type": "default",
                        }
                    ],
                }
            }
        }

    handle, calls = router(
        {
            "initSession": tokens("initSession", "s-1", "r-1"),
            "contact": {"data": {"contact": {"id": "u1", "email": "driver@example.com"}}},
            "renewSession": tokens("renewSession", "s-2", "r-2"),
            "cardsPaged": cards,
        }
    )
    respx.post(URL).mock(side_effect=handle)
    seen = []
    p = BeEnergisedProvider(BASE, retry=RetryPolicy(sleep=Sleeps()), on_login_token=seen.append)
    profile = await p.login(Credentials(username="driver@example.com", password="driver-demo"))
    assert profile.email == "driver@example.com" and p.is_logged_in
    cards_ = await p.list_cards()
    assert [c.uid for c in cards_] == ["04A1B2C3"]
    renew = [c for c in calls if c[0] == "renewSession"]
    assert renew == [("renewSession", "Bearer r-1")]  # refresh token as bearer
    assert state["cards"] == 2 and calls[-1][1] == "Bearer s-2"
    assert p.refresh_token == "r-2" and seen[-2:] == ["r-1", "r-2"]
    await p.close()


@respx.mock
async def test_refresh_token_rejected_means_session_expired():
    handle, _ = router(
        {
            "initSession": tokens("initSession", "s-1", "r-1"),
            "contact": {"data": {"contact": {"id": "u1", "email": "d@x"}}},
            "renewSession": {
                "errors": [
                    {
                        "message": "the refresh token expired; log in again",
                        "extensions": {"code": "UNAUTHENTICATED"},
                    }
                ],
                "data": None,
            },
            "cardsPaged": {
                "errors": [
                    {"message": "session token expired", "extensions": {"code": "UNAUTHENTICATED"}}
                ],
                "data": None,
            },
        }
    )
    respx.post(URL).mock(side_effect=handle)
    p = make()
    await p.login(Credentials(username="d@x", password="pw-123456"))
    with pytest.raises(SessionExpired):
        await p.list_cards()
    assert not p.is_logged_in
    await p.close()


@respx.mock
async def test_logged_out_user_asking_for_cards_gets_not_authenticated_without_renew_loop():
    handle, calls = router(
        {
            "initAnonymousSession": tokens("initAnonymousSession", "anon-1", "anon-r"),
            "cardsPaged": {
                "errors": [
                    {
                        "message": "this operation needs a user session",
                        "extensions": {"code": "UNAUTHENTICATED"},
                    }
                ],
                "data": None,
            },
        }
    )
    respx.post(URL).mock(side_effect=handle)
    p = make()
    with pytest.raises(NotAuthenticated) as info:
        await p.list_cards()
    assert not isinstance(info.value, SessionExpired)
    assert [c[0] for c in calls] == ["initAnonymousSession", "cardsPaged"]
    await p.close()


@respx.mock
async def test_5xx_with_retry_after_is_waited_for_then_search_succeeds():
    sleeps = Sleeps()
    attempts = {"n": 0}

    def search(request):
        attempts["n"] += 1
        if attempts["n"] == 1:
            return httpx.Response(503, headers={"Retry-After": "3"})
        return SEARCH

    handle, _ = router(
        {
            "initAnonymousSession": tokens("initAnonymousSession", "anon-1", "anon-r"),
            "cpsPagedLocationBased": search,
        }
    )
    respx.post(URL).mock(side_effect=handle)
    p = make(sleeps)
    page = await p.search_stations(query())
    assert len(page.items) == 1 and attempts["n"] == 2 and sleeps.delays == [3.0]
    await p.close()


@respx.mock
async def test_persistent_429_becomes_rate_limited_with_retry_after():
    handle, _ = router(
        {
            "initAnonymousSession": tokens("initAnonymousSession", "anon-1", "anon-r"),
            "cpsPagedLocationBased": httpx.Response(429, headers={"Retry-After": "120"}),
        }
    )
    respx.post(URL).mock(side_effect=handle)
    p = make()
    with pytest.raises(RateLimited) as info:
        await p.search_stations(query())
    assert info.value.retry_after == 120.0
    await p.close()


@respx.mock
async def test_timeouts_become_backend_unavailable_after_retries():
    sleeps = Sleeps()
    respx.post(URL).mock(side_effect=httpx.ConnectTimeout("no route"))
    p = make(sleeps)
    with pytest.raises(BackendUnavailable):
        await p.search_stations(query())
    assert len(sleeps.delays) == 3  # 4 attempts
    await p.close()


@respx.mock
async def test_bad_user_input_names_the_field():
    handle, _ = router(
        {
            "initAnonymousSession": tokens("initAnonymousSession", "anon-1", "anon-r"),
            "cpsPagedLocationBased": {
                "errors": [
                    {
                        "message": "location.radius: must be at most 100",
                        "extensions": {"code": "BAD_USER_INPUT", "field": "location.radius"},
                    }
                ],
                "data": None,
            },
        }
    )
    respx.post(URL).mock(side_effect=handle)
    p = make()
    with pytest.raises(InvalidInput) as info:
        await p.search_stations(query())
    assert info.value.field == "location.radius"
    await p.close()


@respx.mock
async def test_backend_down_cache_answers_search_station_and_history_marked_stale(tmp_path):
    up = {"ok": True}

    def maybe(payload):
        def h(request):
            if not up["ok"]:
                raise httpx.ConnectError("refused")
            return payload

        return h

    chargelog = {
        "id": "log-1",
        "status": "stopped",
        "authId": "04A1B2C3",
        "dateStart": "2026-11-01T10:00:00Z",
        "dateEnd": "2026-11-01T11:00:00Z",
        "energyConsumption": 21.5,
        "connector": {"id": "11", "cp": {"id": "cp-1"}},
        "cost": {"total": 9.1, "grossAmount": 9.1, "currency": "EUR"},
    }
    handle, _ = router(
        {
            "initAnonymousSession": maybe(tokens("initAnonymousSession", "anon-1", "anon-r")),
            "initSession": maybe(tokens("initSession", "s-1", "r-1")),
            "contact": maybe({"data": {"contact": {"id": "u1", "email": "d@x"}}}),
            "cpsPagedLocationBased": maybe(SEARCH),
            "cpDetail": maybe({"data": {"cp": CP, "cpCapabilities": {"hasRemoteCommands": True}}}),
            "cardsPaged": maybe(
                {
                    "data": {
                        "cardsPaged": {
                            "pagination": {"isLastPage": True},
                            "data": [{"id": "c1", "tagId": "04A1B2C3", "number": "VOL-1"}],
                        }
                    }
                }
            ),
            "chargelogsPaged": maybe(
                {
                    "data": {
                        "chargelogsPaged": {
                            "pagination": {"isLastPage": True, "totalCount": 1},
                            "data": [chargelog],
                        }
                    }
                }
            ),
        }
    )
    respx.post(URL).mock(side_effect=handle)
    cache = OfflineCache(tmp_path / "c.sqlite3")
    p = CachingProvider(make(), cache)
    await p.login(Credentials(username="d@x", password="pw-123456"))
    fresh = await p.search_stations(query())
    await p.get_station("cp-1")
    assert (await p.history()).items[0].card_id == "c1"
    assert not fresh.stale

    up["ok"] = False
    page = await p.search_stations(query())
    assert page.stale and page.as_of is not None and page.items[0].id == "cp-1"
    # a different query over the same area is answered from the cached stations
    wider = SearchQuery(centre=Coordinates(latitude=52.52, longitude=13.41), radius_km=3)
    near = await p.search_stations(wider)
    assert near.stale and [s.id for s in near.items] == ["cp-1"]
    station = await p.get_station("cp-1")
    assert station.stale and station.remote_start is True
    hist = await p.history()
    assert hist.stale and hist.items[0].energy_kwh == 21.5 and hist.items[0].cost.total == 9.1
    # nothing cached for this place: the failure is not hidden
    with pytest.raises(BackendUnavailable):
        await p.search_stations(
            SearchQuery(centre=Coordinates(latitude=48.1, longitude=11.6), radius_km=2)
        )
    await p.close()
    cache.close()


@respx.mock
async def test_session_is_renewed_before_it_expires_without_a_failed_request():
    now = {"t": 1_000_000.0}
    handle, calls = router(
        {
            "initSession": tokens("initSession", "s-1", "r-1"),
            "contact": {"data": {"contact": {"id": "u1", "email": "d@x"}}},
            "renewSession": tokens("renewSession", "s-2", "r-2"),
        }
    )
    respx.post(URL).mock(side_effect=handle)
    p = BeEnergisedProvider(BASE, retry=RetryPolicy(sleep=Sleeps()), clock=lambda: now["t"])
    await p.login(Credentials(username="d@x", password="pw-123456"))
    now["t"] += 50 * 60  # 50 of the documented 60 minutes: still fine
    await p.profile()
    assert "renewSession" not in [c[0] for c in calls]
    now["t"] += 6 * 60  # inside the renewal margin
    await p.profile()
    names = [c[0] for c in calls]
    assert names[-2:] == ["renewSession", "contact"] and calls[-1][1] == "Bearer s-2"
    await p.close()


@respx.mock
async def test_bbox_search_sends_covering_circle_and_keeps_only_stations_inside():
    from services.models import BoundingBox

    sent = {}

    def search(request):
        sent.update(json.loads(request.content)["variables"])
        return SEARCH

    handle, _ = router(
        {
            "initAnonymousSession": tokens("initAnonymousSession", "anon-1", "anon-r"),
            "cpsPagedLocationBased": search,
        }
    )
    respx.post(URL).mock(side_effect=handle)
    p = make()
    inside = await p.search_stations(
        SearchQuery(bbox=BoundingBox(south=52.50, west=13.39, north=52.53, east=13.42))
    )
    assert [s.id for s in inside.items] == ["cp-1"] and inside.total is None
    assert 1.5 < sent["location"]["radius"] < 2.5  # km, to the corners
    outside = await p.search_stations(
        SearchQuery(bbox=BoundingBox(south=52.40, west=13.20, north=52.45, east=13.30))
    )
    assert outside.items == []
    await p.search_stations(SearchQuery(bbox=BoundingBox(south=35, west=-10, north=70, east=40)))
    assert sent["location"]["radius"] == 1000.0
    await p.close()
