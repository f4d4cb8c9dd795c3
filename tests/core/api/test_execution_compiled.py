"""The compiled sub-tree path of FastExecutionContext gives exactly graphql-core's result:
data, errors (message and path) and null propagation, also when resolvers return awaitables,
raise, or return values the types reject."""

from __future__ import annotations

import asyncio
from inspect import isawaitable
from typing import Any

import pytest
from ariadne import ObjectType, QueryType, make_executable_schema
from graphql import ExecutionContext, execute, parse

from services.core.api.graphql import execution
from services.core.api.graphql.execution import (
    FastExecutionContext,
    context_only,
    plain_leaf,
)

SDL = """
enum Simple { Available Occupied }
type Status { simple: Simple code: Int! }
type Plug { id: ID! power: Float status: Status strict: Status! }
type Station { id: ID! name: String plugs: [Plug!] first: Plug tags: [String] label: String
               owner: String later: String boom: String }
type Page { total: Int stations: [Station] }
type Query { page(bad: Boolean): Page }
"""

query = QueryType()
station = ObjectType("Station")
plug = ObjectType("Plug")
calls: list[str] = []


def _plug(i: int, code: Any = 1, simple: str = "Available") -> dict:
    return {"id": i, "power": 11 * i, "status": {"simple": simple, "code": code},
            "strict": {"simple": "Occupied", "code": 0}}


@query.field("page")
async def resolve_page(*_: Any, bad: bool = False) -> dict:
    stations = [
        {"id": 1, "name": "one", "plugs": [_plug(1), _plug(2)], "tags": ["a", "b"]},
        {"id": "2", "name": None, "plugs": [], "tags": None, "title": "T"},
    ]
    if bad:
        stations.append({"id": 3, "plugs": [_plug(3, code="x")], "tags": [1, None]})
        stations.append({"id": 4, "plugs": [_plug(4, simple="Bogus"), None]})
        stations.append({"id": 5, "plugs": [{**_plug(5), "strict": None}], "boom": True})
        stations.append({"id": 6, "plugs": [{**_plug(6, code=2**40), "power": float("inf")},
                                             {**_plug(7, code=7.0), "power": 7}]})
        stations.append({"id": None, "plugs": None})
    return {"total": len(stations), "stations": stations}


@station.field("label")
@plain_leaf
def resolve_label(row: dict, _info: Any) -> str | None:
    return row.get("title")


@station.field("first")
@context_only
def resolve_first(row: dict, info: Any) -> Any:
    calls.append(info.context["who"])
    return (row.get("plugs") or [None])[0]


@station.field("owner")
@context_only
def resolve_owner(row: dict, info: Any) -> str:
    return f"{info.context['who']}:{row['id']}"


@station.field("later")
@context_only
def resolve_later(row: dict, info: Any) -> Any:
    async def later() -> str:
        await asyncio.sleep(0)
        return f"later {row['id']}"

    return later() if row["id"] != 1 else "now"


@station.field("boom")
@context_only
def resolve_boom(row: dict, _info: Any) -> str | None:
    if row.get("boom"):
        raise ValueError(f"boom {row['id']}")
    return None


schema = make_executable_schema(SDL, query, station, plug)

Q = """
query Q($bad: Boolean, $skip: Boolean!) {
  page(bad: $bad) {
    total
    stations {
      __typename id name label owner later boom tags
      plugs { id power status { simple code } alias: power }
      first { id strict { simple code } status @skip(if: $skip) { code } }
    }
  }
}
"""


# Without directives the plans are cached across operations and run as generated code.
Q_STATIC = Q.replace("@skip(if: $skip) ", "").replace(", $skip: Boolean!", "")


_parsed: dict[str, Any] = {}


async def _run(cls: type, bad: bool, skip: bool, query: str = Q) -> Any:
    # one parsed document per text, as the core's cached parser gives
    document = _parsed.setdefault(query, parse(query))
    variables = {"bad": bad, "skip": skip} if query is Q else {"bad": bad}
    result = execute(schema, document, variable_values=variables,
                     context_value={"who": "me"}, execution_context_class=cls)
    return await result if isawaitable(result) else result


@pytest.mark.parametrize("list_slice", [execution.LIST_SLICE, 1], ids=["whole", "sliced"])
@pytest.mark.parametrize("query", [Q, Q_STATIC], ids=["variable-plans", "cached-plans"])
@pytest.mark.parametrize(("bad", "skip"), [(False, False), (False, True), (True, False)])
def test_compiled_matches_graphql_core(bad: bool, skip: bool, query: str, list_slice: int,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if query is Q_STATIC and skip:
        pytest.skip("no directive to skip with")
    # A slice of 1 sends every list of the page through the sliced completion.
    monkeypatch.setattr(execution, "LIST_SLICE", list_slice)
    slow = asyncio.run(_run(ExecutionContext, bad, skip, query))
    for _ in range(2):  # the second run uses the cached plans
        fast = asyncio.run(_run(FastExecutionContext, bad, skip, query))
        assert fast.data == slow.data
        assert [(e.message, e.path) for e in fast.errors or []] == [
            (e.message, e.path) for e in slow.errors or []]
    if bad:
        assert slow.errors, "the extra rows hold values the types reject"
    else:
        assert not slow.errors
        first = fast.data["page"]["stations"][0]  # type: ignore[index]
        assert first["owner"] == "me:1" and first["later"] == "now"
        assert first["plugs"][1] == {"id": "2", "power": 22.0, "alias": 22.0,
                                     "status": {"simple": "Available", "code": 1}}
        assert fast.data["page"]["stations"][1]["later"] == "later 2"  # type: ignore[index]
        assert ("status" in first["first"]) is not skip
        if query is Q_STATIC:
            generated = [v[1][3] for v in execution._SHAPES.values() if v[1] is not None]
            assert generated and all(generated), "directive-free plans run as generated code"


def test_context_only_resolvers_see_the_context() -> None:
    calls.clear()
    asyncio.run(_run(FastExecutionContext, False, False))
    # station 2's `later` is a coroutine: its list starts again on the normal path, so
    # `first` of station 1 may run twice; every call saw the operation's context
    assert len(calls) >= 2 and set(calls) == {"me"}


def test_plain_sub_trees_skip_the_per_field_path() -> None:
    seen: list[str] = []

    class Counting(FastExecutionContext):
        def execute_field(self, parent_type: Any, source: Any, field_nodes: Any,
                          path: Any) -> Any:
            seen.append(f"{parent_type.name}.{field_nodes[0].name.value}")
            return super().execute_field(parent_type, source, field_nodes, path)

    asyncio.run(_run(Counting, False, False))
    asyncio.run(_run(Counting, False, False, Q_STATIC))
    # only the root field and the list that holds a coroutine take graphql-core's path
    assert not {"Plug.id", "Plug.status", "Status.code", "Station.plugs", "Station.first"
                } & set(seen), seen
    assert "Query.page" in seen and "Page.stations" in seen


def test_a_long_list_lets_the_event_loop_run_between_slices() -> None:
    rows = [{"id": i, "name": f"s{i}", "plugs": [_plug(1)], "tags": ["a"]}
            for i in range(10 * execution.LIST_SLICE)]
    big = QueryType()
    big.set_field("page", lambda *_: {"total": len(rows), "stations": rows})
    big_schema = make_executable_schema(SDL, big)
    document = parse("{ page { total stations { id name tags plugs { id power } } } }")

    async def run() -> tuple[Any, int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0)
                ticks += 1

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0)
        before = ticks
        result = execute(big_schema, document, execution_context_class=FastExecutionContext)
        result = await result if isawaitable(result) else result
        ticker.cancel()
        return result, ticks - before

    result, ticks = asyncio.run(run())
    assert not result.errors
    assert [s["id"] for s in result.data["page"]["stations"]] == [str(r["id"]) for r in rows]
    assert ticks >= 9, "other tasks ran between the slices"
