"""Test helpers that talk to a real core: GraphQL over HTTP (httpx), subscriptions over
graphql-transport-ws (websockets), and an in-process core for tests that must reach the
store and event bus of the very server they call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import websockets

READY = re.compile(r"^Voltra core listening on (https?://\S+)$")


# ------------------------------------------------------------ core subprocess


@contextlib.contextmanager
def core_process(db: Path, stations: int = 3000, seed: int = 42,
                 timeout: float = 180.0, extra: list[str] | None = None) -> Iterator[str]:
    """Run ``python -m services.core`` on a free port; yield its base URL; stop it."""
    log_path = db.with_suffix(".log")
    cmd = [sys.executable, "-m", "services.core", "--port", "0", "--db", str(db),
           "--stations", str(stations), "--seed", str(seed), *(extra or [])]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log,
                                cwd=Path(__file__).resolve().parents[1])
        try:
            url = _wait_ready(proc, timeout, log_path)
            yield url
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if proc.stdout:
                proc.stdout.close()


def _wait_ready(proc: subprocess.Popen, timeout: float, log_path: Path) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    os.set_blocking(proc.stdout.fileno(), True)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = READY.match(line.decode().strip())
        if m:
            return m.group(1)
    raise RuntimeError(
        f"core did not report ready (exit {proc.poll()}); log:\n"
        + log_path.read_text(errors="replace")[-4000:]
    )


# ------------------------------------------------------------ GraphQL over HTTP


class Gql:
    """``gql(query, variables)`` -> the whole response body ``{"data":..., "errors":...}``."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        self.endpoint = base_url.rstrip("/") + "/graphql/"
        self.token = token
        self.client = httpx.Client(timeout=30)

    def with_token(self, token: str | None) -> Gql:
        other = Gql(self.base_url, token)
        other.client = self.client
        return other

    def __call__(self, query: str, variables: dict | None = None,
                 token: str | None = None, headers: dict | None = None) -> dict[str, Any]:
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        bearer = token or self.token
        if bearer:
            hdrs["Authorization"] = f"Bearer {bearer}"
        r = self.client.post(self.endpoint, json={"query": query, "variables": variables or {}},
                             headers=hdrs)
        assert r.headers["content-type"].startswith("application/json"), r.text[:500]
        return r.json()

    def data(self, query: str, variables: dict | None = None, **kw: Any) -> dict[str, Any]:
        body = self(query, variables, **kw)
        assert not body.get("errors"), json.dumps(body["errors"], indent=1)
        return body["data"]

    def error(self, query: str, variables: dict | None = None, **kw: Any) -> dict[str, Any]:
        """The first error; asserts there is one."""
        body = self(query, variables, **kw)
        assert body.get("errors"), f"expected an error, got {body}"
        return body["errors"][0]

    def close(self) -> None:
        self.client.close()


# ------------------------------------------------------------ graphql-transport-ws


class WsClient:
    """Minimal graphql-transport-ws client (the protocol the core serves on /graphql/)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, base_url: str, payload: dict | None = None) -> AsyncIterator[WsClient]:
        url = base_url.replace("http://", "ws://").rstrip("/") + "/graphql/"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
            ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert ack["type"] == "connection_ack", ack
            yield cls(ws)

    async def subscribe(self, op_id: str, query: str, variables: dict | None = None) -> None:
        await self.ws.send(json.dumps({"id": op_id, "type": "subscribe",
                                       "payload": {"query": query,
                                                   "variables": variables or {}}}))

    async def receive(self, wait: float = 10.0) -> dict[str, Any]:
        """Next protocol message, answering server pings on the way."""
        while True:
            msg = json.loads(await asyncio.wait_for(self.ws.recv(), wait))
            if msg.get("type") == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            return msg

    async def next(self, op_id: str, wait: float = 10.0) -> dict[str, Any]:
        """The next ``next`` payload of one operation (errors fail the test)."""
        while True:
            msg = await self.receive(wait)
            if msg.get("id") != op_id:
                continue
            assert msg["type"] == "next", msg
            return msg["payload"]

    async def complete(self, op_id: str) -> None:
        await self.ws.send(json.dumps({"id": op_id, "type": "complete"}))


# ------------------------------------------------------------ in-process core


@contextlib.asynccontextmanager
async def core_in_process(db: Path) -> AsyncIterator[tuple[Any, str]]:
    """Serve a core inside the test's event loop: yields ``(core, base_url)``.

    For tests that must act on the same store and event bus the server uses (e.g. publish a
    connector status and watch the subscription deliver it). The database must already be
    migrated (and seeded if the test needs data).
    """
    import uvicorn

    from services.core.__main__ import base_url as url_of
    from services.core.__main__ import bind_socket
    from services.core.server import create_app
    from services.core.state import Core, CoreConfig

    sock = bind_socket("127.0.0.1", 0)
    config = CoreConfig(port=sock.getsockname()[1], db_path=db, base_url=url_of("127.0.0.1", sock))
    core = Core(config)
    server = uvicorn.Server(uvicorn.Config(create_app(core), log_level="warning", lifespan="on",
                                           ws="websockets-sansio"))
    # Signals belong to the test runner, not this server.
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("in-process core stopped during startup")
            await asyncio.sleep(0.01)
        yield core, config.base_url
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 20)
        sock.close()


class AsyncGql:
    """Async twin of :class:`Gql`, for tests that run the core in their own event loop."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.endpoint = base_url.rstrip("/") + "/graphql/"
        self.token = token
        self.client = httpx.AsyncClient(timeout=30)

    async def __call__(self, query: str, variables: dict | None = None,
                       token: str | None = None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if token or self.token:
            headers["Authorization"] = f"Bearer {token or self.token}"
        r = await self.client.post(self.endpoint,
                                   json={"query": query, "variables": variables or {}},
                                   headers=headers)
        return r.json()

    async def data(self, query: str, variables: dict | None = None, **kw: Any) -> dict:
        body = await self(query, variables, **kw)
        assert not body.get("errors"), json.dumps(body["errors"], indent=1)
        return body["data"]

    async def error(self, query: str, variables: dict | None = None, **kw: Any) -> dict:
        body = await self(query, variables, **kw)
        assert body.get("errors"), f"expected an error, got {body}"
        return body["errors"][0]

    async def aclose(self) -> None:
        await self.client.aclose()
