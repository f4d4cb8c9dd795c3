"""The one way tests start an embedded core: ``python -m services.core`` as a subprocess on a
free (or given) loopback port, or served inside the test's own event loop for tests that must
reach the store and event bus of the very server they call. The session-wide core is the
``core_url`` fixture in ``tests/conftest.py``, built on :func:`core_process`.

Start-up and shutdown waits are generous (a busy 2-core machine may take a minute to import
and seed) but return as soon as the core reports ready or exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

READY = re.compile(r"^Voltra core listening on (https?://\S+)$")
ROOT = Path(__file__).resolve().parents[1]
START_WITHIN_S = 180.0
STOP_WITHIN_S = 60.0


# ------------------------------------------------------------ core subprocess


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_core(db: Path, *, port: int = 0, stations: int = 3000, seed: int | None = 42,
                extra: list[str] | None = None, env: dict[str, str] | None = None,
                log_path: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``python -m services.core`` and return ``(process, base URL)`` once it reports
    ready; the caller stops it (:func:`stop_process`). stderr is appended to ``log_path``
    (default ``<db>.log``: a core restarted over the same store continues the same log)."""
    log_path = log_path or db.with_suffix(".log")
    cmd = [sys.executable, "-m", "services.core", "--port", str(port), "--db", str(db),
           "--stations", str(stations)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    cmd += extra or []
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, cwd=ROOT,
                                env={**os.environ, **(env or {})})
    try:
        return proc, wait_ready(proc, START_WITHIN_S, log_path)
    except BaseException:
        stop_process(proc, hard=True)
        raise


@contextlib.contextmanager
def core_process(db: Path, *, port: int = 0, stations: int = 3000, seed: int | None = 42,
                 extra: list[str] | None = None,
                 env: dict[str, str] | None = None) -> Iterator[str]:
    """Run a core over ``db`` (seeded with ``stations`` demo stations if it is new; 0 keeps
    a store the test wrote itself); yield its base URL; SIGTERM it at exit. A fixed ``port``
    lets a test restart the core under the same URL."""
    proc, url = launch_core(db, port=port, stations=stations, seed=seed, extra=extra, env=env)
    try:
        yield url
    finally:
        stop_process(proc)


def wait_ready(proc: subprocess.Popen, timeout: float, log_path: Path) -> str:
    """The base URL from the core's readiness line; fails with the core's log if it exits or
    stays silent for ``timeout`` seconds."""
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


def stop_process(proc: subprocess.Popen, hard: bool = False) -> None:
    """SIGTERM (or SIGKILL when ``hard``), wait for the exit, kill if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


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
        deadline = time.monotonic() + START_WITHIN_S
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("in-process core stopped during startup")
            if time.monotonic() > deadline:
                raise RuntimeError(f"in-process core not started within {START_WITHIN_S}s")
            await asyncio.sleep(0.01)
        yield core, config.base_url
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, STOP_WITHIN_S)
        sock.close()
