"""GraphQL errors of the core's GraphQL facades.

Every error a client sees carries ``extensions.code``: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND,
BAD_USER_INPUT (``extensions.field`` names the offending argument/input field), CONFLICT,
NOT_IMPLEMENTED, GRAPHQL_PARSE_FAILED and COST_LIMIT_EXCEEDED (request limits, see
execution.py and cost.py), GRAPHQL_VALIDATION_FAILED, INTERNAL_SERVER_ERROR, or a domain
error's own code. Resolvers either raise the helpers below or let a domain error
(``services.core.domain.errors.DomainError``) propagate; ``format_error`` maps those. Anything
else is a bug: it is logged with its traceback and the client gets a generic message, so
internals (SQL, paths, secrets) never leak.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from services.core.domain.errors import DomainError

log = logging.getLogger("services.core.graphql")

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
BAD_USER_INPUT = "BAD_USER_INPUT"
CONFLICT = "CONFLICT"
NOT_IMPLEMENTED = "NOT_IMPLEMENTED"
INTERNAL = "INTERNAL_SERVER_ERROR"


def error(code: str, message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


def bad_input(field: str, reason: str) -> GraphQLError:
    """``field`` is the argument path as the client wrote it, e.g. ``pagination.limit``."""
    return error(BAD_USER_INPUT, f"{field}: {reason}", field=field)


def not_found(what: str, ident: object, field: str | None = None) -> GraphQLError:
    ext = {"field": field} if field else {}
    return error(NOT_FOUND, f"{what} '{ident}' not found", **ext)


def unauthenticated(message: str = "this operation needs authentication") -> GraphQLError:
    return error(UNAUTHENTICATED, message)


def forbidden(message: str = "not allowed for this user") -> GraphQLError:
    return error(FORBIDDEN, message)


class AriadneErrorLog(logging.LoggerAdapter):
    """The logger handed to ariadne, which logs EVERY error it answers at ERROR level with a
    traceback: a wrong password or a missing token would fill the log, and graphql-core's
    coercion messages quote what the client sent (a password sent as a number appears
    verbatim). ``format_error`` already logs unexpected errors once, with their traceback;
    here only the error code is kept, at DEBUG."""

    def log(self, level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
        if self.logger.isEnabledFor(logging.DEBUG):
            code = (getattr(msg, "extensions", None) or {}).get("code", "?")
            self.logger.debug("GraphQL error answered (code %s)", code)


def format_error(err: GraphQLError, debug: bool = False) -> dict:
    formatted = dict(err.formatted)
    extensions = dict(formatted.get("extensions") or {})
    original = err.original_error
    if isinstance(original, DomainError):
        formatted["message"] = original.message
        extensions["code"] = original.code
        if original.field:
            extensions["field"] = original.field
    elif original is not None and not isinstance(original, GraphQLError):
        log.error("unexpected error in %s", ".".join(map(str, err.path or [])),
                  exc_info=original)
        formatted["message"] = "internal server error"
        extensions["code"] = INTERNAL
    elif "code" not in extensions:
        # Raised by graphql-core itself: document validation or variable coercion.
        coercion = err.message.startswith(("Variable '$", "Argument '")) or (
            "got invalid value" in err.message
        )
        extensions["code"] = BAD_USER_INPUT if coercion else "GRAPHQL_VALIDATION_FAILED"
    formatted["extensions"] = extensions
    return formatted
