"""be.ENERGISED error shapes -> the typed errors of services.provider.

HTTP status and GraphQL ``errors[]`` are read by the shared GraphQL transport
(providers.common.graphql); this API adds ``error: ErrorBody`` inside some results (login,
registerContact, updateContact) and the free-text failure reason of a remote start.
"""

from __future__ import annotations

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
    NoVehicle,
    OperationTimedOut,
    ProviderError,
)
from services.providers.common.graphql import TOKEN_CODES, field_from_message, from_graphql_error

from .wire import ErrorBody

__all__ = ["TOKEN_CODES", "from_error_body", "from_graphql_error", "from_start_failure"]


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
        return InvalidInput(message, field=field_from_message(message or ""), detail=detail)
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
