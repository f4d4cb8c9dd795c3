"""Request limits of the GraphQL facade against the real core over HTTP: over-budget and
malformed documents are refused quickly with a GraphQL client error, nothing a client sends
fills the log, and an expensive request cannot starve others."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from tests.contract.beenergised.doc_queries import doc_query

NEAR = "location: {latitude: 52.52, longitude: 13.405, radius: 5}"


def _post(url: str, query: str, variables: dict | None = None) -> httpx.Response:
    return httpx.post(url + "/graphql/", json={"query": query, "variables": variables or {}},
                      timeout=60)


def _aliases(n: int) -> str:
    return "{ " + " ".join(f"a{i}: cpsPagedLocationBased({NEAR}) {{ data {{ id name }} }}"
                           for i in range(n)) + " }"


def _spread_bomb(levels: int = 19) -> str:
    parts = ['{cp(id:"x"){...f0}}']
    for i in range(levels):
        body = " ".join([f"...f{i + 1}"] * 3) if i + 1 < levels else "id"
        parts.append(f"fragment f{i} on Cp{{{body}}}")
    return " ".join(parts)


@pytest.mark.parametrize(("query", "code"), [
    (_aliases(200), "COST_LIMIT_EXCEEDED"),
    (_aliases(1000), "GRAPHQL_PARSE_FAILED"),  # over the token limit before any cost
    (_spread_bomb(), "COST_LIMIT_EXCEEDED"),
], ids=["200-aliases", "1000-aliases", "nested-fragment-spreads"])
def test_expensive_documents_are_refused_before_running(core_url: str, query: str,
                                                        code: str) -> None:
    started = time.monotonic()
    r = _post(core_url, query)
    elapsed = time.monotonic() - started
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == [code]
    assert "data" not in r.json() or r.json()["data"] is None
    assert elapsed < 5.0, f"refusal took {elapsed:.1f}s"  # running them took 7 s to minutes


def test_deep_nesting_is_a_parse_error_and_leaves_the_log_small(core_url: str,
                                                                core_db: Path) -> None:
    log = core_db.with_suffix(".log")
    before = log.stat().st_size
    deep = "{" + "cp(id: \"x\") {" * 1000 + "id" + "}" * 1001
    r = _post(core_url, deep)
    assert r.status_code == 400
    err = r.json()["errors"][0]
    assert err["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "nested deeper than" in err["message"]

    deep_json = ('{"query": "{ settings { key } }", "variables": {"v": '
                 + "[" * 50_000 + "]" * 50_000 + "}}")
    r = httpx.post(core_url + "/graphql/", content=deep_json,
                   headers={"content-type": "application/json"}, timeout=60)
    assert r.status_code == 400
    assert "nested too deeply" in r.text
    assert log.stat().st_size - before < 2_000


def test_budget_admits_a_full_page_of_the_app_search(core_url: str) -> None:
    from services.providers.beenergised import queries

    r = _post(core_url, queries.CPS_PAGED_LOCATION_BASED, {
        "location": {"latitude": 52.52, "longitude": 13.405, "radius": 20},
        "pagination": {"limit": 100, "offset": 0}})
    assert r.status_code == 200 and "errors" not in r.json()
    assert len(r.json()["data"]["cpsPagedLocationBased"]["data"]) == 100


async def test_expensive_requests_do_not_starve_health_and_search(core_url: str) -> None:
    # the largest page the budget admits: 100 stations, fragments expanded three levels
    heavy = {"query": doc_query("cpsPaged", 3),
             "variables": {"pagination": {"limit": 100, "offset": 0}}}
    light = {"query": "{ cpsPagedLocationBased(" + NEAR
             + ", pagination: {limit: 5}) { data { id } } }"}
    stop = asyncio.Event()
    heavy_done = 0

    async with httpx.AsyncClient(base_url=core_url, timeout=60) as client:
        async def hammer() -> None:
            nonlocal heavy_done
            while not stop.is_set():
                r = await client.post("/graphql/", json=heavy)
                assert r.status_code == 200 and "errors" not in r.json(), r.text[:300]
                heavy_done += 1

        async def attack() -> None:  # refused requests must not cost the others either
            while not stop.is_set():
                r = await client.post("/graphql/", json={"query": _aliases(200)})
                assert r.status_code == 400

        workers = [asyncio.create_task(hammer()) for _ in range(3)]
        workers.append(asyncio.create_task(attack()))
        worst_health = worst_search = 0.0
        try:
            await asyncio.sleep(0.5)
            for _ in range(15):
                started = time.monotonic()
                assert (await client.get("/healthz")).status_code == 200
                worst_health = max(worst_health, time.monotonic() - started)
                started = time.monotonic()
                r = await client.post("/graphql/", json=light)
                assert len(r.json()["data"]["cpsPagedLocationBased"]["data"]) == 5
                worst_search = max(worst_search, time.monotonic() - started)
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            await asyncio.gather(*workers)
    assert heavy_done >= 3
    # alone, each takes milliseconds; a starving request would hold them for seconds
    assert worst_health < 2.0, f"/healthz took {worst_health:.2f}s"
    assert worst_search < 2.0, f"a small search took {worst_search:.2f}s"
