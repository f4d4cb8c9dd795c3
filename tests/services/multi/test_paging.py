"""Merged pages over several accounts' lists: newest first across accounts, every item
exactly once while paging on, an account that fails left out and reported."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.models import Page
from services.multi.paging import MergedPages
from services.provider import BackendUnavailable, ProviderError

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def account(times: list[int], page_cap: int = 7, reads: list | None = None):
    """A paged list of items (name, minute) newest first, at most ``page_cap`` a page."""
    items = sorted(times, reverse=True)

    async def fetch(offset: int, limit: int) -> Page:
        if reads is not None:
            reads.append((offset, limit))
        n = min(limit, page_cap)
        chunk = items[offset:offset + n]
        return Page(items=chunk, offset=offset, limit=n, total=len(items),
                    is_last=offset + n >= len(items))

    return fetch


def when(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


async def test_pages_across_accounts_hold_every_item_once_newest_first():
    a, b, c = list(range(0, 60, 3)), list(range(1, 40, 5)), [59, 58, 2]
    pages = MergedPages(when)
    fetchers = {"a": account(a), "b": account(b), "c": account(c)}
    seen: list[int] = []
    offset = 0
    while True:
        page = await pages.page("k", fetchers, offset, 6, lambda *_: None, (ProviderError,))
        seen.extend(page.items)
        offset += 6
        if page.is_last:
            break
    assert seen == sorted(a + b + c, reverse=True)
    assert page.total == len(a + b + c)


async def test_paging_on_reads_only_what_is_new():
    reads: list = []
    pages = MergedPages(when)
    fetchers = {"a": account(list(range(200)), page_cap=50, reads=reads)}
    await pages.page("k", fetchers, 0, 20, lambda *_: None, (ProviderError,))
    await pages.page("k", fetchers, 20, 20, lambda *_: None, (ProviderError,))
    assert reads == [(0, 50)]  # the second page was within what the first read
    await pages.page("k", fetchers, 60, 20, lambda *_: None, (ProviderError,))
    assert reads[1:] == [(50, 50)]


async def test_one_item_seen_by_two_accounts_is_kept_once_preferring_the_starter():
    pages = MergedPages(lambda x: when(x[1]), identity=lambda x: x[1],
                        prefer=lambda x: x[0] == "b")
    fetchers = {
        "a": account([("a", 5), ("a", 3)]),
        "b": account([("b", 5), ("b", 1)]),
    }
    page = await pages.page("k", fetchers, 0, 10, lambda *_: None, (ProviderError,))
    assert page.items == [("b", 5), ("a", 3), ("b", 1)]
    assert page.is_last and page.total == 3


async def test_an_account_that_fails_is_reported_and_the_others_kept():
    async def down(offset, limit):
        raise BackendUnavailable()

    failed: list = []
    pages = MergedPages(when)
    page = await pages.page("k", {"a": account([1, 2]), "x": down}, 0, 10,
                            lambda acc, exc: failed.append((acc, exc.code)), (ProviderError,))
    assert page.items == [2, 1]
    assert failed == [("x", "BACKEND_UNAVAILABLE")]
