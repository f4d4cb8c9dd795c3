"""The one HTTP client factory every provider uses.

Timeouts, retries with exponential backoff and full jitter, Retry-After honoured, and logs
with secrets scrubbed. Retrying is decided per request:

- a connection that was never established (connect error / connect timeout) is retried for
  every request, because the server cannot have seen it;
- 429 is retried for every request: the server says it did not process it;
- 5xx, read timeouts and broken connections are retried only for requests the caller marks
  idempotent (``extensions={"idempotent": True}``, see :func:`idempotent`) or whose method is
  idempotent by HTTP semantics. A GraphQL mutation that starts charging must not be sent twice
  just because a proxy answered 502.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

log = logging.getLogger("voltra.http")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

Sleep = Callable[[float], Awaitable[None]]


def idempotent(value: bool = True) -> dict:
    """Request ``extensions`` marking whether a request may be repeated safely."""
    return {"idempotent": value}


@dataclass
class RetryPolicy:
    attempts: int = 4  # total tries, including the first
    backoff_base: float = 0.25  # seconds; delay before try n is base * 2**(n-1), jittered
    backoff_max: float = 8.0
    retry_after_max: float = 30.0  # a longer Retry-After is not waited for: caller decides
    statuses: frozenset[int] = RETRY_STATUSES
    sleep: Sleep = field(default=asyncio.sleep, repr=False)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def backoff(self, attempt: int) -> float:
        """Full jitter (AWS architecture blog): spreads clients that failed together."""
        cap = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return self.rng.uniform(0, cap)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _is_idempotent(request: httpx.Request) -> bool:
    marked = request.extensions.get("idempotent")
    if marked is not None:
        return bool(marked)
    return request.method.upper() in IDEMPOTENT_METHODS


class RetryTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; the retry loop lives here so every call path gets it."""

    def __init__(self, inner: httpx.AsyncBaseTransport, policy: RetryPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        policy = self._policy
        safe = _is_idempotent(request)
        attempt = 1
        while True:
            try:
                response = await self._inner.handle_async_request(request)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt >= policy.attempts:
                    raise
                delay = policy.backoff(attempt)
                log.info(
                    "%s %s: %s, retry %d in %.2fs",
                    request.method,
                    redact_url(request.url),
                    type(exc).__name__,
                    attempt,
                    delay,
                )
            except (
                httpx.ReadTimeout,
                httpx.WriteTimeout,
                httpx.RemoteProtocolError,
                httpx.ReadError,
                httpx.WriteError,
            ) as exc:
                # The server may have acted on it: only repeat what is safe to repeat.
                if not safe or attempt >= policy.attempts:
                    raise
                delay = policy.backoff(attempt)
                log.info(
                    "%s %s: %s, retry %d in %.2fs",
                    request.method,
                    redact_url(request.url),
                    type(exc).__name__,
                    attempt,
                    delay,
                )
            else:
                status = response.status_code
                retryable = status in policy.statuses and (status == 429 or safe)
                if not retryable or attempt >= policy.attempts:
                    return response
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if retry_after is not None and retry_after > policy.retry_after_max:
                    return response  # caller turns it into RateLimited(retry_after=...)
                delay = retry_after if retry_after is not None else policy.backoff(attempt)
                await response.aread()
                await response.aclose()
                log.info(
                    "%s %s: HTTP %d, retry %d in %.2fs",
                    request.method,
                    redact_url(request.url),
                    status,
                    attempt,
                    delay,
                )
            await policy.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._inner.aclose()


DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


def create_client(
    base_url: str = "",
    *,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = None,
    headers: dict[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    user_agent: str = "Voltra/0.1",
) -> httpx.AsyncClient:
    """The AsyncClient for talking to one back end."""
    inner = transport or httpx.AsyncHTTPTransport()
    all_headers = {"User-Agent": user_agent, **(headers or {})}
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=timeout,
        headers=all_headers,
        transport=RetryTransport(inner, retry or RetryPolicy()),
        event_hooks={"request": [_log_request], "response": [_log_response]},
        follow_redirects=False,
    )


# ------------------------------------------------------------------ redaction

_SECRET_PARAMS = re.compile(
    r"(?i)((?:access_|refresh_|session_|id_)?token|key|api_key|apikey|password|secret|"
    r"client_secret|code)=([^&\s]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic|key)[ =]+([A-Za-z0-9._~+/=-]{6,})")
_JSON_SECRET = re.compile(
    r'(?i)("(?:password|sessionToken|refreshToken|token|apiKey|api_key|secret|'
    r'access_token|refresh_token)"\s*:\s*)"[^"]*"'
)
# header-style API keys in free text: "x-api-key: K", {'x-api-key': 'K'}, "X-Api-Key=K"
_API_KEY_HEADER = re.compile(r"""(?i)(\bx-api-key['"]?\s*[:=]\s*['"]?)([^\s'",}]+)""")
_known_secrets: set[str] = set()
_MASK = "***"


def register_secret(value: str | None) -> None:
    """Remember a secret (token, password) so any log line containing it is scrubbed."""
    if value and len(value) >= 6:
        _known_secrets.add(value)


def forget_secret(value: str | None) -> None:
    _known_secrets.discard(value or "")


def redact(text: str) -> str:
    for secret in list(_known_secrets):
        if secret in text:
            text = text.replace(secret, _MASK)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {_MASK}", text)
    text = _API_KEY_HEADER.sub(lambda m: f"{m.group(1)}{_MASK}", text)
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}={_MASK}", text)
    return _JSON_SECRET.sub(lambda m: f'{m.group(1)}"{_MASK}"', text)


def redact_url(url: httpx.URL | str) -> str:
    return redact(str(url))


def redact_headers(headers: httpx.Headers | dict[str, str]) -> dict[str, str]:
    sensitive = {"authorization", "x-api-key", "cookie", "set-cookie", "proxy-authorization"}
    return {k: (_MASK if k.lower() in sensitive else v) for k, v in dict(headers).items()}


class RedactingFilter(logging.Filter):
    """Scrubs secrets from any record; install on handlers that may see provider logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg = redact(message)
        record.args = None
        return True


log.addFilter(RedactingFilter())


async def _log_request(request: httpx.Request) -> None:
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "-> %s %s %s",
            request.method,
            redact_url(request.url),
            redact_headers(request.headers),
        )


async def _log_response(response: httpx.Response) -> None:
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "<- %d %s %s",
            response.status_code,
            response.request.method,
            redact_url(response.request.url),
        )
