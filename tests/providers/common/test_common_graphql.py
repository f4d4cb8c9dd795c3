"""The shared GraphQL transport: HTTP and GraphQL errors become typed errors, credentials
come either per call (bearer) or from the client's httpx.Auth (x-api-key)."""

from __future__ import annotations

import httpx
import pytest
import respx

from services.auth import ApiKeyHeader
from services.http import RetryPolicy, create_client
from services.provider import (
    BackendUnavailable,
    InvalidInput,
    NotAuthenticated,
    ProviderError,
    RateLimited,
)
from services.providers.common.graphql import GraphQLTransport, is_token_problem
from services.providers.common.graphql_ws import ws_url

URL = "https://gp.example.test/gpjoule/graphql"


async def no_sleep(_s: float) -> None:
    return None


def transport(auth: httpx.Auth | None = None) -> GraphQLTransport:
    http = create_client(retry=RetryPolicy(attempts=1, sleep=no_sleep))
    if auth is not None:
        http.auth = auth
    return GraphQLTransport(URL, http)


@respx.mock
async def test_data_is_returned_and_the_api_key_sent():
    route = respx.post(URL).mock(return_value=httpx.Response(200, json={"data": {"x": 1}}))
    t = transport(ApiKeyHeader("gp-key-123456"))
    assert await t.post("query { x }", {"a": 1}, safe=True) == {"x": 1}
    request = route.calls[0].request
    assert request.headers["x-api-key"] == "gp-key-123456"
    assert "Authorization" not in request.headers
    assert b'"variables":{"a":1}' in request.content
    await t.http.aclose()


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(429, headers={"Retry-After": "7"}), RateLimited),
        (httpx.Response(503), BackendUnavailable),
        (httpx.Response(200, text="<html>"), BackendUnavailable),
        (httpx.Response(400, json={"data": None}), ProviderError),
        (
            httpx.Response(
                200,
                json={
                    "errors": [
                        {"message": "label: too long", "extensions": {"code": "BAD_USER_INPUT"}}
                    ]
                },
            ),
            InvalidInput,
        ),
    ],
)
@respx.mock
async def test_errors_are_typed(response, error):
    respx.post(URL).mock(return_value=response)
    t = transport()
    with pytest.raises(error) as exc:
        await t.post("query { x }", {}, safe=True)
    if error is RateLimited:
        assert exc.value.retry_after == 7.0
    if error is InvalidInput:
        assert exc.value.field == "label"
    await t.http.aclose()


@respx.mock
async def test_stale_bearer_is_flagged_for_one_renewal():
    expired = {"errors": [{"message": "expired", "extensions": {"code": "UNAUTHENTICATED"}}]}
    route = respx.post(URL).mock(return_value=httpx.Response(200, json=expired))
    t = transport()
    with pytest.raises(NotAuthenticated) as with_token:
        await t.post("query { me }", {}, bearer="old-session", safe=True)
    with pytest.raises(NotAuthenticated) as without:
        await t.post("query { me }", {}, safe=True)
    assert is_token_problem(with_token.value) and not is_token_problem(without.value)
    assert route.calls[0].request.headers["Authorization"] == "Bearer old-session"
    await t.http.aclose()


def test_ws_url_keeps_host_port_and_path():
    assert (
        ws_url("https://h.example:8443/gpjoule/graphql") == "wss://h.example:8443/gpjoule/graphql"
    )
    assert ws_url("http://127.0.0.1:8080/graphql/") == "ws://127.0.0.1:8080/graphql/"
