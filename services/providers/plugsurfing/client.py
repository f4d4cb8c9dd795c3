"""JSON over HTTP to the one OIOI endpoint: ``POST <base>/api/v4/request`` with
``Authorization: key=<partner key>``, the body keyed by the request type, the answer
carrying ``result{code, message}``.

Where the answer's data sits differs between the document's own examples: at the top
level (``stations``), under ``user`` (user-verify, user-get-details, ...) or under the
request type (session-start, user-unblock-rfid). :func:`payload` merges the three.
"""

from __future__ import annotations

import logging

import httpx
from pydantic import ValidationError

from services.auth import OioiKey
from services.http import RedactingFilter, RetryPolicy, create_client, idempotent, parse_retry_after
from services.provider import (
    BackendUnavailable,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    OperationTimedOut,
    ProviderError,
    RateLimited,
)

from . import wire as w
from .errors import SUCCESS_CODES, from_result

log = logging.getLogger("voltra.http.plugsurfing")
log.addFilter(RedactingFilter())

PATH = "/api/v4/request"


def payload(body: dict, request: str) -> dict:
    out = {k: v for k, v in body.items() if k not in ("result", "user", request)}
    for key in ("user", request):
        if isinstance(body.get(key), dict):
            out.update(body[key])
    return out


class OioiClient:
    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.endpoint = base_url.rstrip("/") + PATH
        self._http = http or create_client(retry=retry)
        self._own_http = http is None
        self.auth: OioiKey | None = OioiKey(api_key) if api_key else None
        self.key: str | None = api_key or None

    @property
    def has_key(self) -> bool:
        return self.auth is not None

    def set_key(self, key: str) -> None:
        token = self.auth.user_token if self.auth else None
        self.auth = OioiKey(key, token)
        self.key = key

    async def request(self, kind: str, fields: dict | None = None, *, safe: bool) -> dict:
        """Send one request of type ``kind``; return its data (see :func:`payload`).
        ``safe``: whether it may be sent again after a 5xx or a broken connection."""
        return (await self.send(kind, fields, safe=safe))[1]

    async def send(self, kind: str, fields: dict | None = None, *, safe: bool) -> tuple[int, dict]:
        """As :meth:`request`, with the success code (0, or 011/012 for a start)."""
        if self.auth is None:
            raise NotAuthenticated(
                "Enter the API key of the charging service.", detail="no OIOI key"
            )
        try:
            response = await self._http.post(
                self.endpoint,
                json={kind: fields or {}},
                auth=self.auth,
                extensions=idempotent(safe),
            )
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise BackendUnavailable(detail=f"{kind}: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            # sent, but no answer: a start or a card change may have happened anyway
            if not safe:
                raise OperationTimedOut(detail=f"{kind}: {type(exc).__name__}") from exc
            if isinstance(exc, httpx.TimeoutException):
                raise BackendUnavailable(
                    "The charging service did not answer in time.", detail=type(exc).__name__
                ) from exc
            raise BackendUnavailable(detail=f"{kind}: {type(exc).__name__}") from exc
        return self._read(kind, response)

    def _read(self, kind: str, response: httpx.Response) -> tuple[int, dict]:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else None
        result = body.get("result") if body else None
        if status == 429:  # whatever the code says (a throttled sign-in): wait, then retry
            message = result.get("message") if isinstance(result, dict) else None
            raise RateLimited(
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                detail=f"{kind}: HTTP 429 {message or ''}".strip(),
            )
        if isinstance(result, dict) and result.get("code") is not None:
            try:
                r = w.Result.model_validate(result)
            except ValidationError as exc:
                raise ProviderError(detail=f"{kind}: result {result!r:.80}") from exc
            if status == 200 and r.code in SUCCESS_CODES:
                return r.code, payload(body, kind)
            if r.code not in SUCCESS_CODES:
                raise from_result(r.code, r.message, request=kind)
        if status >= 500:
            raise BackendUnavailable(detail=f"{kind}: HTTP {status}")
        detail = f"{kind}: HTTP {status}"
        if status == 400:
            raise InvalidInput(detail=detail)
        if status == 401:
            raise NotAuthenticated(detail=detail)
        if status == 403:
            raise Forbidden(
                "This app is not allowed to use the charging service. Check its settings.",
                detail=detail,
            )
        if status == 404:
            raise NotFound(detail=detail)
        if status != 200 or body is None:
            raise ProviderError(detail=f"{detail}: no OIOI answer")
        # no result block (the user-unblock-rfid example answers {"success": true} only)
        data = payload(body, kind)
        if data.get("success") is False:
            raise ProviderError(detail=f"{kind}: success false")
        return 0, data

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()
