"""Wirelane HTTP answers -> the typed errors of services.provider.

The document lists no error body. Refusals are read by status (400/422 bad input, 401, 403,
404, 429, 5xx), and the body, when it is JSON, for a message and the parameter it names:
``message``/``error_description``/``detail``/``error`` and ``field``/``parameter`` at the top
or in the first item of ``errors``.
"""

from __future__ import annotations

import httpx

from services.http import parse_retry_after
from services.provider import (
    BackendUnavailable,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ProviderError,
    RateLimited,
)

_MESSAGE_KEYS = ("message", "error_description", "detail", "error", "title")
_FIELD_KEYS = ("field", "parameter", "param", "name")


def _first_text(body: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _body(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return {"errors": body}
    return body if isinstance(body, dict) else {}


def describe(response: httpx.Response) -> tuple[str | None, str | None]:
    """The message and the parameter an error body names, when it names them."""
    body = _body(response)
    message = _first_text(body, _MESSAGE_KEYS)
    field = _first_text(body, _FIELD_KEYS)
    items = body.get("errors")
    if isinstance(items, list) and items and isinstance(items[0], dict):
        first = items[0]
        field = field or _first_text(first, _FIELD_KEYS)
        loc = first.get("loc")
        if field is None and isinstance(loc, list) and loc:
            field = str(loc[-1])
        reason = _first_text(first, ("reason", *_MESSAGE_KEYS))
        if message is None and reason:
            message = f"{field}: {reason}" if field else reason
    return message, field


def from_response(response: httpx.Response) -> ProviderError:
    status = response.status_code
    message, field = describe(response)
    detail = f"HTTP {status}: {message or response.reason_phrase}"
    if status == 429:
        return RateLimited(
            retry_after=parse_retry_after(response.headers.get("Retry-After")), detail=detail
        )
    if status >= 500:
        return BackendUnavailable(detail=detail)
    if status == 401:
        return NotAuthenticated(detail=detail)
    if status == 403:
        return Forbidden(
            "This login may not see that organisation's data.", detail=detail
        )
    if status == 404:
        return NotFound(detail=detail)
    if status in (400, 422):
        return InvalidInput(message, field=field, detail=detail)
    return ProviderError(detail=detail)
