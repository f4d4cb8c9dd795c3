"""MeterValues are acknowledged up to METER_FLUSH_S before they are stored. What a kill -9
loses in that window is the live view's newest readings, never energy: the register is
cumulative, and the charger's queued MeterValues and StopTransaction (its outbox) restore the
session after the restart, so the billed energy is exact."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from services.hardware.charger import ConnectorSpec, StationSpec
from services.hardware.ev import random_vehicle
from services.hardware.simulator import Simulator
from tests.core.ocpp.ocpp_client import ROOT, TAG_A, seed, session_row
from tests.core_launcher import READY

SPEED = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def core(db: Path, port: int) -> Iterator[tuple[str, subprocess.Popen]]:
    log = open(db.with_name(f"core-{time.monotonic_ns()}.log"), "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.core", "--port", str(port), "--db", str(db),
         "--stations", "0"],
        stdout=subprocess.PIPE, stderr=log, cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        url = None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline().decode()
            if not line:
                break
            m = READY.match(line.strip())
            url = m.group(1) if m else None
        assert url, f"core did not start (exit {proc.poll()})"
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
        log.close()


def _stored(db: Path, session_id: int) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        n, wh = conn.execute(
            "SELECT COUNT(*), COALESCE(MAX(energy_wh), 0) FROM meter_values WHERE session_id = ?",
            (session_id,),
        ).fetchone()
        return int(n), int(wh)
    finally:
        conn.close()


async def _until(check, within_s: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {within_s}s")


async def test_kill_9_mid_session_keeps_the_final_energy(tmp_path: Path) -> None:
    store = seed(tmp_path / "core.sqlite3", stations=1)
    ident = store.stations[0]
    port = free_port()
    sim = None
    try:
        with core(store.db, port) as (url, proc):
            sim = Simulator(url, specs=[StationSpec(ident, [ConnectorSpec(1, "AC", 22.0)])],
                            speed=SPEED, seed=4)
            await sim.start()
            await sim.wait_online(within_s=30)
            station = sim.station(ident)
            c = station.connectors[1]
            c.plug_in(random_vehicle(sim.rng))
            assert await c.swipe(TAG_A) == "Accepted"
            tx = await _until(lambda: _tx(c))
            s = await asyncio.to_thread(session_row, store.db, tx)
            await _until(lambda: _rows_at_least(store.db, s["id"], 3))
            acknowledged = station.delivered
            os.kill(proc.pid, signal.SIGKILL)  # no shutdown flush
            proc.wait(10)
        _n, wh_before_restart = await asyncio.to_thread(_stored, store.db, s["id"])
        await _until(lambda: _offline(station))
        queued = len(station.outbox)
        await _until(lambda: _queued(station, queued + 3))
        with core(store.db, port) as (url2, _proc):
            assert url2 == url
            await sim.wait_online(within_s=30)
            await _until(lambda: _drained(station))
            assert station.delivered > acknowledged
            # the live view catches up from the outbox (stored within the flush window)
            await _until(lambda: _energy_above(store.db, s["id"], wh_before_restart))
            meter_start = s["meter_start"]
            c.unplug()  # StopTransaction with the register's final value
            final = c.meter_wh
            done = await _until(lambda: _finished(store.db, tx))
            assert done["meter_end"] == final
            assert done["energy_kwh"] == round((final - meter_start) / 1000, 3)
    finally:
        if sim is not None:
            await sim.stop()


async def _tx(c) -> int | None:  # type: ignore[no-untyped-def]
    return c.tx.id if c.tx is not None and c.tx.id else None


async def _rows_at_least(db: Path, sid: int, n: int) -> bool:
    return (await asyncio.to_thread(_stored, db, sid))[0] >= n


async def _energy_above(db: Path, sid: int, wh: int) -> bool:
    return (await asyncio.to_thread(_stored, db, sid))[1] > wh


async def _offline(station) -> bool:  # type: ignore[no-untyped-def]
    return not station.online.is_set()


async def _queued(station, n: int) -> bool:  # type: ignore[no-untyped-def]
    return len(station.outbox) >= n


async def _drained(station) -> bool:  # type: ignore[no-untyped-def]
    return not station.outbox


async def _finished(db: Path, tx: int):  # type: ignore[no-untyped-def]
    s = await asyncio.to_thread(session_row, db, tx)
    return s if s and s["state"] == "finished" else None
