"""OCPP load benchmark: N simulated chargers each sending MeterValues every second.

    python bench/bench_ocpp.py                 # 1,000 chargers x 60 s, then the idle run
    python bench/bench_ocpp.py --chargers 200 --seconds 20 --no-idle

Part 1 (load): a core subprocess over a fresh store with N stations; N OCPP 1.6J clients
connect, boot, start a transaction each, then send MeterValues every second for the measured
window and stop their transaction. The clients run in ``--workers`` generator processes
(bench/ocpp_loadgen.py: uvloop, one websocket per charger, pre-encoded MeterValues frames,
send/receive timestamps taken at the frame) so the round trip measures the core and not a
saturated generator; every reply is checked. Prints messages/s answered, p50/p95/p99 round
trip (send -> CallResult), the core's CPU (psutil, process + children) and the generator's
CPU during the steady window, and the machine's load.
Goal: >= 1,000 msg/s, p95 < 5 ms, core < 0.5 cores' worth of CPU, with every message
checked against its OCPP 1.6 schema and every reading against the connector's physics.

Part 2 (idle): the default demo pair: ``python -m services.core`` (default demo data) and
``python -m services.hardware --core URL`` with its defaults; after a settle time prints how
many chargers stay connected and the memory and idle CPU of both processes.

Bounded: everything on 127.0.0.1, fixed duration, processes stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import re
import secrets
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from multiprocessing.connection import Connection
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import ocpp_loadgen  # noqa: E402
from services.core.ocpp.credentials import hash_machine_secret  # noqa: E402
from services.core.store.db import connect, migrate  # noqa: E402

READY = re.compile(r"^Voltra core listening on (http://\S+)$")
HW_READY = re.compile(r"control API on (http://\S+)$")


def seed(db: Path, n: int, key: bytes) -> list[str]:
    """A store of ``n`` one-connector stations whose chargers authenticate with
    ``ocpp_loadgen.password(key, id)`` (own credentials: held to connector physics)."""
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
                     " latitude, longitude, ocpp_password_hash)"
                     " VALUES (?, ?, 1, 1, ?, 'DEU', ?, ?, ?)",
                     (i, uid, uid, 52.4 + i * 1e-4, 13.3 + i * 1e-4,
                      hash_machine_secret(ocpp_loadgen.password(key, uid))))
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


def load(url: str, ids: list[str], seconds: float, core: psutil.Process, workers: int,
         key: bytes) -> dict:
    """Run the chargers in ``workers`` generator processes (bench/ocpp_loadgen.py) on one
    schedule: charger k of N sends at start + k/N + i seconds, so the core sees an even
    stream of N messages a second; chargers alternate between the workers."""
    ctx = multiprocessing.get_context("spawn")
    n = len(ids)
    pipes, procs = [], []
    for w in range(workers):
        mine, theirs = ctx.Pipe()
        share = list(range(w, n, workers))
        proc = ctx.Process(target=ocpp_loadgen.worker, daemon=True,
                           args=(url, [ids[k] for k in share], [k / n for k in share], theirs,
                                 key))
        proc.start()
        theirs.close()
        pipes.append(mine)
        procs.append(proc)
    try:
        ready = [_expect(pipe, 600) for pipe in pipes]
        connect_s = max(r["ready"] for r in ready)
        start = time.perf_counter() + 1.0
        until = start + seconds
        for pipe in pipes:
            pipe.send((start, until))
        # CPU over the steady window only: every charger has started sending and none has
        # stopped yet.
        gens = [psutil.Process(p.pid) for p in procs]
        time.sleep(max(0.0, start + 1.0 - time.perf_counter()))
        psutil.cpu_percent()
        c0, g0, w0 = cpu_seconds(core), sum(cpu_seconds(g) for g in gens), time.perf_counter()
        time.sleep(max(0.0, until - 1.0 - time.perf_counter()))
        c1, g1, w1 = cpu_seconds(core), sum(cpu_seconds(g) for g in gens), time.perf_counter()
        machine = psutil.cpu_percent() / 100 * (psutil.cpu_count() or 1)
        rss = rss_mb(core)
        loadavg = os.getloadavg()[0]
        results = [_expect(pipe, 120) for pipe in pipes]
    finally:
        for proc in procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
    rtts = array("d")
    for r in results:
        rtts.frombytes(r["rtts"])
    sent = sum(r["sent"] for r in results)
    first, last = min(r["first"] for r in results), max(r["last"] for r in results)
    q = statistics.quantiles(sorted(rtts), n=100)
    return {"chargers": n, "generator_processes": workers,
            "connect_and_start_s": round(connect_s, 1),
            "messages": sent, "replies_ok": len(rtts),
            "reply_errors": sum(r["errors"] for r in results),
            "error_samples": [e for r in results for e in r["error_samples"]][:5],
            "window_s": round(w1 - w0, 1),
            # answered messages over the span from the first send to the last answer
            "msgs_per_s": round(len(rtts) / (last - first), 1),
            "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1),
            "p99_ms": round(q[98] * 1000, 1), "max_ms": round(max(rtts) * 1000, 1),
            "core_cpu_cores": round((c1 - c0) / (w1 - w0), 2), "core_rss_mb": round(rss),
            # context: the load generator shares the machine with the core
            "loadgen_cpu_cores": round((g1 - g0) / (w1 - w0), 2),
            "machine_cpu_cores_busy": round(machine, 2),
            "machine_cores": psutil.cpu_count(), "loadavg_1m": round(loadavg, 2)}


def _expect(pipe: Connection, timeout: float) -> dict:
    if not pipe.poll(timeout):
        raise SystemExit(f"load generator silent for {timeout:.0f} s")
    msg = pipe.recv()
    if "error" in msg:
        raise SystemExit("load generator failed: " + msg["error"])
    return msg


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
    p.add_argument("--workers", type=int, default=2,
                   help="load generator processes (default 2, one per core of the target)")
    p.add_argument("--no-idle", action="store_true", help="skip the idle default-run part")
    p.add_argument("--idle-settle", type=float, default=20.0)
    p.add_argument("--idle-measure", type=float, default=30.0)
    args = p.parse_args()
    if not 1 <= args.chargers <= 5000 or not 1 <= args.seconds <= 600:
        p.error("--chargers 1..5000, --seconds 1..600")
    if not 1 <= args.workers <= 8:
        p.error("--workers 1..8")
    with tempfile.TemporaryDirectory(prefix="voltra-bench-ocpp-") as d:
        tmp = Path(d)
        db = tmp / "load.sqlite3"
        key = secrets.token_bytes(16)
        ids = seed(db, args.chargers, key)
        core, url = start_core(db)
        try:
            result = load(url, ids, args.seconds, psutil.Process(core.pid), args.workers, key)
        finally:
            stop(core)
        result.update(check_store(db, len(ids)))
        print("OCPP load:", json.dumps(result, indent=1))
        ok = (result["msgs_per_s"] >= 0.98 * args.chargers and result["p95_ms"] < 5
              and result["core_cpu_cores"] < 0.5 and result["reply_errors"] == 0
              and result["replies_ok"] == result["messages"])
        print(f"goal (>= {args.chargers} msg/s, p95 < 5 ms, core < 0.5 cores):",
              "MET" if ok else "NOT MET")
        if not args.no_idle:
            print("idle default run:", json.dumps(idle_run(tmp, args.idle_settle,
                                                           args.idle_measure), indent=1))


if __name__ == "__main__":
    main()
