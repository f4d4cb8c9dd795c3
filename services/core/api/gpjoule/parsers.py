"""Wire arguments -> what the core's services take: paging, references."""

from __future__ import annotations

from services.core.api.graphql import errors

# Readings of the document (it names offset/limit but no default or maximum): a page holds
# 100 elements unless ``limit`` says otherwise, and at most 1,000 (a larger ``limit`` is
# answered with 1,000, which is what a client paging by ``count`` expects).
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def page(offset: int | None, limit: int | None) -> tuple[int, int]:
    """(offset, limit) from the optional arguments."""
    off = 0 if offset is None else offset
    if off < 0:
        raise errors.bad_input("offset", "must be 0 or more")
    lim = DEFAULT_LIMIT if limit is None else limit
    if lim < 0:
        raise errors.bad_input("limit", "must be 0 or more")
    return off, min(lim, MAX_LIMIT)


def required(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise errors.bad_input(field, "must not be empty")
    return text
