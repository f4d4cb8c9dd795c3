"""AMPECO answers -> the typed errors of services.provider.

The document's error bodies: 401/403/404/429 ``{"message"}``, 422 ``{"message", "errors":
{field: [reason, ...]}}``, 406 (no body) when the charger rejected an action. A start the
back end refuses is a 202 with ``success: false`` and an ``errorCode`` (:func:`start_refused`).
"""

from __future__ import annotations

import httpx

from services.http import parse_retry_after
from services.provider import (
    BackendUnavailable,
    CardRejected,
    ChargerRejected,
    ConnectorUnavailable,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ProviderError,
    RateLimited,
)


def _body(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def describe(response: httpx.Response) -> tuple[str | None, str | None]:
    """The message and the first field a 422 body names."""
    body = _body(response)
    message = body.get("message") if isinstance(body.get("message"), str) else None
    field = None
    errors = body.get("errors")
    if isinstance(errors, dict) and errors:
        field, reasons = next(iter(errors.items()))
        if isinstance(reasons, list) and reasons and isinstance(reasons[0], str):
            message = f"{field}: {reasons[0]}"
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
        return NotAuthenticated(
            "The operator's API token was not accepted. Sign in again.", detail=detail
        )
    if status == 403:
        return Forbidden(detail=detail)
    if status == 404:
        return NotFound(detail=detail)
    if status == 406:
        return ChargerRejected("The charger declined the request.", detail=detail)
    if status in (400, 422):
        return InvalidInput(message, field=field, detail=detail)
    return ProviderError(detail=detail)


# errorCode of a refused start -> what the driver is told
_CARD = {
    "USER_IS_DISABLED": "Your account is disabled.",
    "ACCESS_RESTRICTED": "You do not have access to this charge point.",
    "SUBSCRIPTION_REQUIRED": "This charge point needs a subscription you do not have.",
    "TERMS_NOT_ACCEPTED": "Accept the operator's latest terms first.",
    "USER_VALIDATION_NOT_COMPLETE": "Verify your e-mail or phone, or complete your profile.",
    "PREVIOUS_SESSION_NOT_PAID": "Pay your previous session first.",
    "PAYMENT_METHOD_REQUIRED": "Add a payment method first.",
    "CANNOT_BILL_PAYMENT_METHOD": "Your payment method cannot be charged.",
    "CANNOT_USE_EXPIRED_PAYMENT_METHOD": "Your payment method has expired.",
    "CANNOT_USE_PAYMENT_METHOD": "Your payment method cannot be used here.",
    "PAYMENT_NO_FUNDS": "Your payment method has no funds.",
    "CORPORATE_ACCOUNT_LIMIT_REACHED": "Your company account's limit is reached.",
    "BILLING_NOT_ASSOCIATED": "This billing is not associated with your account.",
    "BILLING_NOT_PARTNER_ASSOCIATED": "This billing cannot be used on this charge point.",
}
_CONNECTOR = {
    "SESSION_EXISTS": "A session is already running on this connector.",
    "SESSION_ALREADY_RUNNING": "You already have a session running.",
    "LOCATION_IS_CLOSED": "This location is closed right now.",
    "CHARGING_NOT_ALLOWED": "Charging is not allowed on this connector.",
}


def start_refused(error_code: str | None, message: str | None) -> ProviderError:
    detail = f"start refused: {error_code or '-'} {message or ''}".strip()
    if error_code in _CARD:
        return CardRejected(_CARD[error_code], detail=detail)
    if error_code in _CONNECTOR:
        return ConnectorUnavailable(_CONNECTOR[error_code], detail=detail)
    return ChargerRejected(message or None, detail=detail)
