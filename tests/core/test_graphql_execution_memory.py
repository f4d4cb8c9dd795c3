"""Falling back from the fast path to graphql-core's normal path leaves nothing behind: the
signal used for it does not outlive the operation, so no operation's frames or results
stay reachable."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

from ariadne import QueryType, make_executable_schema
from graphql import execute, parse

from services.core.api.graphql import execution
from services.core.api.graphql.execution import FastExecutionContext

SDL = """
type Reading { at: String! kwh: Float! }
type Session { id: ID! readings: [Reading!]! note: String! }
type Query { history(n: Int!): [Session] }
"""

query = QueryType()


@query.field("history")
def resolve_history(*_: Any, n: int) -> list[dict]:
    # every other session has a null in a non-null field: the fast path gives up on it
    return [{"id": i, "note": None if i % 2 else "ok",
             "readings": [{"at": f"t{j}", "kwh": j * 1.5} for j in range(40)]}
            for i in range(n)]


SCHEMA = make_executable_schema(SDL, query)
DOC = parse("{ history(n: 20) { id note readings { at kwh } } }")


def _run() -> None:
    result = execute(SCHEMA, DOC, context_value={},
                     execution_context_class=FastExecutionContext)
    assert result.errors and result.data is not None  # the slow path did run and report


def test_no_fallback_signal_survives_an_operation() -> None:
    for _ in range(5):
        _run()
    gc.collect()
    # type(), not isinstance(): a dead weak proxy among the objects raises on isinstance()
    alive = [o for o in gc.get_objects() if type(o) is execution._Slow]
    assert alive == []


def test_repeated_fallbacks_do_not_grow_memory() -> None:
    for _ in range(20):
        _run()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(300):
            _run()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # each operation builds ~20 sessions x 40 readings; keeping them would be megabytes
    assert grown < 256 * 1024, f"{grown} bytes kept after 300 operations"
