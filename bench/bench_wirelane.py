"""Wirelane API figures of the embedded core, over real HTTP against a real core process.

Prints p50/p95 of the token endpoint (password grant: one scrypt check; client credentials)
and of the organisation operations the fleet app calls: points by radius (3 km and 25 km,
nearest first), by box, filtered (DC, at least 50 kW, FREE), without a centre, one point,
members, sessions (newest first) and one session. Pages of 50 unless said otherwise.

    python bench/bench_wirelane.py [--db PATH] [--stations 3000] [--n 100]

Without --db a temporary database is seeded (--stations, seed 42).
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
CLIENT = {"client_id": "voltra-demo", "client_secret": "voltra-demo-secret"}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(name: str, n: int, call: Callable[[], httpx.Response]) -> None:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        r = call()
        samples.append((time.perf_counter() - t) * 1000)
        if r.status_code >= 400:
            raise SystemExit(f"{name}: HTTP {r.status_code} {r.text[:200]}")
    print(f"{name:<44} p50 {statistics.median(samples):7.1f} ms   p95 {pct(samples, 95):7.1f} ms")


def run(url: str, n: int) -> None:
    base = url + "/wirelane"
    http = httpx.Client(timeout=60)
    form = {"grant_type": "password", **CLIENT, "username": "fleet@example.com",
            "password": "fleet-demo"}
    measure("token, password grant", max(10, n // 5),
            lambda: http.post(base + "/token", data=form))
    measure("token, client credentials", n, lambda: http.post(
        base + "/token", data={"grant_type": "client_credentials", **CLIENT}))
    token = http.post(base + "/token", data=form).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    org = base + "/apis/emc/organizations/id/DEMOTENANT"

    def get(path: str, params: dict | None = None) -> Callable[[], httpx.Response]:
        return lambda: http.get(org + path, params=params, headers=auth)

    berlin = {"lat": "52.52", "lon": "13.405"}
    measure("points, 3 km radius", n, get("/points", {**berlin, "distance": "3000"}))
    measure("points, 25 km radius", n, get("/points", {**berlin, "distance": "25000"}))
    measure("points, box (~4 x 4 km)", n, get("/points", {
        "south_west_lat": "52.50", "south_west_lon": "13.37", "north_east_lat": "52.54",
        "north_east_lon": "13.44", "sort_lat": "52.52", "sort_lon": "13.405"}))
    measure("points, 25 km, DC >= 50 kW FREE", n, get("/points", {
        **berlin, "distance": "25000", "charging_type": "DC", "max_power": "50",
        "status": "FREE"}))
    measure("points, no centre", n, get("/points"))
    measure("points, page of 1000 (25 km)", max(10, n // 5), get("/points", {
        **berlin, "distance": "25000", "page_size": "1000"}))
    one = http.get(org + "/points", params={**berlin, "distance": "3000"}, headers=auth).json()
    measure("one point by EVSE id", n, get(f"/points/evseid/{one[0]['evseid']}"))
    measure("members", n, get("/members"))
    measure("sessions, newest first", n, get("/sessions"))
    session = http.get(org + "/sessions", headers=auth).json()[0]["session_id"]
    measure("one session", n, get(f"/sessions/{session}"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--stations", type=int, default=3000)
    ap.add_argument("--n", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "core.sqlite3"
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.core", "--port", "0", "--db", str(db),
             "--stations", str(args.stations), "--seed", "42"],
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
            run(url, args.n)
        finally:
            proc.terminate()
            proc.wait(timeout=60)


if __name__ == "__main__":
    main()
