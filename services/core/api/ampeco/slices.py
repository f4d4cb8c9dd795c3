"""A listing request's paging (``paging.Window``) as the slice the store reads
(``member_records.Slice``), and the store's answer as the document's page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from services.core.api.ampeco.paging import Window, cursor_body, page_body
from services.core.api.ampeco.params import NoMatch
from services.core.api.ampeco.respond import json
from services.core.store.member_records import Slice

T = TypeVar("T")


def slice_of(win: Window) -> Slice:
    if win.cursor:
        return Slice(limit=win.fetch, after=win.after, before=win.before)
    return Slice(limit=win.per_page, offset=win.offset, count=True)


def body(request: Request, win: Window, rows: Sequence[T], total: int | None,
         render: Callable[[T], Any], key: Callable[[T], int] = lambda r: r["id"]
         ) -> dict[str, Any]:  # fmt: skip
    if win.cursor:
        return cursor_body(request, win, rows, key, render)
    return page_body(request, win, rows, total or 0, render)


async def page(request: Request, win: Window,
               read: Callable[[], Awaitable[tuple[Sequence[T], int | None]]],
               render: Callable[[T], Any]) -> Response:  # fmt: skip
    """The page of rows ``read()`` finds with their total. Filters no record can match
    (``read()`` raising NoMatch) answer an empty page, never an error."""
    try:
        rows, total = await read()
    except NoMatch:
        rows, total = [], 0
    return json(body(request, win, rows, total, render))
