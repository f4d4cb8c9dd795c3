"""GP JOULE CONNECT search figures: the API has no geo search, so the provider pages through
``getChargepoints`` once and answers searches on the device. Printed per size (3,000 and
100,000 charge points by default):

- first search: a new provider, nothing kept: every page fetched, the index built, answered;
- repeated search: new areas (random centres around German cities, 5 km, limit 50) answered
  from the list in hand, p50/p95;
- viewport search: a city-sized bounding box, p50;
- restart: a new provider whose list is in the offline cache (read from the disk, answered,
  refreshed in the background).

    python -m bench.bench_gpjoule                     # starts a core per size (demo key)
    python -m bench.bench_gpjoule --url http://127.0.0.1:8080/gpjoule --key KEY --sizes 0
    python -m bench.bench_gpjoule --synthetic         # an in-process fake back end: what
                                                      # the client side alone costs

The last line is ``RESULT {json}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.cache import OfflineCache  # noqa: E402
from services.http import create_client  # noqa: E402
from services.models import BoundingBox, Coordinates, SearchQuery  # noqa: E402
from services.providers.gpjoule import GpJouleProvider  # noqa: E402
from services.providers.gpjoule.client import GraphQLClient  # noqa: E402

DEMO_KEY = "gpjoule-demo-key"  # demo data only
READY = re.compile(r".*listening on (http://\S+)")
CITIES = [
    (52.52, 13.405),
    (53.55, 9.99),
    (48.137, 11.575),
    (50.94, 6.96),
    (50.11, 8.68),
    (48.78, 9.18),
    (51.23, 6.78),
    (51.34, 12.37),
    (53.08, 8.80),
    (51.05, 13.74),
]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


@contextlib.contextmanager
def core(stations: int, workdir: Path) -> Iterator[str]:
    """``python -m services.core`` on a new database of ``stations`` demo stations; yields
    the GP JOULE API root (``<core>/gpjoule``)."""
    db = workdir / f"core-{stations}.sqlite3"
    log = open(workdir / f"core-{stations}.log", "wb")  # noqa: SIM115 - closed below
    cmd = [sys.executable, "-m", "services.core", "--port", "0", "--db", str(db)]
    cmd += ["--stations", str(stations), "--seed", "42"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, cwd=ROOT)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 900
        url = None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline().decode()
            if not line and proc.poll() is not None:
                raise SystemExit(f"core exited with {proc.returncode}; see {log.name}")
            m = READY.match(line.strip())
            url = m.group(1).rstrip("/") if m else None
        if url is None:
            raise SystemExit(f"core did not start; see {log.name}")
        yield url + "/gpjoule"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def synthetic_transport(n: int, cap: int = 1000) -> httpx.MockTransport:
    """Answers getChargepoints from ``n`` generated charge points around German cities
    (paged, at most ``cap`` a page, ``count`` = the total)."""
    rng = random.Random(7)
    cps = []
    for i in range(n):
        lat0, lon0 = CITIES[i % len(CITIES)]
        r, a = rng.uniform(0, 40) / 111.2, rng.uniform(0, 2 * math.pi)
        cps.append(
            {
                "id": f"cp-{i}",
                "name": f"CP{i}",
                "publicName": f"Station {i}",
                "connectorsFree": 1,
                "connectorsOccupied": 1,
                "connectorsUnavailable": 0,
                "connectorsTotal": 2,
                "location": {
                    "street": "Hauptstr. 1",
                    "postalCode": "10115",
                    "city": "Berlin",
                    "country": "DE",
                    "latitude": lat0 + r * math.sin(a),
                    "longitude": lon0 + r * math.cos(a) / math.cos(math.radians(lat0)),
                },
                "connectors": [
                    {
                        "id": f"cp-{i}-{k}",
                        "evse": f"DE*GPJ*E{i}*{k}",
                        "name": str(k),
                        "status": {"status": status, "updatedAt": "2026-11-30T10:00:00.000Z"},
                        "type": {"currentType": "AC", "maxPower": 22.0, "name": "Type 2"},
                    }
                    for k, status in ((1, "AVAILABLE"), (2, "OCCUPIED"))
                ],
            }
        )

    def handle(request: httpx.Request) -> httpx.Response:
        v = json.loads(request.content)["variables"]
        offset, limit = v.get("offset") or 0, min(v.get("limit") or 20, cap)
        page = {"chargepoints": cps[offset : offset + limit], "count": n}
        return httpx.Response(200, json={"data": {"getChargepoints": page}})

    return httpx.MockTransport(handle)


def open_provider(url: str, key: str, cache: OfflineCache | None, transport) -> GpJouleProvider:
    client = None
    if transport is not None:
        client = GraphQLClient(url, http=create_client(transport=transport))
    return GpJouleProvider(url, api_key=key, client=client, catalogue_cache=cache)


def queries(count: int, seed: int) -> list[SearchQuery]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        lat, lon = CITIES[i % len(CITIES)]
        centre = Coordinates(
            latitude=lat + rng.uniform(-0.2, 0.2), longitude=lon + rng.uniform(-0.3, 0.3)
        )
        out.append(SearchQuery(centre=centre, radius_km=5, limit=50))
    return out


async def measure(url: str, key: str, searches: int, workdir: Path, transport=None) -> dict:
    cache_path = workdir / f"offline-{time.monotonic_ns()}.sqlite3"
    cache = OfflineCache(cache_path)
    berlin = SearchQuery(
        centre=Coordinates(latitude=52.52, longitude=13.405), radius_km=5, limit=50
    )
    p = open_provider(url, key, cache, transport)
    try:
        t = time.perf_counter()
        first = await p.search_stations(berlin)
        first_s = time.perf_counter() - t
        index = await p.catalogue.index()
        repeated = []
        for q in queries(searches, 2):
            t = time.perf_counter()
            await p.search_stations(q)
            repeated.append(time.perf_counter() - t)
        box = BoundingBox(south=52.45, west=13.25, north=52.58, east=13.55)
        viewport = []
        for _ in range(max(5, searches // 5)):
            t = time.perf_counter()
            in_view = await p.search_stations(SearchQuery(bbox=box, limit=500))
            viewport.append(time.perf_counter() - t)
    finally:
        await p.close()
    p = open_provider(url, key, OfflineCache(cache_path), transport)
    try:
        t = time.perf_counter()
        again = await p.search_stations(berlin)
        restart_s = time.perf_counter() - t
    finally:
        await p.close()  # the background refresh it started is not waited for
    cache.close()
    return {
        "stations": len(index),
        "first_found": first.total,
        "first_s": round(first_s, 3),
        "repeat_p50_ms": round(pct(repeated, 50) * 1000, 2),
        "repeat_p95_ms": round(pct(repeated, 95) * 1000, 2),
        "viewport_p50_ms": round(pct(viewport, 50) * 1000, 2),
        "viewport_found": in_view.total,
        "restart_s": round(restart_s, 3),
        "restart_found": again.total,
        "cache_mb": round(cache_path.stat().st_size / 1e6, 1),
    }


def report(r: dict) -> None:
    print(
        f"{r['stations']:>7,} charge points: first search {r['first_s'] * 1000:,.0f} ms "
        f"(all pages + index; {r['first_found']} within 5 km of Berlin), repeated search "
        f"p50 {r['repeat_p50_ms']} ms / p95 {r['repeat_p95_ms']} ms, viewport "
        f"({r['viewport_found']} in a Berlin box) p50 {r['viewport_p50_ms']} ms, first "
        f"search after a restart (offline cache, {r['cache_mb']} MB) "
        f"{r['restart_s'] * 1000:,.0f} ms",
        flush=True,
    )


async def run(args: argparse.Namespace, workdir: Path) -> list[dict]:
    results = []
    if args.url:
        results.append(await measure(args.url, args.key, args.searches, workdir))
        report(results[-1])
        return results
    for n in args.sizes:
        if args.synthetic:
            transport = synthetic_transport(n)
            r = await measure(
                "http://synthetic.invalid/gpjoule", args.key, args.searches, workdir, transport
            )
        else:
            with core(n, workdir) as url:
                r = await measure(url, args.key, args.searches, workdir)
        r["mode"] = "synthetic" if args.synthetic else "core"
        results.append(r)
        report(r)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="3000,100000", help="charge point counts (comma-separated)")
    ap.add_argument("--url", help="a running GP JOULE API root, e.g. http://127.0.0.1:8080/gpjoule")
    ap.add_argument("--key", default=DEMO_KEY, help="partner API key (default: the demo key)")
    ap.add_argument("--searches", type=int, default=50, help="repeated searches per size")
    ap.add_argument("--synthetic", action="store_true", help="in-process fake back end")
    args = ap.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        results = asyncio.run(run(args, Path(tmp)))
    print("RESULT " + json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
