"""The console entry points answer ``--help`` with their documented options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("module", "flags"),
    [
        ("services.core", ("--host", "--port", "--db", "--stations", "--seed")),
        ("services.hardware", ("--core", "--near", "--radius", "--count", "--all", "--speed")),
        ("app", ("--web", "--port", "--kiosk", "--provider", "--url", "--stations", "--speed")),
    ],
)
def test_console_scripts_answer_help(module: str, flags: tuple[str, ...]) -> None:
    """``voltra-core``, ``voltra-hardware`` and ``voltra`` (= ``python -m`` of these)."""
    out = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    for flag in flags:
        assert flag in out.stdout, (module, flag)
