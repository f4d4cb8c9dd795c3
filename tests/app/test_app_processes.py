"""`voltra` start-up plumbing: the real embedded core as a child process, and the CLI."""

from __future__ import annotations

import httpx
import pytest

from app.__main__ import parse_args
from app.processes import LISTEN_RE, Processes


def test_listen_line_is_parsed():
    m = LISTEN_RE.search("Voltra core listening on http://127.0.0.1:40123\n")
    assert m and m.group(1) == "http://127.0.0.1:40123"


def test_provider_and_url_go_together():
    with pytest.raises(SystemExit):
        parse_args(["--provider", "beenergised"])
    args = parse_args(["--provider", "beenergised", "--url", "http://h:1", "--kiosk"])
    assert (args.provider, args.url, args.kiosk, args.idle_timeout) == (
        "beenergised",
        "http://h:1",
        True,
        90.0,
    )


def test_core_child_starts_serves_and_stops(tmp_path):
    procs = Processes()
    try:
        url = procs.start_core(["--db", str(tmp_path / "core.db"), "--stations", "50"])
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
        child = procs.children[0].proc
    finally:
        procs.stop()
    assert child.poll() is not None, "the core must be stopped with the app"
    assert procs.children == []
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/healthz", timeout=2)
