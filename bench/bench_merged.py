"""Merged search near Berlin over every back end of the embedded core at once.

Signs in to each API the core serves with its demo login (services.multi.AccountBook), then
searches through the merged provider around points near Berlin's centre and prints, over
the repeated searches, p50/p95 of the time to the first results (the first account's
stations on the map), to the complete results (every account answered), and of each
account's own answer; the first search (cold caches, GP JOULE's catalogue) on its own line.

    python bench/bench_merged.py [--url URL | --db PATH --stations 3000] [--n 30]
                                 [--radius 3] [--limit 50]

Without --url a core is started over --db (a temporary database when not given).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.credentials import MemoryStore  # noqa: E402
from services.models import AccountStatus, Coordinates, SearchQuery  # noqa: E402
from services.multi.accounts import AccountBook  # noqa: E402

READY = re.compile(r"^Voltra core listening on (http://\S+)$")
BERLIN = (52.5200, 13.4050)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def centres(n: int) -> list[Coordinates]:
    """Points on a 2 km circle around the centre: each search a new area, as a driver pans."""
    out = []
    for i in range(n):
        a = 2 * math.pi * i / max(1, n)
        out.append(Coordinates(latitude=BERLIN[0] + 0.018 * math.sin(a),
                               longitude=BERLIN[1] + 0.03 * math.cos(a)))
    return out


async def one_search(merged, query: SearchQuery) -> tuple[float, float, dict[str, float], int]:
    began = time.perf_counter()
    first = None
    answered: dict[str, float] = {}
    count = 0
    async for stations, states in merged.search_progressive(query):
        now = time.perf_counter() - began
        if stations and first is None:
            first = now
        for acc, st in states.items():
            if st.state is not AccountStatus.LOADING and acc not in answered:
                answered[acc] = now
        count = len(stations)
    done = time.perf_counter() - began
    return (first if first is not None else done), done, answered, count


def line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{name:<34} p50 {statistics.median(ms):8.1f} ms   p95 {pct(ms, 95):8.1f} ms"


async def run(url: str, n: int, radius: float, limit: int) -> None:
    book = AccountBook(MemoryStore(), Path(tempfile.mkdtemp()) / "accounts.json")
    t = time.perf_counter()
    accounts = await book.demo_accounts(url)
    print(f"signed in to {len(accounts)} back ends in {time.perf_counter() - t:.2f} s: "
          + ", ".join(a.provider for a in accounts))
    merged = book.merged()
    try:
        cold = await one_search(merged, SearchQuery(
            centre=Coordinates(latitude=BERLIN[0], longitude=BERLIN[1]),
            radius_km=radius, limit=limit))
        print(f"first search (cold): first results {cold[0] * 1000:.0f} ms, complete "
              f"{cold[1] * 1000:.0f} ms, {cold[3]} stations")
        firsts, completes, counts = [], [], []
        per: dict[str, list[float]] = {}
        for c in centres(n):
            first, done, answered, count = await one_search(
                merged, SearchQuery(centre=c, radius_km=radius, limit=limit))
            firsts.append(first)
            completes.append(done)
            counts.append(count)
            for acc, at in answered.items():
                per.setdefault(acc, []).append(at)
        failed = {a: s.detail for a, s in merged.states().items()
                  if s.state is AccountStatus.FAILED}
        print(f"{n} searches, radius {radius} km, limit {limit}, "
              f"{statistics.median(counts):.0f} merged stations (median)")
        print(line("time to first results", firsts))
        print(line("time to complete results", completes))
        for acc, values in per.items():
            print(line(f"  {acc} answered", values))
        if failed:
            print(f"failed in the last search: {failed}")
    finally:
        await book.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a running core (else one is started)")
    ap.add_argument("--db", type=Path)
    ap.add_argument("--stations", type=int, default=3000)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--radius", type=float, default=3.0)
    ap.add_argument("--limit", type=int, default=50)
    args = ap.parse_args()
    if args.url:
        asyncio.run(run(args.url, args.n, args.radius, args.limit))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "core.sqlite3"
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.core", "--port", "0", "--db", str(db),
             "--stations", str(args.stations), "--seed", "42"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            url = None
            for raw in proc.stdout:  # type: ignore[union-attr]
                found = READY.match(raw.strip())
                if found:
                    url = found.group(1)
                    break
            if url is None:
                raise SystemExit("core did not start")
            asyncio.run(run(url, args.n, args.radius, args.limit))
        finally:
            proc.terminate()
            proc.wait(timeout=60)


if __name__ == "__main__":
    main()
