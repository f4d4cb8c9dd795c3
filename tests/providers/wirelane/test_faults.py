"""The Wirelane provider against recorded answers (respx): the password grant and its
refusals, the token renewed before expiry and after a 401, 5xx/429 retried, timeouts,
error bodies naming the parameter, and secrets kept out of logs."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
import respx

from services.models import Credentials
from services.provider import (
    BackendUnavailable,
    Capability,
    Forbidden,
    InvalidCredentials,
    InvalidInput,
    NotAuthenticated,
    NotSupported,
    RateLimited,
)
from services.providers.wirelane import WirelaneProvider, resume
from services.registry import open_provider
from tests.providers.wirelane.fakes import (
    ADMIN,
    BASE,
    BERLIN,
    ORG,
    PASSWORD,
    POINTS,
    SECRET,
    TOKEN_URL,
    Clock,
    Sleeps,
    access_token,
    form,
    provider,
    token_answer,
)
from tests.providers.wirelane.samples import POINT


@respx.mock
async def test_password_grant_is_form_encoded_as_documented():
    token = respx.post(TOKEN_URL).mock(return_value=token_answer())
    p = provider()
    profile = await p.login(ADMIN)
    sent = token.calls.last.request
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.headers["accept"] == "application/json"
    assert form(sent) == {
        "grant_type": "password",
        "client_id": "voltra-test",
        "client_secret": SECRET,
        "username": "fleet@example.com",
        "password": PASSWORD,
        "scope": "account_admin",
    }
    assert profile.email == "fleet@example.com" and profile.id == "user-1"
    assert p.is_logged_in and p.organisation_id == ORG
    await p.close()


@respx.mock
@pytest.mark.parametrize(
    ("status", "error", "raised"),
    [
        (400, "invalid_grant", InvalidCredentials),
        (401, "invalid_client", Forbidden),
        (400, "unsupported_grant_type", NotAuthenticated),
        (400, "invalid_request", NotAuthenticated),
    ],
)
async def test_token_refusals_are_typed(status, error, raised):
    respx.post(TOKEN_URL).mock(return_value=httpx.Response(status, json={"error": error}))
    p = provider()
    with pytest.raises(raised) as caught:
        await p.login(ADMIN)
    assert error in (caught.value.detail or "")
    assert not p.is_logged_in
    with pytest.raises(NotAuthenticated):
        await p.search_stations(BERLIN)
    await p.close()


@respx.mock
async def test_a_401_gets_a_new_token_and_the_request_is_repeated():
    token = respx.post(TOKEN_URL).mock(side_effect=[token_answer(1), token_answer(2)])
    seen = []

    def points(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        if len(seen) == 1:
            return httpx.Response(401, json={"message": "token expired"})
        return httpx.Response(200, json=[POINT])

    respx.get(POINTS).mock(side_effect=points)
    p = provider()
    await p.login(ADMIN)
    page = await p.search_stations(BERLIN)
    assert [s.id for s in page.items] == [POINT["charging_station_id"]]
    assert token.call_count == 2
    assert seen == [f"Bearer {access_token(1)}", f"Bearer {access_token(2)}"]
    await p.close()


@respx.mock
async def test_the_token_is_renewed_before_it_expires():
    clock = Clock()
    token = respx.post(TOKEN_URL).mock(
        side_effect=[token_answer(1, expires_in=300), token_answer(2, expires_in=300)]
    )
    route = respx.get(POINTS).mock(return_value=httpx.Response(200, json=[POINT]))
    p = provider(clock=clock)
    await p.login(ADMIN)
    await p.search_stations(BERLIN)
    assert token.call_count == 1
    clock.now += 250  # within the renewal margin of the 300 s token
    await p.search_stations(BERLIN)
    assert token.call_count == 2
    assert form(token.calls.last.request)["grant_type"] == "password"  # no refresh token issued
    assert route.calls.last.request.headers["authorization"] == f"Bearer {access_token(2)}"
    await p.close()


@respx.mock
async def test_5xx_and_429_are_retried_with_backoff_and_retry_after():
    respx.post(TOKEN_URL).mock(return_value=token_answer())
    route = respx.get(POINTS).mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(429, headers={"Retry-After": "2"}),
            httpx.Response(200, json=[POINT]),
        ]
    )
    sleeps = Sleeps()
    p = provider(sleeps)
    await p.login(ADMIN)
    page = await p.search_stations(BERLIN)
    assert len(page.items) == 1 and route.call_count == 3
    assert len(sleeps.delays) == 2 and sleeps.delays[1] == 2.0
    await p.close()


@respx.mock
async def test_a_back_end_that_stays_down_is_backend_unavailable_and_429_rate_limited():
    respx.post(TOKEN_URL).mock(return_value=token_answer())
    p = provider()
    await p.login(ADMIN)
    respx.get(POINTS).mock(return_value=httpx.Response(502))
    with pytest.raises(BackendUnavailable):
        await p.search_stations(BERLIN)
    respx.get(POINTS).mock(return_value=httpx.Response(429, headers={"Retry-After": "120"}))
    with pytest.raises(RateLimited) as limited:
        await p.search_stations(BERLIN)
    assert limited.value.retry_after == 120
    await p.close()


@respx.mock
async def test_timeouts_are_retried_then_reported():
    respx.post(TOKEN_URL).mock(return_value=token_answer())
    route = respx.get(POINTS).mock(side_effect=httpx.ReadTimeout("slow"))
    p = provider()
    await p.login(ADMIN)
    with pytest.raises(BackendUnavailable) as caught:
        await p.search_stations(BERLIN)
    assert "in time" in caught.value.message
    assert route.call_count == 4  # a GET is safe to repeat
    respx.post(TOKEN_URL).mock(side_effect=httpx.ConnectTimeout("down"))
    with pytest.raises(BackendUnavailable):
        await provider().login(ADMIN)
    await p.close()


@respx.mock
async def test_bad_input_names_the_parameter():
    respx.post(TOKEN_URL).mock(return_value=token_answer())
    respx.get(POINTS).mock(
        return_value=httpx.Response(
            400,
            json={"message": "distance: must be a whole number of metres",
                  "errors": [{"field": "distance", "reason": "must be a whole number"}]},
        )
    )
    p = provider()
    await p.login(ADMIN)
    with pytest.raises(InvalidInput) as caught:
        await p.search_stations(BERLIN)
    assert caught.value.field == "distance"
    assert "metres" in caught.value.message
    respx.get(POINTS).mock(return_value=httpx.Response(403, json={"message": "other org"}))
    with pytest.raises(Forbidden):
        await p.search_stations(BERLIN)
    await p.close()


async def test_charging_and_cards_are_not_offered():
    p = provider()
    assert Capability.CHARGING not in p.capabilities
    assert Capability.CARDS not in p.capabilities
    assert {Capability.SEARCH, Capability.HISTORY, Capability.FLEET} <= p.capabilities
    with pytest.raises(NotSupported):
        await p.start_charging("c1", "card1")
    with pytest.raises(NotSupported):
        await p.list_cards()
    with pytest.raises(InvalidInput) as missing:
        WirelaneProvider(BASE, client_id="x", client_secret="")
    assert missing.value.field == "client_secret"
    with pytest.raises(InvalidInput) as unnamed:
        await open_provider("wirelane", BASE, ADMIN)  # settings without the app's client
    assert unnamed.value.field == "client_id"
    await p.close()


@respx.mock
async def test_secrets_never_reach_the_logs(caplog):
    caplog.set_level(logging.DEBUG)
    respx.post(TOKEN_URL).mock(return_value=token_answer())
    respx.get(POINTS).mock(return_value=httpx.Response(200, json=[POINT]))
    p = provider()
    await p.login(ADMIN)
    await p.search_stations(BERLIN)
    logging.getLogger("voltra.http").info("form sent: %s", f"client_secret={SECRET}")
    text = caplog.text + repr(p) + repr(p.api)
    assert "GET" in caplog.text  # the requests were logged ...
    for secret in (SECRET, PASSWORD, access_token()):
        assert secret not in text  # ... without the secrets
    await p.close()


@respx.mock
async def test_a_refresh_token_is_what_a_remembered_login_keeps():
    kept = []
    respx.post(TOKEN_URL).mock(
        side_effect=[
            httpx.Response(200, json={"access_token": access_token(1), "expires_in": 3600,
                                      "refresh_token": "refresh-token-1"}),
            httpx.Response(200, json={"access_token": access_token(2), "expires_in": 3600}),
        ]
    )
    p = provider(on_login_token=kept.append)
    await p.login(ADMIN)
    assert len(kept) == 1
    key = resume.unpack(kept[0])
    assert key and key.refresh_token == "refresh-token-1" and key.password is None
    assert (key.client_id, key.client_secret) == ("voltra-test", SECRET)
    await p.logout()
    assert kept[-1] is None and not p.is_logged_in
    # the key alone resumes: the app's client comes with it
    resumed = WirelaneProvider(BASE, on_login_token=kept.append)
    await resumed.login(Credentials(username="fleet@example.com", refresh_token=kept[0]))
    last = respx.calls.last.request
    assert form(last) == {"grant_type": "refresh_token", "refresh_token": "refresh-token-1",
                          "client_id": "voltra-test", "client_secret": SECRET}
    assert not any(PASSWORD in x for x in kept if x)
    await asyncio.gather(p.close(), resumed.close())
