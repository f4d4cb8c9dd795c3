"""GP JOULE CONNECT under faults (respx): a refused key is a typed error, 5xx and 429 are
retried for what is safe to repeat, a start is never sent twice, timeouts and a back end
that is down become BackendUnavailable; the sign-in keeps the key only in the vault."""

from __future__ import annotations

import httpx
import pytest
import respx

from services import models as m
from services.credentials import LoginVault, MemoryStore
from services.http import RetryPolicy
from services.provider import (
    BackendUnavailable,
    InvalidCredentials,
    InvalidInput,
    NotAuthenticated,
    RateLimited,
)
from services.providers.gpjoule.errors import KEY_REFUSED
from services.registry import open_provider, resume_saved_login
from tests.providers.gpjoule.fake_backend import BASE, KEY, URL, Backend, data, provider

CONTACT = {"id": "contact-7", "email": "driver@example.com", "givenName": "Dana", "name": "Lee"}
EMPTY = data("getChargepoints", {"chargepoints": [], "count": 0})
SEARCH = m.SearchQuery(centre=m.Coordinates(latitude=52.52, longitude=13.405), radius_km=5)


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, d: float) -> None:
        self.delays.append(d)


@respx.mock
async def test_an_unknown_key_is_refused_with_a_typed_error():
    backend = Backend(respx.mock)
    p = provider()
    with pytest.raises(InvalidCredentials) as refused:
        await p.login(m.Credentials(username="driver@example.com", api_key="not-the-key-42"))
    assert refused.value.message == KEY_REFUSED
    assert not p.is_logged_in and p.gql.key is None
    assert len(backend.calls) == 1  # a 401 is not retried
    await p.close()


@respx.mock
async def test_a_gateway_401_without_graphql_errors_is_the_key_refused_too():
    respx.post(URL).mock(return_value=httpx.Response(401, json={"message": "Unauthorized"}))
    p = provider(api_key="revoked-key-99")
    with pytest.raises(InvalidCredentials) as refused:
        await p.search_stations(SEARCH)
    assert isinstance(refused.value, NotAuthenticated)
    await p.close()


async def test_sign_in_asks_for_key_and_email_before_any_request():
    p = provider()
    with pytest.raises(InvalidInput) as no_key:
        await p.login(m.Credentials(username="driver@example.com"))
    assert no_key.value.field == "api_key"
    with pytest.raises(InvalidInput) as no_email:
        await p.login(m.Credentials(username=" ", api_key=KEY))
    assert no_email.value.field == "username"
    with pytest.raises(NotAuthenticated):
        await p.search_stations(SEARCH)  # no key at all: nothing is sent
    await p.close()


@respx.mock
async def test_an_email_the_partner_does_not_know_is_refused():
    backend = Backend(respx.mock)
    # two full pages and a short one: every contact is looked at
    pages = [
        data("getContacts", [{"id": f"c{i}", "email": f"x{i}@example.com"} for i in range(100)]),
        data("getContacts", [{"id": f"d{i}", "email": f"y{i}@example.com"} for i in range(100)]),
        data("getContacts", [CONTACT]),
    ]
    backend.on("getContacts", *pages)
    p = provider()
    with pytest.raises(InvalidCredentials) as unknown:
        await p.login(m.Credentials(username="nobody@example.com", api_key=KEY))
    assert "e-mail" in unknown.value.message
    assert [v["offset"] for v in backend.sent("getContacts")] == [0, 100, 200]
    assert not p.is_logged_in
    await p.close()


@respx.mock
async def test_queries_are_retried_after_5xx_and_429_honouring_retry_after():
    backend = Backend(respx.mock).on(
        "getChargepoints",
        httpx.Response(503),
        httpx.Response(429, headers={"Retry-After": "2"}),
        EMPTY,
    )
    sleeps = Sleeps()
    p = provider(api_key=KEY, retry=RetryPolicy(attempts=3, sleep=sleeps))
    page = await p.search_stations(SEARCH)
    assert page.items == [] and len(backend.calls) == 3
    assert sleeps.delays[1] == 2.0
    await p.close()


@respx.mock
async def test_persistent_5xx_and_429_become_typed_errors():
    Backend(respx.mock).on("getChargepoints", httpx.Response(502))
    p = provider(api_key=KEY)
    with pytest.raises(BackendUnavailable):
        await p.search_stations(SEARCH)
    await p.close()
    Backend(respx.mock).on("getChargepoints", httpx.Response(429, headers={"Retry-After": "120"}))
    p = provider(api_key=KEY)
    with pytest.raises(RateLimited) as limited:
        await p.search_stations(SEARCH)
    assert limited.value.retry_after == 120
    await p.close()


@respx.mock
async def test_a_start_is_never_sent_twice_after_a_5xx_or_a_timeout():
    backend = Backend(respx.mock).on("getContacts", data("getContacts", [CONTACT]))
    backend.on("getCard", data("getCard", {"tagId": "TAG1", "active": True}))
    backend.on("remoteStart", httpx.Response(502))
    p = provider()
    await p.login(m.Credentials(username="driver@example.com", api_key=KEY))
    with pytest.raises(BackendUnavailable):
        await p.start_charging("conn-1", "TAG1")
    assert len(backend.sent("remoteStart")) == 1

    def timeout(_v: dict) -> httpx.Response:
        raise httpx.ReadTimeout("slow charger")

    backend.on("remoteStart", timeout)
    with pytest.raises(BackendUnavailable) as slow:
        await p.start_charging("conn-1", "TAG1")
    assert "did not answer in time" in slow.value.message
    assert len(backend.sent("remoteStart")) == 2
    await p.close()


@respx.mock
async def test_query_timeouts_are_retried_then_reported():
    def timeout(_v: dict) -> httpx.Response:
        raise httpx.ReadTimeout("no answer")

    backend = Backend(respx.mock).on("getChargepoints", timeout, EMPTY)
    p = provider(api_key=KEY)
    assert (await p.search_stations(SEARCH)).items == []
    assert len(backend.calls) == 2
    await p.close()
    respx.post(URL).mock(side_effect=httpx.ConnectError("refused"))
    p = provider(api_key=KEY)
    with pytest.raises(BackendUnavailable):
        await p.search_stations(SEARCH)
    await p.close()


@respx.mock
async def test_the_key_is_kept_in_the_vault_only_and_resumes_the_login():
    backend = Backend(respx.mock).on("getContacts", data("getContacts", [CONTACT]))
    vault = LoginVault(MemoryStore())
    creds = m.Credentials(username="driver@example.com", api_key=KEY)
    assert KEY not in repr(creds)
    p = await open_provider("gpjoule", BASE, creds, vault=vault, retry=RetryPolicy(attempts=1))
    saved = vault.load("gpjoule", BASE)
    assert saved is not None and saved.username == "driver@example.com"
    assert saved.refresh_token == KEY and KEY not in repr(saved)
    await p.close()

    p = await open_provider("gpjoule", BASE, vault=vault)
    profile = await resume_saved_login(p, vault, "gpjoule", BASE)
    assert profile is not None and profile.id == "contact-7" and p.is_logged_in
    await p.logout()
    assert vault.load("gpjoule", BASE) is None and not p.is_logged_in
    assert p.gql.key is None  # a driver's key goes with the driver
    await p.close()

    # a revoked key: the saved login is forgotten, the driver asked again
    p = await open_provider("gpjoule", BASE, creds, vault=vault)
    backend.keys.clear()
    p2 = await open_provider("gpjoule", BASE, vault=vault)
    assert await resume_saved_login(p2, vault, "gpjoule", BASE) is None
    assert vault.load("gpjoule", BASE) is None
    await p.close()
    await p2.close()


@respx.mock
async def test_an_operator_key_outlives_a_drivers_logout():
    Backend(respx.mock).on("getContacts", data("getContacts", [CONTACT])).on(
        "getChargepoints", EMPTY
    )
    p = provider(api_key=KEY)
    assert (await p.search_stations(SEARCH)).items == []  # the map works before sign-in
    await p.login(m.Credentials(username="DRIVER@example.com"))
    assert p.username == "driver@example.com"
    await p.logout()
    assert p.gql.key == KEY
    await p.close()
