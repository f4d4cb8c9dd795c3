"""GP JOULE CONNECT error shapes -> the typed errors of services.provider.

HTTP status and GraphQL ``errors[]`` are read by the shared transport; this API's only
credential is the partner key, so any refusal as unauthenticated means the key was refused.
A remote start or stop answers with a free ``status`` word and ``message`` instead of an error.
"""

from __future__ import annotations

from services.provider import (
    CardRejected,
    ChargerRejected,
    ConnectorUnavailable,
    InvalidCredentials,
    NotAuthenticated,
    NotFound,
    NoVehicle,
    OperationTimedOut,
    ProviderError,
)
from services.providers.common.graphql import from_graphql_error

KEY_REFUSED = "The API key was not accepted. Check the key your operator gave you."


def key_refused(detail: str | None) -> InvalidCredentials:
    return InvalidCredentials(KEY_REFUSED, detail=detail)


def from_error(err: dict) -> ProviderError:
    mapped = from_graphql_error(err)
    if isinstance(mapped, NotAuthenticated):
        return key_refused(mapped.detail)
    return mapped


# Words a refused start carries in status or message: the reasons the core and OCPP give
# (StatusNotification states, RemoteStartTransaction Rejected, Authorize Blocked/Invalid).
_NO_VEHICLE = ("no vehicle", "no_vehicle", "novehicle", "not plugged", "no ev", "cable")
_CARD = ("blocked", "inactive", "deactivated", "invalid", "expired", "card", "tag")
_FAULTED = ("fault", "out of order", "out_of_order")
_OFFLINE = ("offline", "not connected", "unreachable", "disconnected")
_OCCUPIED = ("occupied", "in use", "busy", "reserved")
_TIMEOUT = ("timeout", "timed out", "did not answer", "timed_out")
_NOT_FOUND = ("not found", "not_found", "unknown connector")


def start_refused(reason: str | None) -> ProviderError:
    """A refused start for the driver, from the ``status`` and ``message`` it came with."""
    text = (reason or "").lower()
    detail = reason
    if any(w in text for w in _TIMEOUT):
        return OperationTimedOut(detail=detail)
    if any(w in text for w in _NO_VEHICLE):
        return NoVehicle(detail=detail)
    if any(w in text for w in _NOT_FOUND):
        return NotFound("This connector was not found.", detail=detail)
    if any(w in text for w in _CARD):
        return CardRejected(detail=detail)
    if any(w in text for w in _FAULTED):
        return ConnectorUnavailable(
            "This connector is out of order.", reason="faulted", detail=detail
        )
    if any(w in text for w in _OFFLINE):
        return ConnectorUnavailable(
            "This charger is offline right now.", reason="offline", detail=detail
        )
    if any(w in text for w in _OCCUPIED):
        return ConnectorUnavailable(reason="occupied", detail=detail)
    if "unavailable" in text:
        return ConnectorUnavailable(reason="offline", detail=detail)
    return ChargerRejected(detail=detail)
