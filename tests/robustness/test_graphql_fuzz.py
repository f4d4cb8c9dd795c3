"""Generated operations for every root field of the be.ENERGISED schema, anonymous and
logged in, against a real core over HTTP: no 5xx, no INTERNAL_SERVER_ERROR, and every
``data`` matches the schema for the document that asked for it.

Valid operations come from hypothesis-graphql (arguments of every type, nulls, odd
strings); a few invalid ones per field (one schema violation each) must be refused as
client errors. Bounded: a fixed seed (derandomized), a fixed number of examples per field
and mode (about 2,000 requests in all), one core with a small demo database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from graphql import GraphQLSchema, parse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis_graphql import nodes
from hypothesis_graphql.strategies import Mode, from_schema

from services.core.api.beenergised.schema import build_schema
from tests.core_launcher import core_process
from tests.robustness.response_shape import shape_problems

VALID_EXAMPLES = 12
INVALID_EXAMPLES = 3
USER = ("sam@example.com", "sam-demo")
# Ends the user's account: fuzzed last so the other fields run logged in.
LAST = ("deleteContact",)

pytestmark = pytest.mark.timeout(300)

SCALARS = {
    "DateTime": st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                             timezones=st.just(UTC)).map(
        lambda d: nodes.String(d.strftime("%Y-%m-%dT%H:%M:%SZ"))),
}


@pytest.fixture(scope="module")
def fuzz_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db: Path = tmp_path_factory.mktemp("fuzz") / "core.sqlite3"
    with core_process(db, stations=200, seed=42) as url:
        yield url


def _root_fields(schema: GraphQLSchema) -> list[str]:
    names = sorted(schema.query_type.fields) + sorted(schema.mutation_type.fields)
    return [n for n in names if n not in LAST] + list(LAST)


def _login(client: httpx.Client) -> str | None:
    r = client.post("/graphql/", json={
        "query": "mutation($u: String!, $p: String!) { initSession(username: $u, "
                 "password: $p) { sessionToken } }",
        "variables": {"u": USER[0], "p": USER[1]}})
    session = ((r.json().get("data") or {}).get("initSession") or {})
    return session.get("sessionToken")


def _problems(schema: GraphQLSchema, query: str, r: httpx.Response, valid: bool) -> list[str]:
    where = f"{query[:300]!r} -> {r.status_code}"
    if r.status_code >= 500:
        return [f"{where}: server error {r.text[:300]}"]
    try:
        body = r.json()
    except ValueError:
        return [f"{where}: not JSON: {r.text[:300]}"]
    if not isinstance(body, dict) or not ("data" in body or "errors" in body):
        return [f"{where}: neither data nor errors: {r.text[:300]}"]
    problems = []
    for err in body.get("errors") or []:
        code = (err.get("extensions") or {}).get("code")
        if code == "INTERNAL_SERVER_ERROR" or not code:
            problems.append(f"{where}: error code {code!r}: {err.get('message')!r:.200}")
    if not valid:
        if body.get("data") is not None or not body.get("errors"):
            problems.append(f"{where}: an invalid operation was not refused")
        return problems
    if body.get("data") is not None:
        problems += [f"{where}: {p}" for p in
                     shape_problems(schema, parse(query), body["data"])]
    return problems


SETTINGS = {"derandomize": True, "database": None, "deadline": None,
            "phases": [Phase.generate], "suppress_health_check": list(HealthCheck)}


def _fuzz(strategy: st.SearchStrategy, examples: int, send: Callable[[str], None]) -> None:
    @settings(max_examples=examples, **SETTINGS)
    @given(query=strategy)
    def run(query: str) -> None:
        send(query)

    run()


def test_every_root_field_survives_generated_operations(fuzz_core: str) -> None:
    schema = build_schema()
    problems: list[str] = []
    sent = 0
    started = time.monotonic()

    with httpx.Client(base_url=fuzz_core, timeout=60) as client:
        def sender(headers: dict[str, str], valid: bool) -> Callable[[str], None]:
            def send(query: str) -> None:
                nonlocal sent
                r = client.post("/graphql/", json={"query": query}, headers=headers)
                sent += 1
                problems.extend(_problems(schema, query, r, valid))
            return send

        for field in _root_fields(schema):
            token = _login(client)
            assert token or field in LAST, f"the fuzzed user can no longer log in ({field})"
            anonymous: dict[str, str] = {}
            user = {"Authorization": f"Bearer {token}"} if token else {}
            for headers, mode, examples in ((anonymous, Mode.POSITIVE, VALID_EXAMPLES),
                                            (user, Mode.POSITIVE, VALID_EXAMPLES),
                                            (user, Mode.NEGATIVE, INVALID_EXAMPLES)):
                strategy = from_schema(schema, fields=[field], custom_scalars=SCALARS,
                                       mode=mode)
                try:
                    _fuzz(strategy, examples, sender(headers, mode is Mode.POSITIVE))
                except InvalidArgument as exc:
                    # a field whose arguments cannot be made invalid
                    if mode is Mode.POSITIVE or "NEGATIVE mode" not in str(exc):
                        raise

    elapsed = time.monotonic() - started
    print(f"graphql fuzz: {sent} requests, {len(problems)} problems, {elapsed:.0f}s")
    assert sent >= len(_root_fields(schema)) * 2, sent
    assert not problems, f"{len(problems)} problems in {sent} requests:\n" + "\n".join(
        problems[:15])
    assert elapsed < 240, f"{sent} requests took {elapsed:.0f}s"
