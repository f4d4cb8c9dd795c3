"""How long the core's event loop stalls under a steady mix of charger and API traffic,
and what holds it.

    python bench/bench_loop_lag.py                    # 60 chargers, 30 s of traffic
    python bench/bench_loop_lag.py --chargers 10 --seconds 5 --stations 300   # quick

A core subprocess (demo data, ``--loop-stats``: a 20 ms tick measured inside the core, and
a watchdog thread sampling the loop thread's stack every 10 ms while a tick is 50 ms overdue) and,
in this process, ``--chargers`` simulated chargers around Berlin at ``--speed`` with
their drivers (StartTransaction, MeterValues every simulated minute or sooner,
StopTransaction, status changes) plus API clients through the be.ENERGISED provider:
``--searchers`` clients searching stations in a loop and ``--lanes`` demo-driver lanes
starting a session, reading it and stopping it again, and ``--cataloguers`` clients paging
through every charge point 1,000 at a time (the GP JOULE API, as its client's first search
does). Prints the core's loop lag
p50/p95/p99/max, how many stalls over 70 ms, the code seen on the loop during stalls
(sampled stacks, most frequent first), the same lag figures for this process (chargers and
clients), and the API traffic done; last a ``RESULT {json}`` line.

Bounded: loopback only, ``--seconds`` of traffic, every wait with a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.core.loop_watch import LoopWatch  # noqa: E402
from services.hardware.simulator import Simulator  # noqa: E402
from services.models import (  # noqa: E402
    ConnectorStatus,
    Coordinates,
    Credentials,
    SearchQuery,
)
from services.providers.beenergised import BeEnergisedProvider  # noqa: E402
from services.providers.gpjoule.queries import GET_CHARGEPOINTS  # noqa: E402

READY = re.compile(r"^Voltra core listening on (http://\S+)$")
BERLIN = (52.5200, 13.4050)
GPJOULE_KEY = "gpjoule-demo-key"  # demo data only
DRIVER = Credentials(username="driver@example.com", password="driver-demo")  # noqa: S106 - demo


@contextlib.contextmanager
def core(tmp: Path, stations: int, stats: Path) -> Iterator[str]:
    env = {**os.environ, "VOLTRA_OUTBOX_DIR": str(tmp / "outbox"),
           "VOLTRA_DATA_KEY_FILE": str(tmp / "data.key")}
    log = (tmp / "core.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.core", "--port", "0", "--db", str(tmp / "lag.sqlite3"),
         "--stations", str(stations), "--seed", "42", "--loop-stats", str(stats)],
        stdout=subprocess.PIPE, stderr=log, cwd=ROOT, env=env)
    assert proc.stdout is not None
    try:
        url = None
        deadline = time.monotonic() + 600
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline().decode()
            if not line:
                break
            m = READY.match(line.strip())
            url = m.group(1) if m else None
        if url is None:
            raise SystemExit(f"core did not start (exit {proc.poll()}); see {tmp / 'core.log'}")
        yield url
    finally:
        # SIGTERM: a graceful stop, after which the core writes its loop figures.
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


async def searcher(provider: BeEnergisedProvider, rng: random.Random, until: float,
                   counts: Counter) -> None:
    while time.monotonic() < until:
        centre = Coordinates(latitude=BERLIN[0] + rng.uniform(-0.1, 0.1),
                             longitude=BERLIN[1] + rng.uniform(-0.15, 0.15))
        try:
            await provider.search_stations(SearchQuery(centre=centre, radius_km=5, limit=50))
            counts["searches"] += 1
        except Exception:  # a failed call is a figure here, not the end of the run
            counts["search_errors"] += 1


async def cataloguer(url: str, until: float, counts: Counter) -> None:
    """What a GP JOULE client does on its first search: every charge point, 1,000 a page."""
    async with httpx.AsyncClient(base_url=url, timeout=120,
                                 headers={"x-api-key": GPJOULE_KEY}) as client:
        offset = 0
        while time.monotonic() < until:
            r = await client.post("/gpjoule/graphql", json={
                "query": GET_CHARGEPOINTS, "variables": {"offset": offset, "limit": 1000}})
            page = (r.json().get("data") or {}).get("getChargepoints") if r.is_success else None
            if not page:
                counts["catalogue_errors"] += 1
                continue
            counts["catalogue_pages"] += 1
            got = len(page["chargepoints"])
            offset = 0 if got == 0 or offset + got >= page["count"] else offset + got


async def lane(provider: BeEnergisedProvider, card_id: str, connectors: list[str],
               until: float, hold_s: float, counts: Counter) -> None:
    while time.monotonic() < until and connectors:
        connector = connectors.pop(0)
        try:
            session = await provider.start_charging(connector, card_id, timeout_s=60)
            counts["sessions_started"] += 1
        except Exception:  # taken by a simulated driver meanwhile, most often
            counts["start_errors"] += 1
            continue
        try:
            end = time.monotonic() + hold_s
            while time.monotonic() < end:
                await provider.get_session(session.id)
                counts["session_reads"] += 1
                await asyncio.sleep(0.5)
            await provider.stop_charging(session.id, timeout_s=60)
            counts["sessions_stopped"] += 1
        except Exception:
            counts["stop_errors"] += 1
        connectors.append(connector)


async def free_connectors(provider: BeEnergisedProvider, sim: Simulator) -> list[str]:
    out = []
    for identity in sim.stations:
        st = await provider.get_station(identity)
        if st.remote_start:
            out += [c.id for c in st.connectors if c.status is ConnectorStatus.AVAILABLE]
    return out


async def traffic(url: str, args: argparse.Namespace) -> dict[str, Any]:
    watch = LoopWatch()
    sim = await Simulator.around(url, *BERLIN, radius_km=5.0, count=args.chargers,
                                 speed=args.speed, seed=3, drivers=True, occupancy=0.4)
    await sim.start()
    providers: list[BeEnergisedProvider] = []
    counts: Counter = Counter()
    try:
        await sim.wait_online(within_s=120)
        watch.start()
        main = BeEnergisedProvider(url)
        providers.append(main)
        await main.login(DRIVER)
        cards = [c.id for c in await main.list_cards() if c.status.value == "ACTIVE"]
        connectors = await free_connectors(main, sim)
        rng = random.Random(7)
        until = time.monotonic() + args.seconds
        tasks = []
        for _ in range(args.searchers):
            p = BeEnergisedProvider(url)
            providers.append(p)
            tasks.append(searcher(p, random.Random(rng.random()), until, counts))
        for _ in range(args.cataloguers):
            tasks.append(cataloguer(url, until, counts))
        lanes = min(args.lanes, len(cards), len(connectors))
        for i in range(lanes):
            tasks.append(lane(main, cards[i], connectors[i::lanes], until, args.hold, counts))
        t0 = time.monotonic()
        await asyncio.wait_for(asyncio.gather(*tasks), args.seconds + 120)
        counts["traffic_s"] = round(time.monotonic() - t0, 1)
        counts["chargers_online"] = sum(1 for s in sim.stations.values() if s.online.is_set())
        counts["charger_messages_delivered"] = sum(s.delivered for s in sim.stations.values())
    finally:
        for p in providers:
            await p.close()
        await sim.stop()
        await watch.stop()
    return {"traffic": dict(counts), "bench_process_loop": watch.report(top=5)}


def print_loop(title: str, r: dict[str, Any]) -> None:
    print(f"{title}: lag p50 {r['lag_p50_ms']:.1f} ms  p95 {r['lag_p95_ms']:.1f} ms"
          f"  p99 {r['lag_p99_ms']:.1f} ms  max {r['lag_max_ms']:.1f} ms"
          f"  ({r['ticks']} ticks, {r['stalls']} stalls over {r['stalls_over_ms']} ms)")
    if r["stalled_ms"]:
        print(f"  stalled {r['stalled_ms']} ms in all, the loop thread on the CPU for"
              f" {r['loop_cpu_share_in_stalls']:.0%} of it; on the loop during stalls:")
    for b in r["blockers"]:
        print(f"    ~{b['approx_ms']:>6} ms  {b['where']}")
    if r["other_threads_in_stalls"]:
        print("  other threads during stalls (samples):")
    for b in r["other_threads_in_stalls"]:
        print(f"    {b['samples']:>6}  {b['where']}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--chargers", type=int, default=60, help="simulated chargers")
    p.add_argument("--seconds", type=float, default=30.0, help="seconds of API traffic")
    p.add_argument("--stations", type=int, default=3000, help="demo stations in the core")
    p.add_argument("--speed", type=float, default=60.0, help="simulated time factor")
    p.add_argument("--searchers", type=int, default=2, help="clients searching in a loop")
    p.add_argument("--cataloguers", type=int, default=1,
                   help="clients paging all charge points (GP JOULE API) in a loop")
    p.add_argument("--lanes", type=int, default=3, help="demo-driver session lanes")
    p.add_argument("--hold", type=float, default=3.0, help="seconds each API session runs")
    args = p.parse_args()
    if not 1 <= args.chargers <= 1000 or not 1 <= args.seconds <= 600:
        p.error("--chargers 1..1000, --seconds 1..600")
    with tempfile.TemporaryDirectory(prefix="voltra-bench-loop-") as d:
        tmp = Path(d)
        stats = tmp / "loop.json"
        with core(tmp, args.stations, stats) as url:
            result = asyncio.run(traffic(url, args))
        if not stats.exists():
            raise SystemExit("the core wrote no loop figures; see its log")
        result["core_loop"] = json.loads(stats.read_text())
    result.update(chargers=args.chargers, seconds=args.seconds, speed=args.speed,
                  stations=args.stations, loadavg_1m=round(os.getloadavg()[0], 2))
    print_loop("core event loop", result["core_loop"])
    print_loop("chargers and clients (this process)", result["bench_process_loop"])
    print("traffic:", ", ".join(f"{k} {v}" for k, v in result["traffic"].items()))
    print(f"load average (1 min) {result['loadavg_1m']}")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
