"""Lists merged from several accounts (cards, sessions, documents): which accounts are in
them, and the driver's filter by one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from app.context import AppContext

T = TypeVar("T")


class AccountFilter:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.selected: str | None = None  # None: every account

    def choices(self, items: Iterable) -> list[tuple[str, str]]:
        """(account id, name) of the accounts the items come from, in the book's order;
        empty where there is nothing to choose between."""
        return self.choices_among({getattr(i, "account_id", None) for i in items})

    def choices_among(self, present: set) -> list[tuple[str, str]]:
        """(account id, name) of the ``present`` accounts, in the book's order."""
        if not self.ctx.merged:
            return []
        ids = [a for a in self.ctx.account_ids() if a in present]
        if len(ids) < 2 and self.selected is None:
            return []
        return [(a, self.ctx.account_name(a) or a) for a in ids]

    def select(self, account_id: str | None) -> None:
        self.selected = account_id

    def apply(self, items: Iterable[T]) -> list[T]:
        if self.selected is None:
            return list(items)
        return [i for i in items if getattr(i, "account_id", None) == self.selected]

    def reset(self) -> None:
        self.selected = None
