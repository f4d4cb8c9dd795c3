"""Errors of a REST facade in that facade's own format.

A facade describes its error body once, as an ``Envelope``: ``envelope(problem) -> body``
(or ``(status, body)`` where the document answers e.g. every error with 200 and a result
code). ``error_handlers(envelope)`` gives the Starlette exception handlers that turn every
refusal (``ApiError``, Starlette's ``HTTPException``: 400/401/403/404/405/413/422/429) into
that body; ``Unexpected`` turns bugs into a 500 in the same format, logging the traceback
once and never showing it to the client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger("services.core.rest")


@dataclass(frozen=True)
class FieldError:
    field: str    # the path as the client wrote it, e.g. "connector.id" or "items.2.uid"
    reason: str


@dataclass(frozen=True)
class Problem:
    status: int
    message: str
    errors: tuple[FieldError, ...] = ()
    code: str | None = None  # a facade-defined short code, when its document has codes
    headers: Mapping[str, str] = field(default_factory=dict)


Envelope = Callable[[Problem], Any]  # -> body, or (status, body)


class ApiError(Exception):
    """Raised by a REST facade's handlers (and by this package) to refuse a request."""

    def __init__(self, status: int, message: str, *, errors: tuple[FieldError, ...] = (),
                 code: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.problem = Problem(status, message, errors, code, dict(headers or {}))


def field_error(status: int, field_name: str, reason: str, code: str | None = None
                ) -> ApiError:
    return ApiError(status, f"{field_name}: {reason}",
                    errors=(FieldError(field_name, reason),), code=code)


def problem_response(envelope: Envelope, problem: Problem) -> Response:
    shaped = envelope(problem)
    status, body = shaped if isinstance(shaped, tuple) else (problem.status, shaped)
    return Response(orjson.dumps(body), status_code=status, headers=dict(problem.headers),
                    media_type="application/json")


def refusal(envelope: Envelope) -> Callable[[int, str], Response]:
    """``(status, message) -> Response`` for answers given before the facade runs (the
    server's body-size limit)."""
    return lambda status, message: problem_response(envelope, Problem(status, message))


def error_handlers(envelope: Envelope) -> dict[Any, Callable]:
    async def api_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return problem_response(envelope, exc.problem)

    async def http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = exc.detail or HTTPStatus(exc.status_code).phrase
        return problem_response(
            envelope, Problem(exc.status_code, message, headers=dict(exc.headers or {})))

    return {ApiError: api_error, HTTPException: http_error}


class Unexpected:
    """ASGI middleware: an exception no handler took is a bug. It is logged once with its
    traceback, and the client gets a 500 in the facade's format without internals."""

    def __init__(self, app: Any, envelope: Envelope) -> None:
        self.app = app
        self.envelope = envelope

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error in %s %s", scope.get("method"),
                          scope.get("path", "")[:200])
            if started:
                raise
            response = problem_response(self.envelope, Problem(500, "internal server error"))
            await response(scope, receive, send)
