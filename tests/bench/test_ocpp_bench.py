"""bench/bench_ocpp.py keeps working: a short run with its generator processes against a
real core; every MeterValues answered and stored, every session finished."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_ocpp_short_run() -> None:
    out = subprocess.run(
        [sys.executable, "bench/bench_ocpp.py", "--chargers", "10", "--seconds", "3",
         "--workers", "2", "--no-idle"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True).stdout
    body = re.search(r"OCPP load: (\{.*?\n\})", out, re.S)
    assert body, out
    result = json.loads(body.group(1))
    assert result["generator_processes"] == 2
    assert result["messages"] == 30  # 10 chargers x 3 s, one MeterValues a second each
    assert result["replies_ok"] == result["messages"] and result["reply_errors"] == 0
    assert result["meter_rows_stored"] == result["messages"]
    assert result["sessions_finished"] == 10
    assert result["p50_ms"] > 0
