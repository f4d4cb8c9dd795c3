"""AMPECO Public API listing figures of the embedded core, over real HTTP against a real core
process, for the demo operator token (operator Voltra Charge: about a fifth of the network).

Prints p50/p95 of the first page of locations and of EVSEs (100 items, the maximum), of
the EVSEs filtered to DC, of charge points, and of every page while walking each listing to
its end through ``links.next`` (cursor pages deep into the network cost what the first
does), for each network size asked for.

    python bench/bench_ampeco.py [--stations 3000 100000] [--n 100]

Each size is seeded into a temporary database (seed 42).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
READY = re.compile(r"^Voltra core listening on (http://\S+)$")
AUTH = {"Authorization": "Bearer ampeco-demo-token"}
R = "/public-api/resources"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name: str, samples: list[float], extra: str = "") -> None:
    print(f"  {name:<40} p50 {statistics.median(samples):7.1f} ms   p95 {pct(samples, 95):7.1f}"
          f" ms{extra}")


def timed(call: Callable[[], httpx.Response]) -> tuple[float, httpx.Response]:
    t = time.perf_counter()
    r = call()
    elapsed = (time.perf_counter() - t) * 1000
    if r.status_code != 200:
        raise SystemExit(f"HTTP {r.status_code} {r.text[:200]}")
    return elapsed, r


def measure(http: httpx.Client, name: str, n: int, path: str, params: dict) -> None:
    samples = [timed(lambda: http.get(path, params=params))[0] for _ in range(n)]
    report(name, samples)


def walk(http: httpx.Client, name: str, path: str) -> None:
    samples, items = [], 0
    elapsed, r = timed(lambda: http.get(path, params={"per_page": 100, "cursor": ""}))
    while True:
        samples.append(elapsed)
        body = r.json()
        items += len(body["data"])
        if not body["links"]["next"]:
            break
        link = body["links"]["next"]
        elapsed, r = timed(lambda link=link: http.get(link))
    report(name, samples, f"   ({len(samples)} pages, {items} items)")


def run(url: str, n: int) -> None:
    http = httpx.Client(base_url=url, headers=AUTH, timeout=120)
    page = {"per_page": 100}
    measure(http, "locations, first page of 100", n, f"{R}/locations/v2.0", page)
    measure(http, "EVSEs, first page of 100", n, f"{R}/evses/v2.1", page)
    measure(http, "EVSEs, DC only, with connectors", n, f"{R}/evses/v2.1",
            {**page, "filter[currentType]": "dc", "include[]": "connectors"})
    measure(http, "charge points, first page of 100", n, f"{R}/charge-points/v2.0", page)
    walk(http, "locations, every page (cursor)", f"{R}/locations/v2.0")
    walk(http, "EVSEs, every page (cursor)", f"{R}/evses/v2.1")


def one_size(stations: int, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "core.sqlite3"
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.core", "--port", "0", "--db", str(db),
             "--stations", str(stations), "--seed", "42"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            url = None
            for line in proc.stdout:  # type: ignore[union-attr]
                found = READY.match(line.strip())
                if found:
                    url = found.group(1)
                    break
            if url is None:
                raise SystemExit("core did not start")
            print(f"{stations:,} stations (core ready after {time.perf_counter() - started:.0f} s)")
            run(url, n)
        finally:
            proc.terminate()
            proc.wait(timeout=60)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, nargs="+", default=[3000, 100_000])
    ap.add_argument("--n", type=int, default=100)
    args = ap.parse_args()
    for stations in args.stations:
        one_size(stations, args.n)


if __name__ == "__main__":
    main()
