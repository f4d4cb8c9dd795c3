"""The common path of a listing held in the store: the token's operator, the window asked
for, the filters turned into a query (or no match), one store read, the page answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from services.core.api.ampeco import paging, respond
from services.core.api.ampeco.params import NoMatch
from services.core.domain.partners import Principal
from services.core.services.operator_catalogue import Keyset, operator_id


def keyset(win: paging.Window) -> Keyset:
    if win.cursor:
        return Keyset(after=win.after, before=win.before, limit=win.fetch)
    return Keyset(limit=win.per_page, offset=win.offset)


def origin(request: Request) -> str:
    """Scheme and host the client reached the core at (for links to images)."""
    return f"{request.url.scheme}://{request.url.netloc}"


def operator_matches(principal: Principal, wanted: tuple[int, ...] | None) -> None:
    """``filter[operatorId]`` of an operator-scoped token: another operator's id selects
    nothing (as the document says), never an error."""
    if wanted is not None and operator_id(principal) not in wanted:
        raise NoMatch


async def cursor_listing(core: Any, request: Request, win: paging.Window,
                         build: Callable[[], Any], read: Callable[..., list[dict[str, Any]]],
                         render: Callable[[dict[str, Any]], Any]) -> Response:  # fmt: skip
    """``build()`` makes the store query (raising NoMatch for filters nothing can match);
    ``read(conn, query, keyset)`` runs in the store's thread."""
    try:
        query = build()
    except NoMatch:
        return respond.json(paging.cursor_body(request, win, [], _key, render))
    rows = await core.db(read, query, keyset(win))
    return respond.json(paging.cursor_body(request, win, rows, _key, render))


def _key(row: dict[str, Any]) -> int:
    return int(row["id"])
