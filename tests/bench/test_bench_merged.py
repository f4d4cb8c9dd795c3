"""bench/bench_merged.py at tiny size against the session's core: it signs in to every
back end and prints its figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from services.registry import implemented_providers

ROOT = Path(__file__).resolve().parents[2]


def test_bench_merged_prints_first_and_complete_times(core_url):
    out = subprocess.run(
        [sys.executable, "bench/bench_merged.py", "--url", core_url, "--n", "3"],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=True,
    ).stdout
    assert f"signed in to {len(implemented_providers())} back ends" in out
    for figure in ("time to first results", "time to complete results", "gpjoule-1 answered"):
        line = next(x for x in out.splitlines() if figure in x)
        assert "p50" in line and "p95" in line
