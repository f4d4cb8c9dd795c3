"""The GraphQL-layer benchmark keeps running (tiny size: a smoke test, not a measurement)."""

from __future__ import annotations

import pytest

from bench.bench_graphql_layer import main


def test_bench_graphql_layer_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stations", "300", "--samples", "5"]) == 0
    out = capsys.readouterr().out
    for stage in ("store search", "prepare page", "resolver + GraphQL execution"):
        assert stage in out and "p95" in out
