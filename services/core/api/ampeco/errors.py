"""AMPECO's documented error bodies: ``{"message": ...}`` for 401/403/404/405/406/429 and
``{"message": ..., "errors": {"field": ["reason", ...]}}`` for 422 (the document's
``ValidationError``), built on the shared REST error machinery."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from services.core.api.rest.errors import ApiError, FieldError, Problem, problem_response


def envelope(problem: Problem) -> dict[str, Any]:
    body: dict[str, Any] = {"message": problem.message}
    if problem.status == 422:
        errors: dict[str, list[str]] = {}
        for error in problem.errors:
            errors.setdefault(error.field, []).append(error.reason)
        body["errors"] = errors
    return body


def error_response(status: int, message: str) -> Response:
    return problem_response(envelope, Problem(status, message))


def invalid(field: str, reason: str) -> ApiError:
    """422 naming the parameter or body field (dotted, as the client wrote it)."""
    message = f"The {field} {reason}"
    return ApiError(422, message, errors=(FieldError(field, message),))


def not_found(message: str = "Not found.") -> ApiError:
    return ApiError(404, message)


def forbidden(message: str = "This action is unauthorized.") -> ApiError:
    return ApiError(403, message)
