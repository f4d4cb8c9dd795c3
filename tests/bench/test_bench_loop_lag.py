"""bench/bench_loop_lag.py keeps working: a tiny run against a real core with simulated
chargers and API clients prints the core's loop figures (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_loop_lag_prints_the_cores_loop_figures() -> None:
    out = subprocess.run(
        [sys.executable, "bench/bench_loop_lag.py", "--chargers", "4", "--seconds", "3",
         "--stations", "300", "--searchers", "1", "--lanes", "1", "--hold", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "core event loop: lag p50" in out.stdout, out.stdout[-2000:]
    result = json.loads(out.stdout.split("RESULT ", 1)[1].splitlines()[0])
    core = result["core_loop"]
    assert core["ticks"] > 0
    for key in ("lag_p50_ms", "lag_p95_ms", "lag_p99_ms", "lag_max_ms", "stalls"):
        assert core[key] >= 0, (key, core)
    assert isinstance(core["blockers"], list)
    traffic = result["traffic"]
    assert traffic["searches"] > 0 and traffic["catalogue_pages"] > 0, traffic
    assert traffic["chargers_online"] == 4, traffic
