"""GraphQL over HTTP POST, with GraphQL and HTTP errors turned into typed errors.

Errors arrive three ways: HTTP status (429, 5xx, 401 from a gateway), ``errors[]`` with
``extensions.code`` in the conventional Apollo/graphql-java words (UNAUTHENTICATED,
FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, ...), and error objects inside results, which are
each API's own (its provider maps those).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from services.http import idempotent, parse_retry_after
from services.provider import (
    BackendUnavailable,
    Conflict,
    ConnectorUnavailable,
    Forbidden,
    InvalidCredentials,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    NotSupported,
    ProviderError,
    RateLimited,
    SessionExpired,
)
from services.providers.common.transport_errors import unreachable

# extensions.code values that mean "the token is no longer good" (renew and retry once)
TOKEN_CODES = frozenset({"UNAUTHENTICATED", "TOKEN_EXPIRED", "SESSION_EXPIRED", "INVALID_TOKEN"})

ErrorMapper = Callable[[dict], ProviderError]


def field_from_message(message: str) -> str | None:
    # the embedded core's convention: the message names the field first ("label: empty")
    m = re.match(r"^\s*([A-Za-z_][\w.]*)\s*:", message)
    return m.group(1) if m else None


def from_graphql_error(err: dict) -> ProviderError:
    ext = err.get("extensions") or {}
    code = str(ext.get("code") or "").upper()
    message = err.get("message") or None
    detail = f"{code}: {message}" if code else message
    reason = str(ext.get("reason") or "").upper()
    if reason == "INVALID_CREDENTIALS":
        return InvalidCredentials(detail=detail)
    if reason in ("SESSION_EXPIRED", "TOKEN_EXPIRED", "EXPIRED"):
        return SessionExpired(detail=detail)
    if reason in ("INACTIVE", "DEACTIVATED"):
        return Forbidden("This account is deactivated.", detail=detail)
    if reason in ("LOGIN_THROTTLED", "TOO_MANY_ATTEMPTS", "LOCKED"):
        return RateLimited(message, retry_after=ext.get("retryAfter"), detail=detail)
    if code in TOKEN_CODES:
        if "expired" in (message or "").lower() or code != "UNAUTHENTICATED":
            return SessionExpired(detail=detail)
        return NotAuthenticated(detail=detail)
    if code == "FORBIDDEN":
        return Forbidden(message, detail=detail)
    if code == "NOT_FOUND":
        return NotFound(message, detail=detail)
    if code in ("BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"):
        field = ext.get("field") or field_from_message(message or "")
        return InvalidInput(message, field=field, detail=detail)
    if code in ("CONFLICT", "ALREADY_EXISTS"):
        return Conflict(message, detail=detail)
    if code in ("RATE_LIMITED", "TOO_MANY_REQUESTS"):
        return RateLimited(message, retry_after=ext.get("retryAfter"), detail=detail)
    if code in ("CONNECTOR_UNAVAILABLE", "CONNECTOR_OCCUPIED"):
        return ConnectorUnavailable(message, detail=detail)
    if code in ("CHARGING_UNAVAILABLE", "NOT_IMPLEMENTED"):
        return NotSupported(detail=detail)
    if code in ("INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"):
        return BackendUnavailable(detail=detail)
    return ProviderError(message, detail=detail)


def is_token_problem(exc: BaseException) -> bool:
    """Whether ``exc`` says the credentials sent were stale: renewing them and sending the
    request again is then safe (a request rejected as unauthenticated was not carried out)."""
    return bool(getattr(exc, "token_problem", False))


class GraphQLTransport:
    """POSTs operations to one GraphQL endpoint over a client from services.http.

    Authentication is either the ``bearer`` given per call (APIs with a session lifecycle)
    or an ``httpx.Auth`` on the client (API keys, OAuth2)."""

    def __init__(
        self,
        endpoint: str,
        http: httpx.AsyncClient,
        *,
        errors: ErrorMapper = from_graphql_error,
        token_codes: frozenset[str] = TOKEN_CODES,
    ) -> None:
        self.endpoint = endpoint
        self.http = http
        self._errors = errors
        self._token_codes = token_codes

    async def post(
        self, document: str, variables: dict, *, bearer: str | None = None, safe: bool
    ) -> dict:
        """Run one operation and return its ``data``. ``safe``: whether the HTTP layer may
        send it again after a 5xx or a broken connection."""
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        try:
            response = await self.http.post(
                self.endpoint,
                json={"query": document, "variables": variables},
                headers=headers,
                extensions=idempotent(safe),
            )
        except httpx.TransportError as exc:
            raise unreachable(exc) from exc
        status = response.status_code
        if status == 429:
            raise RateLimited(
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                detail="HTTP 429",
            )
        if status >= 500:
            raise BackendUnavailable(detail=f"HTTP {status}")
        try:
            body = response.json()
        except ValueError as exc:
            raise BackendUnavailable(detail=f"HTTP {status}: not JSON") from exc
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors:
            first = errors[0]
            err = self._errors(first)
            code = str((first.get("extensions") or {}).get("code") or "").upper()
            if (
                isinstance(err, NotAuthenticated)
                and not isinstance(err, InvalidCredentials)
                and code in self._token_codes
                and bearer
            ):
                err.token_problem = True  # type: ignore[attr-defined]
            raise err
        if status == 401:
            err = NotAuthenticated(detail="HTTP 401")
            err.token_problem = bool(bearer)  # type: ignore[attr-defined]
            raise err
        if status >= 400 or not isinstance(body, dict) or body.get("data") is None:
            raise ProviderError(detail=f"HTTP {status}: no data")
        return body["data"]
