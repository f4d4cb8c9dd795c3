"""httpx.Auth classes against respx-mocked APIs and token endpoints: headers sent, tokens
fetched, renewed before expiry and after a 401 (once), token-endpoint errors typed, and
every secret kept out of the logs."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from services.auth import ApiKeyHeader, BearerToken, OAuth2Grant, OioiKey, RefreshingBearer
from services.http import RetryPolicy, create_client
from services.provider import (
    Forbidden,
    InvalidCredentials,
    NotAuthenticated,
    SessionExpired,
)

API = "https://api.example.test"
TOKEN_URL = "https://oauth.example.test/token"


async def no_sleep(_s: float) -> None:
    return None


def client(auth: httpx.Auth) -> httpx.AsyncClient:
    c = create_client(retry=RetryPolicy(sleep=no_sleep))
    c.auth = auth
    return c


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


# ------------------------------------------------------------------ refreshing bearer


@respx.mock
async def test_bearer_refreshes_once_after_401_and_repeats_the_request():
    issued = iter(["tok-2", "tok-3"])
    refreshes = []

    async def refresh() -> str:
        refreshes.append(1)
        return next(issued)

    route = respx.get(API + "/me").mock(
        side_effect=[httpx.Response(401), httpx.Response(200, json={"ok": True})]
    )
    async with client(RefreshingBearer(refresh, "tok-1")) as c:
        r = await c.get(API + "/me")
    assert r.status_code == 200 and len(refreshes) == 1
    assert [call.request.headers["Authorization"] for call in route.calls] == [
        "Bearer tok-1",
        "Bearer tok-2",
    ]


@respx.mock
async def test_bearer_gives_up_after_one_refresh():
    async def refresh() -> str:
        return "tok-new"

    route = respx.get(API + "/me").mock(return_value=httpx.Response(401))
    async with client(RefreshingBearer(refresh, "tok-old")) as c:
        r = await c.get(API + "/me")
    assert r.status_code == 401 and route.call_count == 2


@respx.mock
async def test_bearer_renews_before_expiry_and_concurrent_requests_share_it():
    clock = Clock()
    calls = []

    async def refresh() -> BearerToken:
        calls.append(1)
        await asyncio.sleep(0.01)
        return BearerToken("fresh-token", expires_at=clock.now + 3600)

    route = respx.get(API + "/me").mock(return_value=httpx.Response(200))
    auth = RefreshingBearer(
        refresh, BearerToken("old-token", expires_at=clock.now + 30), clock=clock
    )
    async with client(auth) as c:
        await asyncio.gather(*(c.get(API + "/me") for _ in range(5)))
    assert len(calls) == 1
    assert {call.request.headers["Authorization"] for call in route.calls} == {"Bearer fresh-token"}


# ------------------------------------------------------------------ api keys


@respx.mock
async def test_api_key_header_and_oioi_key():
    gp = respx.post(API + "/gpjoule/graphql").mock(return_value=httpx.Response(200))
    oioi = respx.post(API + "/api/v4/request").mock(return_value=httpx.Response(200))
    async with client(ApiKeyHeader("gpj-secret-key")) as c:
        await c.post(API + "/gpjoule/graphql", json={})
    key = OioiKey("a39ff3fb-fe0a-40a3-bdde-df6372c07c89")
    async with client(key) as c:
        await c.post(API + "/api/v4/request", json={})
    assert gp.calls[0].request.headers["x-api-key"] == "gpj-secret-key"
    assert oioi.calls[0].request.headers["Authorization"] == (
        "key=a39ff3fb-fe0a-40a3-bdde-df6372c07c89"
    )
    with pytest.raises(NotAuthenticated):
        key.user("driver@example.com")
    key.user_token = "87d4e3085af04671834ebeb127df33bf"
    assert key.user("driver@example.com") == {
        "identifier-type": "username",
        "identifier": "driver@example.com",
        "token": "87d4e3085af04671834ebeb127df33bf",
    }
    with pytest.raises(ValueError, match="key"):
        ApiKeyHeader("")


# ------------------------------------------------------------------ OAuth2


def token_answer(access: str, refresh: str | None = None, expires_in: int = 3600):
    body = {"access_token": access, "token_type": "Bearer", "expires_in": expires_in}
    if refresh:
        body["refresh_token"] = refresh
    return httpx.Response(200, json=body)


@respx.mock
async def test_client_credentials_fetched_once_and_refetched_at_expiry():
    clock = Clock()
    token = respx.post(TOKEN_URL).mock(
        side_effect=[token_answer("jwt-1", expires_in=600), token_answer("jwt-2")]
    )
    api = respx.get(API + "/points").mock(return_value=httpx.Response(200, json=[]))
    auth = OAuth2Grant(
        TOKEN_URL, client_id="voltra", client_secret="client-secret-1", scope="account", clock=clock
    )
    async with client(auth) as c:
        await c.get(API + "/points")
        await c.get(API + "/points")
        clock.now += 590  # within the renewal margin of the 600 s token
        await c.get(API + "/points")
    assert token.call_count == 2
    sent = form(token.calls[0].request)
    assert sent == {
        "grant_type": "client_credentials",
        "client_id": "voltra",
        "client_secret": "client-secret-1",
        "scope": "account",
    }
    assert token.calls[0].request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert [call.request.headers["Authorization"] for call in api.calls] == [
        "Bearer jwt-1",
        "Bearer jwt-1",
        "Bearer jwt-2",
    ]


@respx.mock
async def test_password_grant_then_refresh_token_on_401_and_the_password_is_dropped():
    token = respx.post(TOKEN_URL).mock(
        side_effect=[token_answer("jwt-1", "refresh-1"), token_answer("jwt-2", "refresh-2")]
    )
    api = respx.get(API + "/me").mock(
        side_effect=[httpx.Response(401), httpx.Response(200, json={"id": "u1"})]
    )
    remembered = []
    auth = OAuth2Grant(
        TOKEN_URL,
        client_id="voltra",
        client_secret="client-secret-2",
        grant="password",
        username="driver@example.com",
        password="driver-demo",
        on_refresh_token=remembered.append,
    )
    async with client(auth) as c:
        r = await c.get(API + "/me")
    assert r.status_code == 200
    assert form(token.calls[0].request)["grant_type"] == "password"
    assert form(token.calls[0].request)["password"] == "driver-demo"
    second = form(token.calls[1].request)
    assert second["grant_type"] == "refresh_token" and second["refresh_token"] == "refresh-1"
    assert "password" not in second and auth._password is None
    assert remembered == ["refresh-1", "refresh-2"]
    assert api.calls[1].request.headers["Authorization"] == "Bearer jwt-2"


@respx.mock
async def test_wrong_password_is_invalid_credentials_and_rejected_refresh_expires_the_login():
    respx.post(TOKEN_URL).mock(return_value=httpx.Response(400, json={"error": "invalid_grant"}))
    respx.get(API + "/me").mock(return_value=httpx.Response(200))
    wrong = OAuth2Grant(
        TOKEN_URL, client_id="voltra", grant="password", username="d@x", password="bad-pass"
    )
    async with client(wrong) as c:
        with pytest.raises(InvalidCredentials):
            await c.get(API + "/me")
    resumed = []
    saved = OAuth2Grant(
        TOKEN_URL,
        client_id="voltra",
        grant="password",
        username="d@x",
        refresh_token="stale-refresh",
        on_refresh_token=resumed.append,
    )
    async with client(saved) as c:
        with pytest.raises(SessionExpired):
            await c.get(API + "/me")
    assert resumed == [None] and saved.token is None


@respx.mock
async def test_unknown_client_is_forbidden_with_a_message():
    respx.post(TOKEN_URL).mock(return_value=httpx.Response(401, json={"error": "invalid_client"}))
    auth = OAuth2Grant(TOKEN_URL, client_id="nobody", client_secret="nope-nope")
    async with client(auth) as c:
        with pytest.raises(Forbidden) as exc:
            await c.get(API + "/points")
    assert "not allowed" in exc.value.message


@respx.mock
async def test_basic_client_auth_sends_the_secret_in_the_header_only():
    token = respx.post(TOKEN_URL).mock(return_value=token_answer("jwt-b"))
    respx.get(API + "/points").mock(return_value=httpx.Response(200))
    auth = OAuth2Grant(TOKEN_URL, client_id="voltra", client_secret="s3cret-b", client_auth="basic")
    async with client(auth) as c:
        await c.get(API + "/points")
    request = token.calls[0].request
    assert request.headers["Authorization"].startswith("Basic ")
    assert "client_secret" not in form(request)


def test_bad_configuration_names_the_field():
    with pytest.raises(ValueError, match="grant"):
        OAuth2Grant(TOKEN_URL, client_id="c", grant="implicit")
    with pytest.raises(ValueError, match="username"):
        OAuth2Grant(TOKEN_URL, client_id="c", grant="password")


# ------------------------------------------------------------------ logs


@respx.mock
async def test_no_secret_reaches_the_logs(caplog):
    caplog.set_level(logging.DEBUG)
    respx.post(TOKEN_URL).mock(return_value=token_answer("jwt-secret-access", "refresh-secret"))
    respx.get(API + "/points").mock(return_value=httpx.Response(200))
    respx.post(API + "/api/v4/request").mock(return_value=httpx.Response(200))
    oauth = OAuth2Grant(
        TOKEN_URL,
        client_id="voltra",
        client_secret="client-secret-xyz",
        grant="password",
        username="d@x",
        password="password-xyz",
    )
    async with client(oauth) as c:
        await c.get(API + "/points")
    async with client(ApiKeyHeader("gpj-key-abcdef")) as c:
        await c.get(API + "/points")
    async with client(OioiKey("oioi-key-abcdef", user_token="oioi-user-token")) as c:
        await c.post(API + "/api/v4/request", json={"user": {"token": "oioi-user-token"}})
    # what a provider might log by hand, too
    logging.getLogger("voltra.http").info(
        "sent x-api-key: gpj-key-abcdef and Authorization: key=oioi-key-abcdef"
    )
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("voltra"))
    assert "x-api-key" in text and "/points" in text  # the requests were logged...
    for secret in (
        "jwt-secret-access",
        "refresh-secret",
        "client-secret-xyz",
        "password-xyz",
        "gpj-key-abcdef",
        "oioi-key-abcdef",
        "oioi-user-token",
    ):
        assert secret not in text  # ...without any secret
