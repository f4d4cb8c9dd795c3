"""The result block of every OIOI answer (``result{code, message}``), the document's codes,
and the HTTP status each code travels with.

Success is 200. The document says a failed request is answered with a status other than 200
and the details in the body; it names 400, 401, 403 and 404, so codes map onto those by
kind, with 409 for an EVSE that cannot start now (the request was fine, the charger's
state was not), 429 for a sign-in that must wait, 502/504 for a charger that failed or did
not answer, and 500 only for the core's own failures (code 100).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SUCCESS = 0
SYSTEM_ERROR = 100
AUTH_FAILED = 140
INVALID_EMAIL_OR_PASSWORD = 141
EMAIL_EXISTS = 143
EMAIL_UNKNOWN = 144
TOKEN_INVALID = 145
NOT_FOUND = 180
EVSE_NOT_FOUND = 181
SESSION_NOT_FOUND = 182
COMPANY_NOT_FOUND = 183
EVCO_ERROR = 190
EVCO_NOT_FOUND = 191
EVCO_LOCKED = 192
EVCO_NO_PAYMENT = 193
CLIENT_ERROR = 200
INVALID_KEY = 210
INVALID_PARTNER = 211
KEY_NOT_ALLOWED = 220
INVALID_FORMAT = 230
CPO_ERROR = 300
CPO_TIMEOUT = 302
EVSE_ERROR = 310
EVSE_TIMEOUT = 312
EVSE_IN_USE = 320
NO_EV = 321
PAYMENT_ERROR = 800
PAYMENT_NOT_ALLOWED = 805
CREDIT_CARD_ERROR = 870
CREDIT_CARD_INVALID = 871

_STATUS = {
    SYSTEM_ERROR: 500, 101: 500, 102: 504,
    AUTH_FAILED: 401, INVALID_EMAIL_OR_PASSWORD: 401, 142: 401, EMAIL_EXISTS: 400,
    EMAIL_UNKNOWN: 401, TOKEN_INVALID: 401,
    EVCO_ERROR: 400, EVCO_NOT_FOUND: 404, EVCO_LOCKED: 403, EVCO_NO_PAYMENT: 403,
    INVALID_KEY: 401, INVALID_PARTNER: 403, KEY_NOT_ALLOWED: 403,
    CPO_ERROR: 502, CPO_TIMEOUT: 504, EVSE_ERROR: 409, EVSE_TIMEOUT: 504, EVSE_IN_USE: 409,
    NO_EV: 409, PAYMENT_NOT_ALLOWED: 403,
}  # fmt: skip


def http_status(code: int) -> int:
    if code in (SUCCESS, 11, 12):
        return 200
    if code in _STATUS:
        return _STATUS[code]
    if 180 <= code < 190:
        return 404
    return 400


class OioiError(Exception):
    """A refusal: its result code and a message naming the field and the reason."""

    def __init__(self, code: int, message: str, *, headers: Mapping[str, str] | None = None
                 ) -> None:  # fmt: skip
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def bad_format(field: str, reason: str) -> OioiError:
    return OioiError(INVALID_FORMAT, f"{field}: {reason}")


def result(code: int = SUCCESS, message: str = "Success.") -> dict[str, Any]:
    return {"code": code, "message": message}


def error_body(code: int, message: str) -> dict[str, Any]:
    """A refusal's body: the result block, and ``error`` (the document's "property error
    will contain more detailed information")."""
    return {"result": result(code, message), "error": message}
