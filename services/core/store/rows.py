"""Row helpers shared by the store's query modules, and the page type searches return."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


def chunks(seq: Sequence[Any], n: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def dict_rows(conn: sqlite3.Connection, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows as plain dicts; zip over a tuple cursor is about twice as fast as sqlite3.Row."""
    cur = conn.cursor()
    cur.row_factory = None
    cur.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur]


def rows_by_key(
    conn: sqlite3.Connection, select_from: str, column: str, key: str, keys: Sequence[Any]
) -> list[dict[str, Any]]:
    """Rows whose ``column`` is one of ``keys``, in the order of ``keys`` (unknown keys are
    skipped); one query per 500 keys so a page never costs a query per row."""
    found: dict[Any, dict[str, Any]] = {}
    for chunk in chunks(list(keys), 500):
        marks = ",".join("?" * len(chunk))
        for row in dict_rows(conn, f"{select_from} WHERE {column} IN ({marks})", chunk):
            found[row[key]] = row
    return [found[k] for k in keys if k in found]


@dataclass
class StationPage:
    items: list[dict[str, Any]]  # station rows (dicts) with "distance_m" (None off-radius)
    total: int
    offset: int
    limit: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_last_page(self) -> bool:
        return self.offset + len(self.items) >= self.total
