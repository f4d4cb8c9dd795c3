"""The schema check the fuzzer relies on catches what it must."""

from __future__ import annotations

from functools import lru_cache

from graphql import GraphQLSchema, parse

from services.core.api.beenergised.schema import build_schema
from tests.robustness.response_shape import shape_problems

QUERY = parse('{ c: cp(id: "1") { id label connectors { id } } '
              "cardsPaged { data { __typename ... on Card { tagId } } } }")


@lru_cache(maxsize=1)
def schema() -> GraphQLSchema:
    return build_schema()


def test_a_conforming_response_passes() -> None:
    data = {"c": {"id": "x", "label": None, "connectors": [{"id": "1"}]},
            "cardsPaged": {"data": [{"__typename": "Card", "tagId": "04AA"}, None]}}
    assert shape_problems(schema(), QUERY, data) == []


def test_violations_are_named_by_path() -> None:
    data = {"c": {"id": None, "label": 3, "connectors": {"id": "1"}, "extra": 1},
            "cardsPaged": {"data": [{"__typename": "Cp", "tagId": "x"}]}}
    assert shape_problems(schema(), QUERY, data) == [
        "data.c.extra: not asked for",
        "data.c.id: null in non-null ID!",
        "data.c.label: 3 is not a String",
        "data.c.connectors: expected a list, got {'id': '1'}",
        "data.cardsPaged.data[0]: __typename 'Cp' is not a Card",
    ]
    assert shape_problems(schema(), QUERY, {"c": None}) == ["data.cardsPaged: missing"]
