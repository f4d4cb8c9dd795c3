"""bench_gpjoule keeps running: its whole path at a tiny size against the in-process fake
back end (a smoke test of the script, not a measurement)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_bench_gpjoule_prints_first_repeated_and_restart_figures():
    args = ["--synthetic", "--sizes", "400", "--searches", "5"]
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_gpjoule", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    (result,) = json.loads(out.stdout.split("RESULT ", 1)[1])
    assert result["stations"] == 400
    assert result["first_found"] > 0 and result["restart_found"] == result["first_found"]
    for key in ("first_s", "repeat_p50_ms", "viewport_p50_ms", "restart_s"):
        assert result[key] > 0, key
