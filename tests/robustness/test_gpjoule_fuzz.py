"""Generated operations for every root field of the GP JOULE CONNECT schema, with the demo
partner's key, against a real core over HTTP: no 5xx, every error with a code (never
INTERNAL_SERVER_ERROR), every ``data`` matching the schema for the document that asked for
it, and invalid operations refused as client errors. Bounded: derandomized, a fixed number
of examples per field and mode (about 200 requests), one core with a small demo database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy
from hypothesis_graphql.strategies import Mode, from_schema

from services.core.api.gpjoule.schema import build_schema
from tests.clients.gpjoule import DEMO_KEY
from tests.contract.document_examples import check_graphql_result
from tests.core_launcher import core_process

VALID_EXAMPLES = 12
INVALID_EXAMPLES = 3
SETTINGS = {"derandomize": True, "database": None, "deadline": None,
            "phases": [Phase.generate], "suppress_health_check": list(HealthCheck)}

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def fuzz_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db: Path = tmp_path_factory.mktemp("gpjoule-fuzz") / "core.sqlite3"
    with core_process(db, stations=200, seed=42) as url:
        yield url


def _problems(query: str, r: httpx.Response, valid: bool) -> list[str]:
    where = f"{query[:300]!r} -> {r.status_code}"
    if r.status_code >= 500:
        return [f"{where}: server error {r.text[:300]}"]
    body = r.json()
    problems = []
    for err in body.get("errors") or []:
        code = (err.get("extensions") or {}).get("code")
        if code in (None, "INTERNAL_SERVER_ERROR"):
            problems.append(f"{where}: error code {code!r}: {err.get('message')!r:.200}")
    if not valid:
        if body.get("data") is not None or not body.get("errors"):
            problems.append(f"{where}: an invalid operation was not refused")
    elif body.get("data") is not None:
        try:
            check_graphql_result(build_schema(), query, body["data"])
        except AssertionError as exc:
            problems.append(f"{where}: {exc}")
    return problems


def _fuzz(strategy: SearchStrategy, examples: int, send: Callable[[str], None]) -> None:
    @settings(max_examples=examples, **SETTINGS)
    @given(query=strategy)
    def run(query: str) -> None:
        send(query)

    run()


def test_every_root_field_survives_generated_operations(fuzz_core: str) -> None:
    schema = build_schema()
    fields = sorted(schema.query_type.fields) + sorted(schema.mutation_type.fields)
    problems: list[str] = []
    sent = 0
    started = time.monotonic()
    with httpx.Client(base_url=fuzz_core, timeout=60,
                      headers={"x-api-key": DEMO_KEY}) as client:  # fmt: skip
        def sender(valid: bool) -> Callable[[str], None]:
            def send(query: str) -> None:
                nonlocal sent
                r = client.post("/gpjoule/graphql", json={"query": query})
                sent += 1
                problems.extend(_problems(query, r, valid))
            return send

        for field in fields:
            for mode, examples in ((Mode.POSITIVE, VALID_EXAMPLES),
                                   (Mode.NEGATIVE, INVALID_EXAMPLES)):  # fmt: skip
                valid = mode is Mode.POSITIVE
                strategy = from_schema(schema, fields=[field], mode=mode)
                try:
                    _fuzz(strategy, examples, sender(valid))
                except InvalidArgument as exc:
                    # a field whose arguments cannot be made invalid
                    if valid or "NEGATIVE mode" not in str(exc):
                        raise
    elapsed = time.monotonic() - started
    print(f"gpjoule fuzz: {sent} requests, {len(problems)} problems, {elapsed:.0f}s")
    assert sent >= len(fields) * 2, sent
    assert not problems, f"{len(problems)} problems in {sent} requests:\n" + "\n".join(
        problems[:15])
