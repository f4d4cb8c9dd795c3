"""bench/soak_core.py keeps running: a tiny soak (a few hundred mixed calls against a real
core) prints RSS figures and its RESULT line; not a measurement."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_soak_bench_prints_rss_figures() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bench.soak_core", "--calls", "300", "--every", "100",
         "--stations", "200", "--max-seconds", "120"],
        capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:] + out.stdout[-2000:]
    result = json.loads(out.stdout.split("RESULT ", 1)[1].splitlines()[0])
    assert result["calls"] == 300
    assert len(result["rss_mb"]) == 4 and all(mb > 10 for mb in result["rss_mb"])
    assert isinstance(result["plateau"], bool)
    assert "calls  RSS" in out.stdout
