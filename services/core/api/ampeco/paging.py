"""The document's pagination: cursor pagination (``cursor``, ``per_page`` <= 100; ``links``
with ``next``/``prev`` URLs, ``meta`` with ``path``, ``per_page``, ``next_cursor``,
``prev_cursor``) and, where an operation still lists ``page``, the deprecated page form
(``meta`` with ``current_page``, ``from``, ``to``, ``last_page``, ``total``, ``links``).

Which form answers: a ``cursor`` parameter (even empty, as the document says) or an
operation without ``page`` gets cursor pagination; otherwise the page form.

Records are ordered by their numeric id; a cursor holds the id to continue after (``a``) or
before (``b``). Bad input is refused with ``refuse`` (the status the operation documents
for it, 422 naming the parameter); operations documenting no such status get the lenient
reading (``per_page`` clamped into 1..100, an unreadable cursor starts from the first page).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import orjson
from starlette.requests import Request

from services.core.api.ampeco.errors import invalid
from services.core.api.rest.errors import ApiError

T = TypeVar("T")
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 100
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Window:
    """What one listing request asks for. Cursor form: ids after ``after`` (ascending) or
    before ``before``; page form: ``offset``/``per_page``."""

    per_page: int
    cursor: bool
    after: int | None = None
    before: int | None = None
    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def fetch(self) -> int:
        """Rows to ask the store for: one more than a page tells whether another follows."""
        return self.per_page + 1


def _refusal(refuse: int | None, field: str, reason: str) -> ApiError | None:
    if refuse is None:
        return None
    if refuse == 422:
        return invalid(field, reason)
    return ApiError(refuse, f"The {field} {reason}")


def _integer(request: Request, name: str, default: int, low: int, high: int,
             refuse: int | None) -> int:  # fmt: skip
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        error = _refusal(refuse, name, "must be an integer.")
        if error:
            raise error from None
        return default
    if low <= value <= high:
        return value
    error = _refusal(refuse, name, f"must be between {low} and {high}.")
    if error:
        raise error
    return min(max(value, low), high)


def encode_cursor(position: dict[str, int]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")


def _decode_cursor(raw: str) -> dict[str, int] | None:
    if len(raw) > 200:
        return None
    try:
        position = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        return None
    if (not isinstance(position, dict) or len(position) != 1
            or next(iter(position)) not in ("a", "b")):
        return None
    value = next(iter(position.values()))
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return None
    return position


def window(request: Request, *, page_form: bool = False, refuse: int | None = 422) -> Window:
    """The paging of a listing request. ``page_form``: the operation lists ``page``."""
    per_page = _integer(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, refuse)
    raw_cursor = request.query_params.get("cursor")
    if raw_cursor is None and page_form:
        return Window(per_page, False, page=_integer(request, "page", 1, 1, MAX_PAGE, refuse))
    if not raw_cursor:
        return Window(per_page, True)
    position = _decode_cursor(raw_cursor)
    if position is None:
        error = _refusal(refuse, "cursor", "is not a cursor this API issued.")
        if error:
            raise error
        return Window(per_page, True)
    return Window(per_page, True, after=position.get("a"), before=position.get("b"))


def _url(request: Request, **changes: Any) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items()
             if k not in ("cursor", "page")]
    query += [(k, str(v)) for k, v in changes.items()]
    base = str(request.url.replace(query=""))
    return f"{base}?{urlencode(query)}" if query else base


def _path(request: Request) -> str:
    return str(request.url.replace(query=""))


def cursor_body(request: Request, win: Window, rows: Sequence[T], key: Callable[[T], int],
                render: Callable[[T], Any]) -> dict[str, Any]:  # fmt: skip
    """A cursor page from ``rows`` as the store gave them for ``win`` (ascending after
    ``after``, or descending before ``before``; up to ``win.fetch`` rows)."""
    more = len(rows) > win.per_page
    page = list(rows[:win.per_page])
    if win.before is not None:
        page.reverse()
        has_prev, has_next = more, True
    else:
        has_prev, has_next = win.after is not None, more
    next_cursor = encode_cursor({"a": key(page[-1])}) if has_next and page else None
    prev_cursor = encode_cursor({"b": key(page[0])}) if has_prev and page else None
    return {
        "data": [render(r) for r in page],
        "links": {
            "first": None, "last": None,
            "prev": _url(request, cursor=prev_cursor) if prev_cursor else None,
            "next": _url(request, cursor=next_cursor) if next_cursor else None,
        },
        "meta": {"path": _path(request), "per_page": win.per_page,
                 "next_cursor": next_cursor, "prev_cursor": prev_cursor},
    }


def page_body(request: Request, win: Window, rows: Sequence[T], total: int,
              render: Callable[[T], Any]) -> dict[str, Any]:  # fmt: skip
    """A page of the deprecated page form: ``rows`` are that page (at most ``per_page``)."""
    page = list(rows[:win.per_page])
    last = max(1, -(-total // win.per_page))
    current = win.page

    def link(number: int | None) -> str | None:
        return _url(request, page=number) if number is not None else None

    prev_page = current - 1 if current > 1 else None
    next_page = current + 1 if current < last else None
    numbered = [{"url": link(n), "label": str(n), "active": n == current}
                for n in range(max(1, current - 3), min(last, current + 3) + 1)]
    return {
        "data": [render(r) for r in page],
        "links": {"first": link(1), "last": link(last), "prev": link(prev_page),
                  "next": link(next_page)},
        "meta": {
            "current_page": current,
            "from": win.offset + 1 if page else None,
            "last_page": last,
            "links": [{"url": link(prev_page), "label": "&laquo; Previous", "active": False},
                      *numbered,
                      {"url": link(next_page), "label": "Next &raquo;", "active": False}],
            "path": _path(request),
            "per_page": win.per_page,
            "to": win.offset + len(page) if page else None,
            "total": total,
        },
    }


def slice_rows(rows: Sequence[T], win: Window, key: Callable[[T], int]) -> list[T]:
    """What the store would give for ``win`` from ``rows`` already in ascending key order:
    for the small catalogues held in memory (currencies, FAQs, ...)."""
    if not win.cursor:
        return list(rows[win.offset:win.offset + win.per_page])
    if win.before is not None:
        earlier = [r for r in rows if key(r) < win.before]
        return list(reversed(earlier))[:win.fetch]
    after = win.after
    return [r for r in rows if after is None or key(r) > after][:win.fetch]


def by_id(item: Any) -> int:
    return int(item["id"])


def as_is(item: Any) -> Any:
    return item


def listing(request: Request, win: Window, rows: Sequence[Any],
            key: Callable[[Any], int] = by_id,
            render: Callable[[Any], Any] = as_is) -> dict[str, Any]:  # fmt: skip
    """The whole answer for a listing held in memory (``rows`` complete, ascending by
    ``key``; by default rendered items with an ``id``)."""
    if win.cursor:
        return cursor_body(request, win, slice_rows(rows, win, key), key, render)
    return page_body(request, win, slice_rows(rows, win, key), len(rows), render)
