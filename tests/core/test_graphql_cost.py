"""The cost of an operation, computed from its document before it runs, on the be.ENERGISED
schema: aliases, page sizes from arguments and variables, and fragments costed once."""

from __future__ import annotations

import time
from functools import lru_cache

import pytest
from graphql import GraphQLError, GraphQLSchema, get_introspection_query, parse, validate

from services.core.api.beenergised.schema import build_schema
from services.core.api.graphql.app import DEFAULT_BUDGET
from services.core.api.graphql.cost import CostBudget, check_cost, operation_cost
from services.core.api.graphql.execution import MaxDepthRule

UNLIMITED = CostBudget(maximum=10**18)
ROOT = UNLIMITED.root_field_cost
NEAR = "location: {latitude: 52.52, longitude: 13.405, radius: 5}"


@lru_cache(maxsize=1)
def schema() -> GraphQLSchema:
    return build_schema()


def cost(query: str, variables: dict | None = None, budget: CostBudget = UNLIMITED) -> int:
    return operation_cost(schema(), parse(query), variables, None, budget)


def search(alias: str = "", page: str = "", fields: str = "id name") -> str:
    args = f"{NEAR}, pagination: {{{page}}}" if page else NEAR
    return f"{alias}cpsPagedLocationBased({args}) {{ data {{ {fields} }} }}"


def test_page_size_multiplies_the_selection() -> None:
    # the root field + 1 (data) + 20 default items x 2 fields
    assert cost("{ " + search() + " }") == ROOT + 1 + 20 * 2
    assert cost("{ " + search(page="limit: 50") + " }") == ROOT + 1 + 50 * 2
    # the facade caps a page at 100, so asking for more costs 100
    assert cost("{ " + search(page="limit: 100000") + " }") == ROOT + 1 + 100 * 2


def test_page_size_from_variables() -> None:
    q = ("query($p: PaginationFilter) { cpsPagedLocationBased(" + NEAR
         + ", pagination: $p) { data { id } } }")
    assert cost(q, {"p": {"limit": 7}}) == ROOT + 1 + 7
    assert cost(q, {"p": {"limit": "lots"}}) == ROOT + 1 + 20  # coercion refuses it later
    assert cost(q, {}) == ROOT + 1 + 20


def test_aliases_each_cost_in_full() -> None:
    one = cost("{ " + search() + " }")
    many = "{ " + " ".join(search(f"a{i}: ") for i in range(200)) + " }"
    assert cost(many) == 200 * one


def test_lists_without_paging_count_a_default_size() -> None:
    q = '{ cp(id: "x") { id connectors { id } } }'
    assert cost(q) == ROOT + 1 + 1 + UNLIMITED.default_list_size * 1


def test_fragments_cost_what_their_fields_cost() -> None:
    inline = cost("{ " + search(page="limit: 5", fields="id name connectors { id }") + " }")
    spread = cost("{ " + search(page="limit: 5", fields="...F") + " } "
                  "fragment F on Cp { id name connectors { id } }")
    assert inline == spread


def _spread_bomb(levels: int, spreads: int = 3) -> str:
    parts = ['{cp(id:"x"){...f0}}']
    for i in range(levels):
        body = " ".join([f"...f{i + 1}"] * spreads) if i + 1 < levels else "id"
        parts.append(f"fragment f{i} on Cp{{{body}}}")
    return " ".join(parts)


def test_nested_fragment_spreads_are_analysed_in_linear_time() -> None:
    bomb = _spread_bomb(24)  # 3**23 expansions of the last fragment
    assert len(bomb) < 1_000
    started = time.perf_counter()
    assert cost(bomb) > 3**22
    assert validate(schema(), parse(bomb), [MaxDepthRule]) == []
    assert time.perf_counter() - started < 1.0


def test_over_budget_is_a_graphql_error_naming_the_cost() -> None:
    many = "{ " + " ".join(search(f"a{i}: ") for i in range(200)) + " }"
    with pytest.raises(GraphQLError) as caught:
        check_cost(schema(), parse(many), {"query": many}, DEFAULT_BUDGET)
    ext = caught.value.extensions
    assert ext["code"] == "COST_LIMIT_EXCEEDED"
    assert ext["cost"] == {"requestedQueryCost": 200 * (ROOT + 41), "maximumAvailable":
                           DEFAULT_BUDGET.maximum}


def test_the_budget_admits_what_clients_send() -> None:
    from services.providers.beenergised import queries

    big_search = {"location": {"latitude": 52.5, "longitude": 13.4, "radius": 5},
                  "pagination": {"limit": 100, "offset": 0}}
    for query, variables in ((queries.CPS_PAGED_LOCATION_BASED, big_search),
                             (get_introspection_query(descriptions=True), {})):
        check_cost(schema(), parse(query), {"query": query, "variables": variables},
                   DEFAULT_BUDGET)


def test_the_named_operation_is_the_one_costed() -> None:
    doc = "query Small { contact { id } } query Big { " + search(page="limit: 90") + " }"
    assert operation_cost(schema(), parse(doc), {}, "Small", UNLIMITED) == ROOT + 1
    assert operation_cost(schema(), parse(doc), {}, "Big", UNLIMITED) == ROOT + 1 + 90 * 2
    assert operation_cost(schema(), parse(doc), {}, "Nope", UNLIMITED) == ROOT + 1 + 90 * 2
