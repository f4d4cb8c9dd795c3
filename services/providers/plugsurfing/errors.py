"""OIOI result codes -> the typed errors of services.provider, with driver messages.

The document lets a back end answer "a more general code ... in parallel to the more
specific code" (any 14x may come as 100, any 3xx as 300), so a code is read by its most
specific known value first and by its hundred's group after that.
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
    SessionExpired,
)

SUCCESS_CODES = frozenset({0, 11, 12})
STARTED = 11  # "the customer is charging at the EVSE"
AUTHORIZED = 12  # "the customer must now plug in the cable to start"
TOKEN_NOT_VALID = 145

_KEY_MESSAGE = "This app is not allowed to use the charging service. Check its settings."


def _exact(code: int, message: str | None, detail: str) -> ProviderError | None:
    match code:
        case 102 | 302 | 402 | 802:
            return OperationTimedOut(
                "The charging service did not answer in time. Check your sessions before retrying.",
                detail=detail,
            )
        case 312:
            # the charger did not answer the operator: to a driver, it is offline
            return ConnectorUnavailable(
                "This charger is offline right now.", reason="offline", detail=detail
            )
        case 140:
            return NotAuthenticated("Sign-in was not accepted. Please log in again.", detail=detail)
        case 141 | 142:
            return InvalidCredentials(detail=detail)
        case 143:
            return Conflict("An account with this email already exists.", detail=detail)
        case 144:
            return InvalidCredentials("There is no account with this email.", detail=detail)
        case 145:
            return SessionExpired(detail=detail)
        case 181:
            return NotFound("This charging point was not found.", detail=detail)
        case 182:
            return NotFound("This charging session was not found.", detail=detail)
        case 183:
            return NotFound("This operator was not found.", detail=detail)
        case 184:
            return NotFound("This vehicle was not found.", detail=detail)
        case 187:
            return NotSupported("This charging point cannot be paid for directly.", detail=detail)
        case 188:
            return NotSupported(
                "This charging point cannot be stopped from the app. Unplug to stop.",
                detail=detail,
            )
        case 191:
            return NotFound("This charge card was not found.", detail=detail)
        case 192:
            return CardRejected("This charge card is blocked.", detail=detail)
        case 193:
            return CardRejected(
                "Add a payment method to your account before charging.", detail=detail
            )
        case 210 | 211:
            return Forbidden(_KEY_MESSAGE, detail=detail)
        case 220:
            return Forbidden(
                "The charging service does not allow this app to do that.", detail=detail
            )
        case 230:
            return InvalidInput(message or None, field=named_field(message), detail=detail)
        case 310:
            return ConnectorUnavailable(
                "This connector is out of order.", reason="faulted", detail=detail
            )
        case 320:
            return ConnectorUnavailable(
                "This connector is already in use.", reason="occupied", detail=detail
            )
        case 321:
            return NoVehicle(detail=detail)
        case 805:
            return Forbidden("Your account may not use this payment method.", detail=detail)
    return None


def _group(code: int, message: str | None, detail: str) -> ProviderError:
    if 140 <= code < 150:
        return NotAuthenticated(detail=detail)
    if 180 <= code < 190:
        return NotFound(detail=detail)
    if 190 <= code < 200:
        field = named_field(message)
        if field in ("rfid", "evco-id"):  # the number sent was refused, not the card used
            return InvalidInput(_sentence(message), field="uid", detail=detail)
        return CardRejected("This charge card cannot be used.", detail=detail)
    if 100 <= code < 200 or 400 <= code < 500:
        return BackendUnavailable(detail=detail)
    if 200 <= code < 300:
        return InvalidInput(message or None, detail=detail)
    if 300 <= code < 400:
        return ChargerRejected(detail=detail)
    if 800 <= code < 900:
        return ProviderError(
            "Your payment method was not accepted. Check it in your account.", detail=detail
        )
    return ProviderError(message or None, detail=detail)


def named_field(message: str | None) -> str | None:
    """The request field a message names first ("rfid: must be upper case"), as the
    embedded core writes its refusals."""
    match = re.match(r"^\s*([A-Za-z][\w.-]*)\s*:", message or "")
    return match.group(1) if match else None


def _sentence(message: str | None) -> str | None:
    """The reason after the field name, as a sentence for the driver."""
    if not message:
        return None
    reason = message.split(":", 1)[-1].strip()
    return reason[:1].upper() + reason[1:] + ("" if reason.endswith(".") else ".")


def from_result(code: int, message: str | None, *, request: str = "") -> ProviderError:
    """The error for a non-success result ``code`` of a ``request`` type."""
    detail = f"{request}: {code:03d} {message or ''}".strip()
    return _exact(code, message, detail) or _group(code, message, detail)
