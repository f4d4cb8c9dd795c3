"""Where the time of one be.ENERGISED station search goes, in-process (no HTTP):
store search, page preparation (connectors, sites, favourites) and GraphQL execution of the
document's ``cpsPagedLocationBased`` example (fragments expanded, limit 50, radius 5 km,
random centres in dense areas). Complements bench/bench_core.py (end-to-end HTTP figures).

    python -m bench.bench_graphql_layer [--stations 100000] [--db PATH] [--samples 200]

Prints p50/p95 wall time per stage and for the whole resolver + execution.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ariadne import graphql

from services.core.api.beenergised.schema import build_schema
from services.core.api.beenergised.station_types import Parents, prepare_cps
from services.core.api.graphql.execution import (
    FastExecutionContext,
    cached_parser,
    cached_validator,
)
from services.core.demo import generate
from services.core.state import Core, CoreConfig
from services.core.store.db import connect, migrate
from services.core.store.station_filter import StationFilter
from services.core.store.station_listing import search_stations

CITIES = [(52.52, 13.405), (48.137, 11.575), (53.55, 9.99), (50.94, 6.96), (50.11, 8.68),
          (48.86, 2.35), (52.37, 4.9), (48.21, 16.37), (47.38, 8.54), (55.68, 12.57)]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def centres(n: int, seed: int) -> list[tuple[float, float]]:
    rnd = random.Random(seed)
    return [(lat + rnd.uniform(-0.03, 0.03), lon + rnd.uniform(-0.03, 0.03))
            for lat, lon in (rnd.choice(CITIES) for _ in range(n))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--stations", type=int, default=100_000)
    p.add_argument("--db", type=Path, default=None, help="existing seeded db (else a temp one)")
    p.add_argument("--samples", type=int, default=200)
    args = p.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.contract.beenergised.doc_queries import doc_query

    tmp = None
    db = args.db
    if db is None:
        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "bench.sqlite3"
        conn = connect(db)
        migrate(conn)
        started = time.perf_counter()
        generate(conn, stations=args.stations, seed=7)
        print(f"seeded {args.stations:,} stations in {time.perf_counter() - started:.1f} s")
        conn.close()

    core = Core(CoreConfig(db_path=db, base_url="http://127.0.0.1:0"))
    conn = core.pool.get()
    points = centres(args.samples, 11)
    search_ms, prepare_ms = [], []
    for lat, lon in points:
        t0 = time.perf_counter()
        page = search_stations(conn, flt=StationFilter(), offset=0, limit=50,
                               location=(lat, lon, 5000.0), ordered=True)
        t1 = time.perf_counter()
        prepare_cps(conn, page.items, None, Parents())
        t2 = time.perf_counter()
        search_ms.append((t1 - t0) * 1000)
        prepare_ms.append((t2 - t1) * 1000)

    schema = build_schema()
    query = doc_query("cpsPagedLocationBased")

    async def run() -> list[float]:
        out = []
        warm = points[:20]  # the first calls fill parse/validate caches and connections
        for i, (lat, lon) in enumerate(warm + points):
            t0 = time.perf_counter()
            ok, result = await graphql(
                schema, {"query": query, "variables": {
                    "location": {"latitude": lat, "longitude": lon, "radius": 5.0},
                    "pagination": {"limit": 50}}},
                context_value={"core": core, "request": None}, query_parser=cached_parser,
                query_validator=cached_validator, execution_context_class=FastExecutionContext)
            if not ok or result.get("errors"):
                raise RuntimeError(result)
            if i >= len(warm):
                out.append((time.perf_counter() - t0) * 1000)
        return out

    total_ms = asyncio.run(run())
    core.close()
    if tmp:
        tmp.cleanup()
    for name, values in (("store search", search_ms), ("prepare page", prepare_ms),
                         ("resolver + GraphQL execution", total_ms)):
        print(f"{name:30s} p50 {pct(values, 50):6.2f} ms  p95 {pct(values, 95):6.2f} ms  "
              f"mean {statistics.mean(values):6.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
