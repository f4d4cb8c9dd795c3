"""The AMPECO provider when things go wrong: the catalogue kept from the real core answers
searches while the core cannot be reached (marked stale), a cursor that repeats ends the
listing instead of looping, a refused start is a typed error and is never sent twice, and a
missing token or e-mail is named before any request. Faults are injected with respx."""

from __future__ import annotations

import httpx
import pytest
import respx

from services import models as m
from services.cache import OfflineCache
from services.provider import ConnectorUnavailable, InvalidInput
from services.providers.ampeco import AmpecoProvider
from services.registry import open_provider

BERLIN = m.Coordinates(latitude=52.52, longitude=13.405)
DEMO_TOKEN = "ampeco-demo-token"  # demo data only
DRIVER = m.Credentials(username="driver@example.com", api_key=DEMO_TOKEN)
BASE = "http://ampeco.test"
LIST = {"links": {"first": None, "last": None, "prev": None, "next": None}}


async def test_searches_answer_from_the_kept_catalogue_while_the_core_is_unreachable(
    core_url, tmp_path
):
    cache = OfflineCache(tmp_path / "cache.sqlite3")
    online = await open_provider("ampeco", core_url, DRIVER, catalogue_cache=cache)
    query = m.SearchQuery(centre=BERLIN, radius_km=5, limit=10)
    try:
        fresh = await online.search_stations(query)
        assert fresh.items and not fresh.stale
        await online.catalogue.aclose()  # the list is written to the cache before it closes
    finally:
        await online.close()
    with respx.mock:
        respx.route(url__startswith=core_url).mock(side_effect=httpx.ConnectError("down"))
        offline = AmpecoProvider(core_url, api_key=DEMO_TOKEN, catalogue_cache=cache)
        try:
            kept = await offline.search_stations(query)
            await offline.catalogue.wait_refreshed()  # the refresh fails quietly
        finally:
            await offline.close()
    assert kept.stale and kept.as_of is not None
    assert [s.id for s in kept.items] == [s.id for s in fresh.items]
    cache.close()


@respx.mock
async def test_a_cursor_that_comes_back_ends_the_listing():
    route = respx.get(f"{BASE}/public-api/resources/locations/v2.0").mock(
        return_value=httpx.Response(
            200, json={"data": [{"id": 1}], **LIST, "meta": {"next_cursor": "again"}}
        )
    )
    p = AmpecoProvider(BASE, api_key="operator-token-1")
    try:
        rows = await p.api.all("/resources/locations/v2.0")
    finally:
        await p.close()
    assert len(rows) == 2 and route.call_count == 2
    assert route.calls[0].request.headers["Authorization"] == "Bearer operator-token-1"
    assert route.calls[0].request.url.params["per_page"] == "100"


@respx.mock
async def test_a_refused_start_is_typed_and_sent_once():
    respx.get(f"{BASE}/public-api/resources/users/v1.1").mock(
        return_value=httpx.Response(
            200, json={"data": [{"id": "5", "email": "driver@example.com"}], **LIST, "meta": {}}
        )
    )
    respx.get(f"{BASE}/public-api/resources/id-tags/v2.0").mock(
        return_value=httpx.Response(
            200,
            json={"data": [{"id": 41, "idTagUid": "04A1", "status": "enabled", "userId": 5}],
                  **LIST, "meta": {}},
        )
    )
    start = respx.post(f"{BASE}/public-api/actions/evse/v1.0/21/start").mock(
        return_value=httpx.Response(
            202,
            json={"success": False, "sessionId": None, "authorizationId": None,
                  "message": "Session already exists", "errorCode": "SESSION_EXISTS"},
        )
    )
    p = AmpecoProvider(BASE)
    try:
        await p.login(m.Credentials(username="driver@example.com", api_key="operator-token-1"))
        with pytest.raises(ConnectorUnavailable) as refused:
            await p.start_charging("21", "41", limits=m.ChargeLimits(minutes=30, soc=80))
    finally:
        await p.close()
    assert "already running" in refused.value.message and start.call_count == 1
    body = start.calls[0].request.read()
    assert b'"maxDurationMinutes":30' in body and b'"maxSocPercent":80' in body
    assert b'"idTag":"04A1"' in body and b'"userId":5' in body


async def test_token_and_email_are_asked_for_before_any_request():
    p = AmpecoProvider(BASE)
    with respx.mock(assert_all_called=False) as mock:
        with pytest.raises(InvalidInput) as no_token:
            await p.login(m.Credentials(username="driver@example.com"))
        with pytest.raises(InvalidInput) as no_email:
            await p.login(m.Credentials(api_key="operator-token-1"))
        assert not mock.calls
    await p.close()
    assert (no_token.value.field, no_email.value.field) == ("api_key", "username")
