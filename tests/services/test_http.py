"""Retry, backoff and redaction of the shared HTTP client (faults injected with respx)."""

from __future__ import annotations

import logging

import httpx
import pytest
import respx

from services.http import (
    RetryPolicy,
    create_client,
    idempotent,
    parse_retry_after,
    redact,
    register_secret,
)

URL = "https://backend.invalid/graphql/"


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def client(sleeps: Sleeps, attempts: int = 4) -> httpx.AsyncClient:
    return create_client(retry=RetryPolicy(attempts=attempts, sleep=sleeps))


@respx.mock
async def test_503_with_retry_after_is_honoured_then_succeeds():
    sleeps = Sleeps()
    route = respx.post(URL).mock(
        side_effect=[
            httpx.Response(503, headers={"Retry-After": "2"}),
            httpx.Response(200, json={"data": {"ok": True}}),
        ]
    )
    async with client(sleeps) as c:
        r = await c.post(URL, json={}, extensions=idempotent())
    assert r.status_code == 200
    assert route.call_count == 2
    assert sleeps.delays == [2.0]


@respx.mock
async def test_5xx_not_retried_for_non_idempotent_call():
    sleeps = Sleeps()
    route = respx.post(URL).mock(return_value=httpx.Response(502))
    async with client(sleeps) as c:
        r = await c.post(URL, json={}, extensions=idempotent(False))
    assert r.status_code == 502
    assert route.call_count == 1
    assert sleeps.delays == []


@respx.mock
async def test_429_retried_even_for_mutation_and_backoff_grows_with_jitter_cap():
    sleeps = Sleeps()
    route = respx.post(URL).mock(
        side_effect=[httpx.Response(429), httpx.Response(429), httpx.Response(200, json={})]
    )
    policy = RetryPolicy(attempts=4, sleep=sleeps, backoff_base=1.0)
    async with create_client(retry=policy) as c:
        r = await c.post(URL, json={}, extensions=idempotent(False))
    assert r.status_code == 200
    assert route.call_count == 3
    assert 0 <= sleeps.delays[0] <= 1.0 and 0 <= sleeps.delays[1] <= 2.0


@respx.mock
async def test_retry_after_too_long_is_returned_to_caller():
    sleeps = Sleeps()
    respx.get(URL).mock(return_value=httpx.Response(429, headers={"Retry-After": "3600"}))
    async with client(sleeps) as c:
        r = await c.get(URL)
    assert r.status_code == 429
    assert sleeps.delays == []


@respx.mock
async def test_connect_error_retried_then_raised_after_attempts():
    sleeps = Sleeps()
    route = respx.post(URL).mock(side_effect=httpx.ConnectError("refused"))
    async with client(sleeps, attempts=3) as c:
        with pytest.raises(httpx.ConnectError):
            await c.post(URL, json={}, extensions=idempotent(False))
    assert route.call_count == 3
    assert len(sleeps.delays) == 2


@respx.mock
async def test_read_timeout_only_retried_when_idempotent():
    sleeps = Sleeps()
    route = respx.post(URL).mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(200, json={})]
    )
    async with client(sleeps) as c:
        r = await c.post(URL, json={}, extensions=idempotent())
    assert r.status_code == 200 and route.call_count == 2

    route.reset()
    route.mock(side_effect=[httpx.ReadTimeout("slow"), httpx.Response(200, json={})])
    async with client(sleeps) as c:
        with pytest.raises(httpx.ReadTimeout):
            await c.post(URL, json={}, extensions=idempotent(False))
    assert route.call_count == 1


def test_parse_retry_after_forms():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0


def test_redaction_of_tokens_headers_and_json():
    register_secret("s3cr3t-session-token-value")
    line = (
        "Authorization: Bearer abcdef123456 url=https://x/?token=zzzzzz&a=1 "
        '{"password": "hunter22", "refreshToken": "rrrrrrr"} s3cr3t-session-token-value'
    )
    out = redact(line)
    for secret in ("abcdef123456", "zzzzzz", "hunter22", "rrrrrrr", "s3cr3t-session-token-value"):
        assert secret not in out
    assert "a=1" in out


@respx.mock
async def test_logs_never_contain_the_bearer_token(caplog):
    respx.get(URL).mock(return_value=httpx.Response(200))
    caplog.set_level(logging.DEBUG, logger="voltra.http")
    async with create_client(headers={"Authorization": "Bearer tok-0123456789"}) as c:
        await c.get(URL + "?token=tok-0123456789")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "->" in text
    assert "tok-0123456789" not in text
