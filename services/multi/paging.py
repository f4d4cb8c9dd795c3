"""One list, newest first, over several accounts' paged lists.

Item ``offset + i`` of the merged list can only be known once every account has given its
first ``offset + limit`` items, so each account's prefix is read up to there (and kept:
paging on reads only what is new) and the merged window sliced from them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from services.models import Page

T = TypeVar("T")
Fetch = Callable[[int, int], Awaitable[Page[T]]]  # (offset, limit) -> one account's page
OLDEST = datetime.min.replace(tzinfo=UTC)
READ_LIMIT = 50  # items asked of one account at a time


@dataclass
class Prefix(Generic[T]):
    items: list[T] = field(default_factory=list)
    ended: bool = False
    total: int | None = None


async def read_prefix(prefix: Prefix[T], fetch: Fetch[T], want: int) -> None:
    while not prefix.ended and len(prefix.items) < want:
        page = await fetch(len(prefix.items), max(READ_LIMIT, want - len(prefix.items)))
        prefix.items.extend(page.items)
        prefix.total = page.total
        prefix.ended = page.is_last or not page.items


class MergedPages(Generic[T]):
    """Merged pages of one list (history, documents) with the accounts' prefixes kept per
    ``key`` (a time range): a first page (offset 0) reads afresh."""

    def __init__(self, when: Callable[[T], datetime | None],
                 identity: Callable[[T], Hashable] | None = None,
                 prefer: Callable[[T], bool] | None = None) -> None:
        """``identity``: items with one identity (one session seen by two accounts) are
        one, the ``prefer``-red one kept, else the first account's."""
        self._when = when
        self._identity = identity
        self._prefer = prefer
        self._kept: dict[Hashable, dict[str, Prefix[T]]] = {}

    async def page(
        self,
        key: Hashable,
        fetchers: Mapping[str, Fetch[T]],
        offset: int,
        limit: int,
        on_error: Callable[[str, Exception], None],
        errors: tuple[type[Exception], ...],
    ) -> Page[T]:
        if offset == 0 or key not in self._kept:
            self._kept[key] = {}
        kept = self._kept[key]
        want = offset + limit

        async def one(acc: str, fetch: Fetch[T]) -> None:
            prefix = kept.setdefault(acc, Prefix())
            try:
                await read_prefix(prefix, fetch, want)
            except errors as exc:
                prefix.ended = True
                on_error(acc, exc)

        await asyncio.gather(*(one(acc, f) for acc, f in fetchers.items()))
        merged = self.merged([kept[acc].items for acc in fetchers])
        ended = all(kept[acc].ended for acc in fetchers)
        totals = [kept[acc].total for acc in fetchers]
        return Page(
            items=merged[offset:want],
            offset=offset,
            limit=limit,
            total=len(merged) if ended else None,
            is_last=ended and len(merged) <= want,
        ) if self._identity else Page(
            items=merged[offset:want],
            offset=offset,
            limit=limit,
            total=sum(totals) if all(t is not None for t in totals) else None,
            is_last=ended and len(merged) <= want,
        )

    def merged(self, lists: list[list[T]]) -> list[T]:
        items = [i for lst in lists for i in lst]
        if self._identity is not None:
            seen: dict[Hashable, T] = {}
            if self._prefer is not None:
                items.sort(key=lambda i: not self._prefer(i))  # stable: account order kept
            for i in items:
                seen.setdefault(self._identity(i), i)
            items = list(seen.values())
        return sorted(items, key=lambda i: self._when(i) or OLDEST, reverse=True)
