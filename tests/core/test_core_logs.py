"""Log records of the core stay small whatever a client sent."""

from __future__ import annotations

import io
import logging
import sys

from services.core import logs


def _logger() -> tuple[logging.Logger, io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("tests.core.logs")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logs.install(["tests.core.logs"])
    return logger, out


def test_long_arguments_are_clipped_with_their_length() -> None:
    logger, out = _logger()
    frame = "[2, \"x\", \"MeterValues\", {" + "9" * 500_000 + "}]"
    logger.warning("bad frame from %s: %s", "CP-1", frame)
    logger.warning(b"\xff" * 100_000)
    text = out.getvalue()
    assert len(text) < 3_000
    assert "bad frame from CP-1: [2, \"x\", \"MeterValues\"" in text
    assert f"[{len(frame) - logs.MAX_ARG_CHARS} more chars]" in text


def _deep(n: int) -> None:
    # two frames taking turns: Python's traceback folds only a frame repeated in a row
    if n:
        _deeper(n - 1)
    raise ValueError("the bottom")


def _deeper(n: int) -> None:
    _deep(n)


def test_deep_tracebacks_keep_start_and_end() -> None:
    logger, out = _logger()
    limit = sys.getrecursionlimit()
    try:
        _deep(min(400, (limit - 100) // 2))
    except ValueError:
        logger.exception("unexpected error")
    text = out.getvalue()
    assert len(text) < logs.MAX_TRACEBACK_CHARS + 1_000
    assert text.startswith("ERROR tests.core.logs: unexpected error\nTraceback")
    assert text.rstrip().endswith("ValueError: the bottom")
    assert "chars left out" in text


def test_short_records_are_untouched() -> None:
    logger, out = _logger()
    logger.warning("station %s has %d connectors", "DE*VOL*1", 2)
    assert out.getvalue() == "WARNING tests.core.logs: station DE*VOL*1 has 2 connectors\n"


def test_installing_twice_adds_one_filter() -> None:
    logger, _out = _logger()
    logs.install(["tests.core.logs"])
    assert len(logger.handlers[0].filters) == 1
