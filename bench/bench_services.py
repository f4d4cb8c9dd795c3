"""Services-layer figures: viewport clustering time (100k and 1M stations in view) and a
cold station search end to end (be.ENERGISED provider call over HTTP -> neutral models)
against the embedded core.

    python bench/bench_services.py                      # starts a core (3000 stations)
    python bench/bench_services.py --db big.sqlite3     # e.g. H2's 1M-station bench db
    python bench/bench_services.py --url http://127.0.0.1:8765   # a running core

"Map search": what the map asks when it opens on Berlin (dense: a full page of 100), through
the services layer and, for comparison, the same GraphQL request alone, with the page's size
next to that of the full station fragment the search used to ask for.

"Cold" search: every query is a new area (random centre around a German city), so no
answer can come from a cache on either side; the HTTP connection is reused, as in the app.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.geo import cluster, cluster_points
from services.models import BoundingBox, Coordinates, SearchQuery, Station, StatusSummary
from services.provider import ProviderError
from services.registry import open_provider

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
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def bench_clustering(n: int, zoom: float, repeats: int = 5) -> None:
    rng = np.random.default_rng(1)
    # a dense viewport: Germany-sized box at zoom 6..8 is what "everything in view" means
    box = BoundingBox(south=47.3, west=5.9, north=55.0, east=15.0)
    lat = rng.uniform(box.south, box.north, n)
    lon = rng.uniform(box.west, box.east, n)
    avail = rng.random(n) < 0.6
    ids = None
    times = []
    clusters = []
    for _ in range(repeats):
        t = time.perf_counter()
        clusters = cluster_points(lat, lon, box, zoom, ids=ids, available=avail)
        times.append(time.perf_counter() - t)
    print(
        f"clustering {n:>9,} stations in view, zoom {zoom}: {len(clusters):,} clusters, "
        f"median {statistics.median(times) * 1000:.1f} ms, min {min(times) * 1000:.1f} ms "
        f"({repeats} runs)"
    )


def bench_cluster_models(n: int, zoom: float, repeats: int = 3) -> None:
    """The same through ``cluster(stations, bbox, zoom)`` on neutral Station models, as the
    UI holds them (includes reading coordinates out of the models)."""
    rng = np.random.default_rng(3)
    box = BoundingBox(south=47.3, west=5.9, north=55.0, east=15.0)
    lats = rng.uniform(box.south, box.north, n)
    lons = rng.uniform(box.west, box.east, n)
    stations = [
        Station.model_construct(
            id=str(i),
            name="s",
            coordinates=Coordinates.model_construct(
                latitude=float(lats[i]), longitude=float(lons[i])
            ),
            status=StatusSummary.model_construct(available=i % 3, total=2),
        )
        for i in range(n)
    ]
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        clusters = cluster(stations, box, zoom)
        times.append(time.perf_counter() - t)
    print(
        f"cluster() on {n:,} Station models, zoom {zoom}: {len(clusters):,} clusters, "
        f"median {statistics.median(times) * 1000:.1f} ms ({repeats} runs)"
    )


@contextlib.contextmanager
def core(db: Path | None, stations: int):
    import tempfile

    tmp = None
    if db is None:
        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "bench.sqlite3"
    cmd = [
        sys.executable,
        "-m",
        "services.core",
        "--port",
        "0",
        "--db",
        str(db),
        "--stations",
        str(stations),
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        url = None
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            line = proc.stdout.readline().decode()
            if not line:
                break
            for word in line.split():
                if word.startswith("http://"):
                    url = word.rstrip("/")
            if url:
                break
        if not url:
            raise SystemExit(f"core did not start (exit {proc.poll()})")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if tmp is not None:
            tmp.cleanup()


async def bench_search(url: str, n: int, radius_km: float, limit: int) -> None:
    rng = np.random.default_rng(2)
    provider = await open_provider("beenergised", url)
    times, counts = [], []
    try:
        for i in range(n):
            clat, clon = CITIES[i % len(CITIES)]
            q = SearchQuery(
                centre=Coordinates(
                    latitude=clat + rng.uniform(-0.2, 0.2), longitude=clon + rng.uniform(-0.3, 0.3)
                ),
                radius_km=radius_km,
                limit=limit,
            )
            t = time.perf_counter()
            page = await provider.search_stations(q)
            times.append(time.perf_counter() - t)
            counts.append(len(page.items))
    except ProviderError as exc:
        print(f"cold search: back end answered {exc.code} ({exc.detail}); no figures")
        return
    finally:
        await provider.close()
    first = times[0]
    rest = times[1:] or times
    print(
        f"cold search ({n} areas, radius {radius_km} km, limit {limit}, mean "
        f"{statistics.mean(counts):.1f} stations/page): p50 {pct(rest, 50) * 1000:.1f} ms, "
        f"p95 {pct(rest, 95) * 1000:.1f} ms, max {max(rest) * 1000:.1f} ms; first call "
        f"(incl. anonymous session) {first * 1000:.1f} ms"
    )


async def bench_map_search(url: str, n: int) -> None:
    """Interleaved, so both documents meet the same machine load: the list fragment the
    search asks for, and the full station fragment (what the detail screen asks for)."""
    import orjson

    from services.providers.beenergised import queries as Q

    rng = np.random.default_rng(5)
    provider = await open_provider("beenergised", url)
    docs = {"list": Q.CPS_PAGED_LOCATION_BASED,
            "full": Q.CPS_PAGED_LOCATION_BASED.replace(Q.CP_LIST, Q.CP)}  # fmt: skip
    layer: dict[str, list[float]] = {k: [] for k in docs}
    wire: dict[str, list[float]] = {k: [] for k in docs}
    size: dict[str, int] = {}
    counts = []
    try:
        await provider.search_stations(SearchQuery(centre=Coordinates(latitude=52.52,
                                                   longitude=13.405), radius_km=5, limit=200))
        for _ in range(n):
            centre = Coordinates(
                latitude=52.52 + rng.uniform(-0.04, 0.04),
                longitude=13.405 + rng.uniform(-0.06, 0.06),
            )
            q = SearchQuery(centre=centre, radius_km=5.0, limit=200)
            variables = {
                "orderedByDistance": "1",
                "pagination": {"limit": 200, "offset": 0},
                "location": {"latitude": centre.latitude, "longitude": centre.longitude,
                             "radius": 5.0},
            }  # fmt: skip
            for name, doc in docs.items():
                Q.CPS_PAGED_LOCATION_BASED = doc  # the provider reads it at call time
                t = time.perf_counter()
                page = await provider.search_stations(q)
                layer[name].append(time.perf_counter() - t)
                counts.append(len(page.items))
                t = time.perf_counter()
                data = await provider.gql.execute(doc, variables)
                wire[name].append(time.perf_counter() - t)
                size[name] = len(orjson.dumps(data))
    except ProviderError as exc:
        print(f"map search: back end answered {exc.code} ({exc.detail}); no figures")
        return
    finally:
        Q.CPS_PAGED_LOCATION_BASED = docs["list"]
        await provider.close()
    print(f"map search near Berlin ({n} runs each, limit 200, mean "
          f"{statistics.mean(counts):.0f} stations/page):")  # fmt: skip
    for name, label in (("list", "list fragment (used)"), ("full", "full station fragment")):
        print(
            f"  {label:>22}: services layer p50 {pct(layer[name], 50) * 1000:.1f} ms, p95 "
            f"{pct(layer[name], 95) * 1000:.1f} ms; the GraphQL request alone p50 "
            f"{pct(wire[name], 50) * 1000:.1f} ms; page {size[name] / 1024:.0f} KiB"
        )


async def bench_fresh_clients(url: str, n: int, radius_km: float, limit: int) -> None:
    """App start: a new provider (TCP connect, initAnonymousSession) and its first search."""
    rng = np.random.default_rng(4)
    times = []
    for i in range(n):
        clat, clon = CITIES[i % len(CITIES)]
        q = SearchQuery(
            centre=Coordinates(
                latitude=clat + rng.uniform(-0.2, 0.2), longitude=clon + rng.uniform(-0.3, 0.3)
            ),
            radius_km=radius_km,
            limit=limit,
        )
        t = time.perf_counter()
        provider = await open_provider("beenergised", url)
        try:
            await provider.search_stations(q)
        except ProviderError as exc:
            print(f"fresh-client search: back end answered {exc.code}; no figures")
            return
        finally:
            await provider.close()
        times.append(time.perf_counter() - t)
    print(
        f"fresh client + first search ({n} runs): p50 {pct(times, 50) * 1000:.1f} ms, "
        f"p95 {pct(times, 95) * 1000:.1f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a running core; else one is started")
    ap.add_argument("--db", type=Path, help="core database (e.g. a 1M-station bench db)")
    ap.add_argument("--stations", type=int, default=3000, help="stations if the db is new")
    ap.add_argument("--searches", type=int, default=200)
    ap.add_argument("--map-searches", type=int, default=60)
    ap.add_argument("--radius", type=float, default=5.0)
    ap.add_argument("--limit", type=int, default=50)
    ap.add_argument("--skip-search", action="store_true")
    args = ap.parse_args()

    for n in (100_000, 1_000_000):
        bench_clustering(n, zoom=7)
    bench_cluster_models(100_000, zoom=7)
    if args.skip_search:
        return

    async def searches(url: str) -> None:
        await bench_map_search(url, args.map_searches)
        await bench_search(url, args.searches, args.radius, args.limit)
        await bench_fresh_clients(url, 20, args.radius, args.limit)

    if args.url:
        asyncio.run(searches(args.url))
        return
    with core(args.db, args.stations) as url:
        print(f"core at {url} (db {args.db or 'temporary'}, stations {args.stations} if new)")
        asyncio.run(searches(url))


if __name__ == "__main__":
    main()
