"""be.ENERGISED error shapes -> the typed errors of services.provider.

Three places carry errors on this API: HTTP status (429, 5xx, 401 from a gateway), GraphQL
``errors[].extensions.code`` (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, ...), and
``error: ErrorBody`` inside some results (login, registerContact, updateContact).
"""

from __future__ import annotations

import re

from services.provider import (
    BackendUnavailable,
    CardRejected,
    ChargerRejected,
    Conflict,
    ConnectorUnavailable,
    Forbidden,
    InvalidCredentials,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    NotSupported,
    NoVehicle,
    OperationTimedOut,
    ProviderError,
    RateLimited,
    SessionExpired,
)

from .wire import ErrorBody

# extensions.code values that mean "the token is no longer good" (renew and retry once)
TOKEN_CODES = frozenset({"UNAUTHENTICATED", "TOKEN_EXPIRED", "SESSION_EXPIRED", "INVALID_TOKEN"})


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
        field = ext.get("field") or _field_from_message(message or "")
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


def _field_from_message(message: str) -> str | None:
    # core convention: the message names the field first, e.g. "label: must not be empty"
    m = re.match(r"^\s*([A-Za-z_][\w.]*)\s*:", message)
    return m.group(1) if m else None


def from_error_body(body: ErrorBody, *, login: bool = False) -> ProviderError:
    status = body.response.status if body.response else None
    message = None
    if body.response and body.response.body:
        message = body.response.body.message
    detail = f"{body.code}: {status} {message}"
    code = (body.code or "").upper()
    if login and (status in (400, 401, 403) or "CREDENTIAL" in code or "LOGIN" in code):
        return InvalidCredentials(detail=detail)
    if status == 401 or code == "UNAUTHENTICATED":
        return NotAuthenticated(detail=detail)
    if status == 403 or code == "FORBIDDEN":
        return Forbidden(message, detail=detail)
    if status == 404 or code == "NOT_FOUND":
        return NotFound(message, detail=detail)
    if status == 409 or "EXISTS" in code:
        return Conflict(message, detail=detail)
    if status in (400, 422) or code == "BAD_USER_INPUT":
        return InvalidInput(message, field=_field_from_message(message or ""), detail=detail)
    if status is not None and status >= 500:
        return BackendUnavailable(detail=detail)
    return ProviderError(message, detail=detail)


def from_start_failure(reason: str | None) -> ProviderError:
    """AttemptRemoteStartResponse.failureReason is free text: read it for the driver.

    The words matched are those OCPP and the attempt flow use (StatusNotification states,
    RemoteStartTransaction Rejected, Authorize Blocked/Invalid/Expired).
    """
    text = (reason or "").lower()
    detail = reason
    if "did not answer" in text or "request expired" in text or "timed out" in text:
        return OperationTimedOut(reason, detail=detail)
    if any(
        w in text
        for w in (
            "no vehicle",
            "no ev",
            "not plugged",
            "vehicle not",
            "no car",
            "ev not connected",
            "cable",
        )
    ):
        return NoVehicle(detail=detail)
    if any(
        w in text
        for w in ("blocked", "invalid tag", "expired", "card", "not authori", "concurrenttx", "tag")
    ):
        return CardRejected(detail=detail)
    if "fault" in text or "out of order" in text:
        return ConnectorUnavailable(
            "This connector is out of order.", reason="faulted", detail=detail
        )
    if any(w in text for w in ("offline", "not connected", "unreachable", "disconnected")):
        return ConnectorUnavailable(
            "This charger is offline right now.", reason="offline", detail=detail
        )
    if any(w in text for w in ("occupied", "in use", "busy", "reserved")):
        return ConnectorUnavailable(reason="occupied", detail=detail)
    if "unavailable" in text:
        return ConnectorUnavailable(reason="offline", detail=detail)
    return ChargerRejected(detail=detail)
