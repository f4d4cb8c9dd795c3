"""Paging of REST list endpoints: page/per_page (offset) and opaque cursors, with bounded
page sizes; a bad value is a 400 naming the query parameter."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from services.core.api.rest.errors import field_error

MAX_PAGE_SIZE = 100


def _int_param(params: Mapping[str, str], name: str, default: int, low: int, high: int
               ) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise field_error(400, name, f"must be an integer, got '{raw[:40]}'") from None
    if not low <= value <= high:
        raise field_error(400, name, f"must be between {low} and {high}")
    return value


@dataclass(frozen=True)
class Page:
    page: int       # 1-based
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def limit(self) -> int:
        return self.per_page

    def last_page(self, total: int) -> int:
        return max(1, -(-total // self.per_page))


def page_params(params: Mapping[str, str], *, page: str = "page", per_page: str = "per_page",
                default_size: int = 20, max_size: int = MAX_PAGE_SIZE,
                max_page: int = 1_000_000) -> Page:
    return Page(_int_param(params, page, 1, 1, max_page),
                _int_param(params, per_page, default_size, 1, max_size))


def encode_cursor(position: Mapping[str, Any]) -> str:
    """An opaque cursor for ``position`` (e.g. ``{"after": 1234}``): clients pass it back
    unchanged and must not build their own."""
    return base64.urlsafe_b64encode(orjson.dumps(dict(position))).decode().rstrip("=")


def decode_cursor(cursor: str, name: str = "cursor") -> dict[str, Any]:
    if len(cursor) > 512:
        raise field_error(400, name, "is not a cursor this API issued")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise field_error(400, name, "is not a cursor this API issued") from None
    if not isinstance(position, dict):
        raise field_error(400, name, "is not a cursor this API issued")
    return position


@dataclass(frozen=True)
class CursorPage:
    position: dict[str, Any] | None  # None: from the start
    limit: int


def cursor_params(params: Mapping[str, str], *, cursor: str = "cursor", limit: str = "limit",
                  default_size: int = 20, max_size: int = MAX_PAGE_SIZE) -> CursorPage:
    raw = params.get(cursor)
    return CursorPage(decode_cursor(raw, cursor) if raw else None,
                      _int_param(params, limit, default_size, 1, max_size))
