"""The `voltra` console: Voltra's own lines (URLs once usable), problems, no routine noise."""

from __future__ import annotations

import io
import logging
import socket
import threading
import time
from types import SimpleNamespace

import pytest
from starlette.websockets import WebSocketDisconnect

from app import logs
from app.__main__ import announce_when_listening
from app.processes import Child, _pump


def record(level: int, exc: BaseException | None = None) -> logging.LogRecord:
    info = (type(exc), exc, None) if exc else None
    return logging.LogRecord("uvicorn.error", level, __file__, 1, "msg", (), info)


def test_a_browser_that_went_away_is_not_an_error():
    gone = WebSocketDisconnect(code=1006)
    try:
        raise gone from OSError("peer closed")
    except WebSocketDisconnect:
        pass
    wrapped = RuntimeError("send failed")
    wrapped.__context__ = gone
    f = logs.BrowserGone()
    assert not f.filter(record(logging.ERROR, gone))
    assert not f.filter(record(logging.ERROR, wrapped))
    assert f.filter(record(logging.ERROR, ValueError("a real bug")))
    assert f.filter(record(logging.ERROR))


@pytest.fixture
def restored_loggers():
    """configure() changes process-wide loggers: put them back for the other tests."""
    names = [*logs.ROUTINE, "uvicorn.error"]
    saved = {n: (logging.getLogger(n).level, list(logging.getLogger(n).filters)) for n in names}
    yield
    for n, (level, filters) in saved.items():
        logger = logging.getLogger(n)
        logger.setLevel(level)
        logger.filters[:] = filters


def test_routine_traffic_stays_below_the_console(restored_loggers):
    f = logs.AtLeast(logging.WARNING)
    assert not f.filter(record(logging.INFO))
    assert f.filter(record(logging.WARNING))
    logs.configure()
    httpx_log = logging.getLogger("httpx")
    assert not httpx_log.isEnabledFor(logging.INFO)
    # uvicorn resets levels when its server starts; the filter stays
    access = logging.getLogger("uvicorn.access")
    access.setLevel(logging.INFO)
    assert not all(flt.filter(record(logging.INFO)) for flt in access.filters)


def test_ui_url_is_printed_once_the_port_listens(capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    announce_when_listening(f"http://127.0.0.1:{port}/", port, timeout_s=30)
    time.sleep(0.5)
    assert "Voltra UI at" not in capsys.readouterr().out  # nothing listens yet
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen()
        deadline = time.monotonic() + 20
        out = ""
        while time.monotonic() < deadline and "Voltra UI at" not in out:
            out += capsys.readouterr().out
            time.sleep(0.1)
    assert f"Voltra UI at http://127.0.0.1:{port}/" in out


def test_the_simulator_fault_control_url_is_shown(capsys):
    lines = "booting\nVoltra hardware: 3 stations on http://c; control API on http://127.0.0.1:5/\n"
    child = Child("hardware", SimpleNamespace(stdout=io.StringIO(lines)))
    _pump(child, threading.Event(), [])
    out = capsys.readouterr().out
    assert "control API on http://127.0.0.1:5/" in out
    assert "fault --control http://127.0.0.1:5/ STATION_ID" in out
    assert "booting" not in out
