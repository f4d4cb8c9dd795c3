"""How soon a driver sees charging: API start -> charging, and a charger's meter value ->
visible in the app, through the be.ENERGISED provider as the app uses it.

    python bench/bench_live.py                       # 6 sessions, 30 s each, speed 1
    python bench/bench_live.py --sessions 3 --follow-s 8 --interval 2   # quick

A core subprocess (demo data, ``VOLTRA_OCPP_METER_INTERVAL=--interval``) and simulated
chargers around Berlin in this process, at real time (``--speed 1``: the remote-start plug-in
delay and the sample interval are what a driver meets). The demo driver starts a session per
lane (one lane per usable card, so sessions overlap like several drivers), follows it with
``follow_session`` for ``--follow-s`` seconds and stops it. Printed, p50/p95 over all
sessions / readings:
- start -> charging: ``start_charging`` called -> it returned a CHARGING session;
- start -> first power: ``start_charging`` called -> the app shows power > 0;
- meter -> visible: the charger's timestamp of a reading -> the follow yielded it (one
  clock: everything runs on this machine);
- reads per minute of following (the back end's load per watching driver).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.hardware.simulator import Simulator  # noqa: E402
from services.models import ConnectorStatus, Credentials, SessionState  # noqa: E402
from services.providers.beenergised import BeEnergisedProvider  # noqa: E402
from services.providers.beenergised.live import follow_session  # noqa: E402

READY = re.compile(r"^Voltra core listening on (http://\S+)$")
BERLIN = (52.5200, 13.4050)
DRIVER = Credentials(username="driver@example.com", password="driver-demo")  # noqa: S106 - demo


@contextlib.contextmanager
def core(stations: int, interval: int) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "services.core", "--port", "0",
               "--db", str(Path(tmp) / "live.sqlite3"), "--stations", str(stations),
               "--seed", "42"]
        env = {**os.environ, "VOLTRA_OCPP_METER_INTERVAL": str(interval),
               "VOLTRA_OUTBOX_DIR": str(Path(tmp) / "outbox"),
               "VOLTRA_DATA_KEY_FILE": str(Path(tmp) / "data.key")}
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                cwd=ROOT, env=env)
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
                raise SystemExit(f"core did not start (exit {proc.poll()})")
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def free_connectors(provider: BeEnergisedProvider, sim: Simulator) -> list[str]:
    out = []
    for identity in sim.stations:
        st = await provider.get_station(identity)
        if not st.remote_start:
            continue
        out += [c.id for c in st.connectors if c.status is ConnectorStatus.AVAILABLE]
    return out


async def lane(provider, connectors, card_id, runs, follow_s, figures) -> None:  # type: ignore[no-untyped-def]
    reads = 0

    async def read(session_id: str):  # type: ignore[no-untyped-def]
        nonlocal reads
        reads += 1
        return await provider.get_session(session_id)

    for _ in range(runs):
        connector = connectors.pop()
        t0 = time.monotonic()
        session = await provider.start_charging(connector, card_id)
        figures["start_to_charging"].append(time.monotonic() - t0)
        assert session.state is SessionState.CHARGING, session.state
        seen, first_power = set(), None
        reads_before, follow_t0 = reads, time.monotonic()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(follow_s):
                async for s in follow_session(session.id, read=read, watch=provider.watch_status):
                    now = datetime.now(UTC)
                    if first_power is None and (s.power_kw or 0) > 0:
                        first_power = time.monotonic() - t0
                        figures["start_to_first_power"].append(first_power)
                    at = s.readings[-1].at if s.readings else None
                    if at is not None and at not in seen:
                        seen.add(at)
                        figures["meter_to_visible"].append((now - at).total_seconds())
        figures["reads_per_minute"].append(
            (reads - reads_before) / max(time.monotonic() - follow_t0, 1e-3) * 60
        )
        await provider.stop_charging(session.id)


async def run(args: argparse.Namespace) -> dict:
    with core(args.stations, args.interval) as url:
        sim = await Simulator.around(url, *BERLIN, radius_km=5.0, count=args.chargers,
                                     speed=args.speed, seed=3)
        await sim.start()
        provider = BeEnergisedProvider(url)
        try:
            await sim.wait_online(within_s=120)
            await provider.login(DRIVER)
            cards = [c.id for c in await provider.list_cards() if c.status.value == "ACTIVE"]
            connectors = await free_connectors(provider, sim)
            lanes = max(1, min(len(cards), args.sessions))
            runs = [args.sessions // lanes + (i < args.sessions % lanes) for i in range(lanes)]
            if len(connectors) < args.sessions:
                raise SystemExit(f"only {len(connectors)} free connectors for "
                                 f"{args.sessions} sessions")
            figures: dict[str, list[float]] = {k: [] for k in (
                "start_to_charging", "start_to_first_power", "meter_to_visible",
                "reads_per_minute")}
            await asyncio.gather(*(
                lane(provider, connectors, cards[i], runs[i], args.follow_s, figures)
                for i in range(lanes)))
        finally:
            await provider.close()
            await sim.stop()
    result = {"sessions": args.sessions, "speed": args.speed, "interval_s": args.interval,
              "readings": len(figures["meter_to_visible"])}
    for key, values in figures.items():
        result[f"{key}_p50"] = round(pct(values, 50), 2)
        result[f"{key}_p95"] = round(pct(values, 95), 2)
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=6)
    p.add_argument("--follow-s", type=float, default=30.0, help="seconds each session runs")
    p.add_argument("--interval", type=int, default=10, help="MeterValueSampleInterval (s)")
    p.add_argument("--speed", type=float, default=1.0, help="simulated time factor")
    p.add_argument("--stations", type=int, default=3000, help="demo stations in the core")
    p.add_argument("--chargers", type=int, default=40, help="simulated chargers")
    args = p.parse_args()
    result = asyncio.run(run(args))
    print(f"start -> charging       p50 {result['start_to_charging_p50']:.2f} s"
          f"  p95 {result['start_to_charging_p95']:.2f} s")
    print(f"start -> first power    p50 {result['start_to_first_power_p50']:.2f} s"
          f"  p95 {result['start_to_first_power_p95']:.2f} s")
    print(f"meter -> visible        p50 {result['meter_to_visible_p50']:.2f} s"
          f"  p95 {result['meter_to_visible_p95']:.2f} s  ({result['readings']} readings)")
    print(f"reads per minute        p50 {result['reads_per_minute_p50']:.1f}"
          f"  p95 {result['reads_per_minute_p95']:.1f}")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
