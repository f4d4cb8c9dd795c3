"""The executor shortcut gives exactly what graphql-core gives, errors included."""

from __future__ import annotations

from ariadne import ObjectType, QueryType, make_executable_schema
from graphql import ExecutionContext, graphql_sync

from services.core.api.graphql.execution import (
    FastExecutionContext,
    cached_parser,
    cached_validator,
    plain_leaf,
)

SDL = """
enum Simple { Available Occupied }
type Thing { id: ID! name: String count: Int ratio: Float ok: Boolean simple: Simple
             must: String! label: String shout(loud: Boolean): String }
type Query { things: [Thing] }
"""

query = QueryType()
thing = ObjectType("Thing")


@query.field("things")
def resolve_things(*_: object) -> list[dict]:
    return [
        {"id": 7, "name": "a", "count": 3, "ratio": 0.5, "ok": True, "simple": "Available",
         "must": "x", "title": "T"},
        {"id": "8", "name": None, "count": "4", "ratio": 1, "ok": False, "simple": "Occupied",
         "must": "y", "title": None},
        {"id": "9", "count": "many", "simple": "Bogus", "must": None, "title": "U"},
    ]


@thing.field("label")
@plain_leaf
def resolve_label(row: dict, _info: object) -> str | None:
    return row.get("title")


@thing.field("shout")
def resolve_shout(row: dict, _info: object, loud: bool = False) -> str:
    return str(row.get("name")).upper() if loud else str(row.get("name"))


schema = make_executable_schema(SDL, query, thing)
Q = """{ things { id name count ratio ok simple must label alias: name shout(loud: true)
                  __typename } }"""


def test_fast_path_matches_graphql_core() -> None:
    slow = graphql_sync(schema, Q, execution_context_class=ExecutionContext)
    fast = graphql_sync(schema, Q, execution_context_class=FastExecutionContext)
    assert fast.data == slow.data
    assert [(e.message, e.path) for e in fast.errors or []] == [
        (e.message, e.path) for e in slow.errors or []]
    assert slow.errors, "the third row has values the types reject"
    assert fast.data["things"][0] == {  # type: ignore[index]
        "id": "7", "name": "a", "count": 3, "ratio": 0.5, "ok": True, "simple": "Available",
        "must": "x", "label": "T", "alias": "a", "shout": "A", "__typename": "Thing"}


def test_parse_and_validation_are_cached() -> None:
    doc = cached_parser(None, {"query": Q})
    assert cached_parser(None, {"query": Q}) is doc
    first = cached_validator(schema, doc)
    assert first == [] and cached_validator(schema, doc) is first
    bad = cached_parser(None, {"query": "{ nope }"})
    assert cached_validator(schema, bad)[0].message.startswith("Cannot query field 'nope'")


def test_depth_limit() -> None:
    from graphql import get_introspection_query, parse, specified_rules, validate

    from services.core.api.beenergised.schema import build_schema
    from services.core.api.graphql.execution import MAX_DEPTH, MaxDepthRule

    real = build_schema()
    rules = [*specified_rules, MaxDepthRule]
    assert validate(real, parse(get_introspection_query()), rules) == []
    inner = "id"
    for _ in range(MAX_DEPTH):  # cp { site { cps { site { cps ... } } } }
        inner = f"site {{ cps {{ {inner} }} }}"
    errors = validate(real, parse(f'{{ cp(id: "x") {{ {inner} }} }}'), rules)
    assert errors and "depth" in errors[0].message
    frag = "fragment F on Cp { site { cps { ...G } } } fragment G on Cp { site { cps { id } } }"
    assert validate(real, parse('{ cp(id: "x") { ...F } } ' + frag), rules) == []
