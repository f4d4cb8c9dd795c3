"""Errors the core's domain raises; each API facade maps them to its own error format.

``code`` uses the GraphQL ``extensions.code`` vocabulary of the be.ENERGISED facade
(UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, CONFLICT); other facades translate.
``field`` names the offending input field (dotted path as the client sent it).
"""

from __future__ import annotations


class DomainError(Exception):
    code = "INTERNAL"
    http_status = 500

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class BadInput(DomainError):
    code = "BAD_USER_INPUT"
    http_status = 400

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", field=field)
        self.reason = reason


class NotFound(DomainError):
    """Also used for other users' objects: we never confirm that they exist."""

    code = "NOT_FOUND"
    http_status = 404


class Forbidden(DomainError):
    code = "FORBIDDEN"
    http_status = 403


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Conflict(DomainError):
    code = "CONFLICT"
    http_status = 409
