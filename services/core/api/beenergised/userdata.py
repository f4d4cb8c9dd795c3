"""Helpers shared by the user-scoped resolver modules (auth, account, cards, history,
documents, contracts, payments): paging, the documents' ``ErrorBody`` /
``ContractErrorBody`` shapes, and running domain calls for the signed-in user.

Error policy of these modules:
- no / invalid / anonymous / expired session -> GraphQL error UNAUTHENTICATED (from
  ``context.viewer``), whatever the result type;
- result types with an ``error`` field (ContactResponse, UserLoginAuthenticationResponse,
  ContractSepaResponse, ...) carry domain failures (bad input, conflicts, not found) in that
  field, with ``code`` = the extensions code (BAD_USER_INPUT, ...) and the message naming
  the field; ``data`` stays a normal object;
- all other result types raise GraphQL errors (``extensions.code`` + ``field``);
- another user's object is always NOT_FOUND (never FORBIDDEN): ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from graphql import GraphQLResolveInfo

from services.core.api.beenergised import parsers
from services.core.api.beenergised.context import core, viewer
from services.core.api.graphql import errors
from services.core.domain.errors import DomainError

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

_STATUS_TEXT = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                409: "Conflict", 423: "Locked", 500: "Internal Server Error"}


def page_args(pagination: dict | None) -> tuple[int, int]:
    """(limit, offset) from a PaginationFilter; a too-high limit is capped at MAX_LIMIT
    (the document: "Will be overruled from the api if too high")."""
    p = pagination or {}
    limit = p.get("limit")
    offset = p.get("offset")
    if limit is None:
        limit = DEFAULT_LIMIT
    if offset is None:
        offset = 0
    if limit < 1:
        raise errors.bad_input("pagination.limit", "must be at least 1")
    if offset < 0:
        raise errors.bad_input("pagination.offset", "must not be negative")
    return min(limit, MAX_LIMIT), offset


def paged(rows: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {
        "pagination": {
            "isLastPage": offset + len(rows) >= total,
            "offset": offset,
            "limit": limit,
            "totalCount": total,
        },
        "data": rows,
    }


def error_body(code: str, message: str, status: int, status_text: str | None = None
               ) -> dict[str, Any]:
    """``ErrorBody`` and ``ContractErrorBody`` share this shape:
    {code, response: {status, statusText, body: {status, message}}}."""
    return {
        "code": code,
        "response": {
            "status": status,
            "statusText": status_text or _STATUS_TEXT.get(status, "Error"),
            "body": {"status": "error", "message": message},
        },
    }


def domain_error_body(exc: DomainError) -> dict[str, Any]:
    return error_body(exc.code, exc.message, exc.http_status)


async def run(info: GraphQLResolveInfo, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
    """``fn(conn, *args)`` in a worker; domain errors name fields as this API does."""
    try:
        return await core(info).db(fn, *args, **kw)
    except DomainError as exc:
        raise parsers.wire_error(exc) from None


async def as_user(info: GraphQLResolveInfo, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
    """Run ``fn(conn, user_id, *args)`` for the signed-in user (UNAUTHENTICATED otherwise)."""
    me = await viewer(info)
    return await run(info, fn, me.user_id, *args, **kw)
