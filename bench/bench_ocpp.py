"""OCPP load benchmark: N simulated chargers each sending MeterValues every second.

    python bench/bench_ocpp.py                 # 1,000 chargers x 60 s, then the idle run
    python bench/bench_ocpp.py --chargers 200 --seconds 20 --no-idle

Part 1 (load): a core subprocess over a fresh store with N stations; N OCPP 1.6J clients
(raw OCPP-J frames over websockets, on loopback, to keep the load generator cheap) connect,
boot, start a transaction each, then send MeterValues every second for the measured window
and stop their transaction. Prints messages/s handled, p50/p95/p99 round trip (send ->
CallResult) and the core's CPU (psutil, process + children) during the window.
Goal: >= 1,000 msg/s, p95 < 50 ms, core < 1 core's worth of CPU.

Part 2 (idle): the default demo pair: ``python -m services.core`` (default demo data) and
``python -m services.hardware --core URL`` with its defaults; after a settle time prints how
many chargers stay connected and the memory and idle CPU of both processes.

Bounded: everything on 127.0.0.1, fixed duration, processes stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.core.store.db import connect, migrate, utcnow  # noqa: E402

READY = re.compile(r"^Voltra core listening on (http://\S+)$")
HW_READY = re.compile(r"control API on (http://\S+)$")


def seed(db: Path, n: int) -> list[str]:
    conn = connect(db)
    migrate(conn)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO operators(id, name, party_id, country) VALUES (1, 'B', 'VOL', 'DE')")
    conn.execute("INSERT INTO tariffs(id, name, per_kwh) VALUES (1, 'bench', 0.5)")
    conn.execute("INSERT INTO sites(id, uuid, name, operator_id, country, latitude, longitude)"
                 " VALUES (1, 'bench-site', 'bench', 1, 'DEU', 52.5, 13.4)")
    ids = []
    for i in range(1, n + 1):
        uid = f"bench-{i:05d}"
        ids.append(uid)
        conn.execute("INSERT INTO stations(id, uuid, site_id, operator_id, label, country,"
                     " latitude, longitude) VALUES (?, ?, 1, 1, ?, 'DEU', ?, ?)",
                     (i, uid, uid, 52.4 + i * 1e-4, 13.3 + i * 1e-4))
        conn.execute("INSERT INTO connectors(id, station_id, sort_order, evse_id, plug_type,"
                     " current_type, max_power_kw, tariff_id) VALUES (?, ?, 1, ?, 'TYPE2',"
                     " 'AC', 22, 1)", (i, i, f"DE*VOL*EB{i}*1"))
    conn.execute("COMMIT")
    conn.close()
    return ids


def start_core(db: Path, stations: int = 0, env: dict | None = None
               ) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.core", "--port", "0", "--db", str(db),
         "--stations", str(stations)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=open(db.with_suffix(".log"), "wb"),  # noqa: SIM115
        env={**os.environ, **(env or {})})
    assert proc.stdout is not None
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        line = proc.stdout.readline().decode().strip()
        m = READY.match(line)
        if m:
            return proc, m.group(1)
        if not line and proc.poll() is not None:
            break
    raise SystemExit("core did not start; see " + str(db.with_suffix(".log")))


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(p: psutil.Process) -> float:
    t = p.cpu_times()
    total = t.user + t.system
    for c in p.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            ct = c.cpu_times()
            total += ct.user + ct.system
    return total


def rss_mb(p: psutil.Process) -> float:
    total = p.memory_info().rss
    for c in p.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += c.memory_info().rss
    return total / 2**20


class Charger:
    """A lean OCPP-J client: only what the load needs, measured per call."""

    def __init__(self, url: str, identity: str) -> None:
        self.url = url.replace("http://", "ws://") + "/ocpp/" + identity
        self.identity = identity
        self.ws = None
        self.n = 0
        self.waiting: dict[str, tuple[asyncio.Future, float]] = {}
        self.tx = 0
        self.meter = 1_000_000

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url, subprotocols=["ocpp1.6"], max_queue=16,
                                           ping_interval=None, compression=None)
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                msg = json.loads(raw)
                if msg[0] in (3, 4):
                    fut, _t0 = self.waiting.pop(msg[1], (None, 0))
                    if fut is not None and not fut.done():
                        fut.set_result(msg)
                elif msg[0] == 2:  # the core asks something: say yes
                    await self.ws.send(json.dumps([3, msg[1], {"status": "Accepted"}]))

    async def call(self, action: str, payload: dict) -> tuple[list, float]:
        self.n += 1
        uid = f"{self.identity}-{self.n}"
        fut = asyncio.get_running_loop().create_future()
        t0 = time.perf_counter()
        self.waiting[uid] = (fut, t0)
        await self.ws.send(json.dumps([2, uid, action, payload]))
        res = await asyncio.wait_for(fut, 30)
        return res, time.perf_counter() - t0

    async def setup(self) -> None:
        await self.call("BootNotification", {"chargePointVendor": "Bench",
                                             "chargePointModel": "Load"})
        await self.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError",
                                               "status": "Preparing"})
        res, _ = await self.call("StartTransaction", {
            "connectorId": 1, "idTag": "EE00" + f"{hash(self.identity) & 0xFFFFFFFFFF:010X}",
            "meterStart": self.meter, "timestamp": utcnow()})
        self.tx = res[2]["transactionId"]

    async def meter_loop(self, until: float, rtts: list[float], offset: float,
                         span: dict[str, float]) -> int:
        await asyncio.sleep(offset)
        span["first"] = min(span["first"], time.monotonic())
        sent = 0
        nxt = time.monotonic()
        while nxt < until:
            self.meter += 6  # 22 kW for one second
            _, rtt = await self.call("MeterValues", {
                "connectorId": 1, "transactionId": self.tx,
                "meterValue": [{"timestamp": utcnow(), "sampledValue": [
                    {"value": str(self.meter), "measurand": "Energy.Active.Import.Register",
                     "unit": "Wh"},
                    {"value": "22000", "measurand": "Power.Active.Import", "unit": "W"},
                    {"value": "55.0", "measurand": "SoC", "unit": "Percent"}]}]})
            rtts.append(rtt)
            span["last"] = max(span["last"], time.monotonic())
            sent += 1
            nxt += 1.0
            await asyncio.sleep(max(0.0, nxt - time.monotonic()))
        return sent

    async def finish(self) -> None:
        await self.call("StopTransaction", {"transactionId": self.tx, "meterStop": self.meter,
                                            "timestamp": utcnow(), "reason": "Local"})
        await self.ws.close()


async def load(url: str, ids: list[str], seconds: float, core: psutil.Process) -> dict:
    chargers = [Charger(url, i) for i in ids]
    sem = asyncio.Semaphore(50)

    async def up(c: Charger) -> None:
        async with sem:
            await c.connect()
            await c.setup()

    t0 = time.monotonic()
    await asyncio.gather(*(up(c) for c in chargers))
    connect_s = time.monotonic() - t0
    rtts: list[float] = []
    start = time.monotonic() + 1.0
    until = start + 1.0 + seconds  # every charger's first send falls in [start, start + 1)
    cpu: dict[str, float] = {}

    async def sample_cpu() -> None:
        # CPU over the steady window only: after every charger started sending, before the
        # first one stops.
        await asyncio.sleep(start + 1.0 - time.monotonic())
        me = psutil.Process()
        psutil.cpu_percent()
        cpu["c0"], cpu["g0"], cpu["w0"] = cpu_seconds(core), cpu_seconds(me), time.monotonic()
        await asyncio.sleep(until - 1.0 - time.monotonic())
        cpu["c1"], cpu["g1"], cpu["w1"] = cpu_seconds(core), cpu_seconds(me), time.monotonic()
        cpu["machine"] = psutil.cpu_percent() / 100 * (psutil.cpu_count() or 1)
        cpu["rss"] = rss_mb(core)

    sampler = asyncio.create_task(sample_cpu())
    span = {"first": float("inf"), "last": 0.0}
    counts = await asyncio.gather(*(
        c.meter_loop(until, rtts, 1.0 + k / len(chargers), span) for k, c in enumerate(chargers)))
    await sampler
    cpu0, w0, cpu1, w1, rss = cpu["c0"], cpu["w0"], cpu["c1"], cpu["w1"], cpu["rss"]
    await asyncio.gather(*(c.finish() for c in chargers))
    rtts.sort()
    q = statistics.quantiles(rtts, n=100)
    return {"chargers": len(chargers), "connect_and_start_s": round(connect_s, 1),
            "messages": sum(counts), "window_s": round(w1 - w0, 1),
            # handled messages over the span from the first send to the last answer
            "msgs_per_s": round(sum(counts) / (span["last"] - span["first"]), 1),
            "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1),
            "p99_ms": round(q[98] * 1000, 1), "max_ms": round(rtts[-1] * 1000, 1),
            "core_cpu_cores": round((cpu1 - cpu0) / (w1 - w0), 2), "core_rss_mb": round(rss),
            # context: the load generator shares the machine with the core
            "loadgen_cpu_cores": round((cpu["g1"] - cpu["g0"]) / (w1 - w0), 2),
            "machine_cpu_cores_busy": round(cpu["machine"], 2),
            "machine_cores": psutil.cpu_count(), "loadavg_1m": round(os.getloadavg()[0], 2)}


def check_store(db: Path, ids: int) -> dict:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT COUNT(*) FROM meter_values").fetchone()[0]
        fin = conn.execute("SELECT COUNT(*), ROUND(SUM(energy_kwh), 3) FROM sessions"
                           " WHERE state = 'finished'").fetchone()
        return {"meter_rows_stored": rows, "sessions_finished": fin[0], "energy_kwh": fin[1]}
    finally:
        conn.close()


def idle_run(tmp: Path, settle: float, measure: float) -> dict:
    core, url = start_core(tmp / "idle.sqlite3", stations=3000)
    hw = subprocess.Popen([sys.executable, "-m", "services.hardware", "--core", url],
                          cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=open(tmp / "hw.log", "wb"))  # noqa: SIM115 (lives with the process)
    try:
        assert hw.stdout is not None
        line = hw.stdout.readline().decode().strip()
        m = HW_READY.search(line)
        if not m:
            return {"error": "simulator did not start: " + (line or "no output")
                    + " (see " + str(tmp / "hw.log") + ")"}
        control = m.group(1)
        time.sleep(settle)
        pc, ph = psutil.Process(core.pid), psutil.Process(hw.pid)
        c0, h0, t0 = cpu_seconds(pc), cpu_seconds(ph), time.monotonic()
        time.sleep(measure)
        c1, h1, t1 = cpu_seconds(pc), cpu_seconds(ph), time.monotonic()
        import httpx

        stations = httpx.get(control + "/stations", timeout=10).json()
        return {"stations_simulated": len(stations),
                "connected": sum(1 for s in stations if s["online"]),
                "busy_connectors": sum(1 for s in stations for c in s["connectors"]
                                       if c["status"] != "Available"),
                "core_rss_mb": round(rss_mb(pc)), "hardware_rss_mb": round(rss_mb(ph)),
                "core_cpu_cores": round((c1 - c0) / (t1 - t0), 3),
                "hardware_cpu_cores": round((h1 - h0) / (t1 - t0), 3),
                "measured_s": round(t1 - t0, 1)}
    finally:
        stop(hw)
        stop(core)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--chargers", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--no-idle", action="store_true", help="skip the idle default-run part")
    p.add_argument("--idle-settle", type=float, default=20.0)
    p.add_argument("--idle-measure", type=float, default=30.0)
    args = p.parse_args()
    if not 1 <= args.chargers <= 5000 or not 1 <= args.seconds <= 600:
        p.error("--chargers 1..5000, --seconds 1..600")
    with tempfile.TemporaryDirectory(prefix="voltra-bench-ocpp-") as d:
        tmp = Path(d)
        db = tmp / "load.sqlite3"
        ids = seed(db, args.chargers)
        core, url = start_core(db)
        try:
            result = asyncio.run(load(url, ids, args.seconds, psutil.Process(core.pid)))
        finally:
            stop(core)
        result.update(check_store(db, len(ids)))
        print("OCPP load:", json.dumps(result, indent=1))
        ok = (result["msgs_per_s"] >= 0.98 * args.chargers and result["p95_ms"] < 50
              and result["core_cpu_cores"] < 1.0)
        print(f"goal (>= {args.chargers} msg/s, p95 < 50 ms, core < 1 core):",
              "MET" if ok else "NOT MET")
        if not args.no_idle:
            print("idle default run:", json.dumps(idle_run(tmp, args.idle_settle,
                                                           args.idle_measure), indent=1))


if __name__ == "__main__":
    main()
