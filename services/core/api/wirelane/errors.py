"""Wirelane's error bodies. The document shows none, so the core answers every refusal of the
API with ``{"status", "error", "message"}`` plus ``parameter`` and ``errors`` (each
``{"parameter", "reason"}``) when input is at fault; the token endpoint answers as RFC 6749
section 5.2 says (``{"error", "error_description"}``)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.responses import Response

from services.core.api.rest.errors import ApiError, Problem, field_error, problem_response

# RFC 6749 5.2 token endpoint errors (and RFC 8628's slow_down for throttled sign-ins).
OAUTH_ERRORS = frozenset({"invalid_request", "invalid_client", "invalid_grant",
                          "unauthorized_client", "unsupported_grant_type", "invalid_scope",
                          "slow_down"})
_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
          422: "unprocessable_entity", 429: "too_many_requests", 500: "internal_error"}


def envelope(problem: Problem) -> dict[str, Any]:
    if problem.code in OAUTH_ERRORS:
        return {"error": problem.code, "error_description": problem.message}
    body: dict[str, Any] = {
        "status": problem.status,
        "error": problem.code if problem.code and problem.code != "unauthorized"
        else _CODES.get(problem.status, HTTPStatus(problem.status).phrase.lower()),
        "message": problem.message,
    }
    if problem.errors:
        body["parameter"] = problem.errors[0].field
        body["errors"] = [{"parameter": e.field, "reason": e.reason} for e in problem.errors]
    return body


def error_response(status: int, message: str) -> Response:
    return problem_response(envelope, Problem(status, message))


def oauth_error(status: int, code: str, description: str,
                headers: dict[str, str] | None = None) -> ApiError:  # fmt: skip
    return ApiError(status, description, code=code, headers={
        "Cache-Control": "no-store", "Pragma": "no-cache", **(headers or {})})


def bad_parameter(name: str, reason: str) -> ApiError:
    """Malformed input: wrong type, pattern, enum value or range (400)."""
    return field_error(400, name, reason)


def unprocessable(name: str, reason: str) -> ApiError:
    """Well-formed input that cannot be acted on: parameters that contradict each other,
    a body that names something that does not fit (422)."""
    return field_error(422, name, reason)


def not_found(name: str, reason: str) -> ApiError:
    return field_error(404, name, reason)


def forbidden(message: str) -> ApiError:
    return ApiError(403, message)
