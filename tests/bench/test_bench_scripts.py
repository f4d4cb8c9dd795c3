"""The benchmark commands keep running: tiny sizes, a smoke test of each script's whole path
(seed, store query, HTTP against a real core; simulated chargers over OCPP), not a
measurement."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, timeout=240, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_bench_core_prints_seed_store_and_http_figures() -> None:
    out = _run(
        "bench.bench_core",
        "--stations",
        "1200",
        "--small",
        "400",
        "--requests",
        "10",
        "--store-queries",
        "30",
    )
    result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    for key in (
        "seed_s",
        "store_p50_ms",
        "store_p95_ms",
        "http_small_list_p95_ms",
        "http_big_full_p95_ms",
    ):
        assert result[key] > 0, (key, result)
    assert result["stations"] == 1200


def test_bench_ocpp_prints_throughput_latency_and_cpu() -> None:
    out = _run("bench.bench_ocpp", "--chargers", "8", "--seconds", "2", "--no-idle")
    assert "goal" in out and "MET" in out, out[-2000:]
    figures = json.loads(out[out.index("{") : out.rindex("}") + 1])
    assert figures["sessions_finished"] == 8, figures
    assert figures["meter_rows_stored"] > 0 and figures["core_cpu_cores"] >= 0, figures


def test_bench_live_prints_start_and_meter_latencies() -> None:
    out = _run("bench.bench_live", "--sessions", "2", "--follow-s", "5", "--interval", "2",
               "--chargers", "10")
    result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    assert result["readings"] > 0, result
    for key in ("start_to_charging_p95", "start_to_first_power_p95", "meter_to_visible_p95"):
        assert 0 < result[key] < 60, (key, result)


def test_bench_ampeco_prints_listing_latencies() -> None:
    out = _run("bench.bench_ampeco", "--stations", "600", "--n", "3")
    for name in ("locations, first page of 100", "EVSEs, first page of 100",
                 "EVSEs, every page (cursor)"):
        line = next(ln for ln in out.splitlines() if name in ln)
        assert "p95" in line and "ms" in line, out
    walked = next(ln for ln in out.splitlines() if "EVSEs, every page" in ln)
    assert " 0 items" not in walked, out
