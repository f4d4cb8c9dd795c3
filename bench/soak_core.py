"""Memory of the embedded core under a long run of mixed API calls: it must level off.

    python -m bench.soak_core                       # 12,000 calls, RSS every 1,000
    python -m bench.soak_core --calls 3000 --every 500 --stations 500

Starts ``python -m services.core`` on 127.0.0.1 over a fresh demo database, logs in as the
demo driver and sends, sequentially on one keep-alive connection, the app's own operations
in a fixed mix: history pages (40%), station searches (30%), station details (15%), card
lists (10%) and statistics (5%), with centres and pages drawn from a fixed seed. Prints the
core's RSS after every ``--every`` calls and a final ``RESULT {json}`` line: RSS figures
(MB), the growth over the second half of the run (KiB per 1,000 calls) and whether that is
a plateau (below ``--plateau-kib`` per 1,000 calls). Bounded by count and by
``--max-seconds``; loopback only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # python bench/soak_core.py from anywhere
    sys.path.insert(0, str(ROOT))

from services.providers.beenergised import queries  # noqa: E402

READY = re.compile(r"^Voltra core listening on (http://\S+)$")
DRIVER = ("driver@example.com", "driver-demo")
CENTRES = [(52.52, 13.405), (48.137, 11.575), (53.551, 9.993), (50.938, 6.96),
           (48.208, 16.373), (47.377, 8.541)]


def start_core(db: Path, stations: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.core", "--port", "0", "--db", str(db),
         "--stations", str(stations), "--seed", "42"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        found = READY.match(line.strip())
        if found:
            return proc, found.group(1)
    proc.kill()
    raise SystemExit("the core did not start")


class Calls:
    def __init__(self, client: httpx.Client, token: str, rng: random.Random) -> None:
        self.client = client
        self.auth = {"Authorization": f"Bearer {token}"}
        self.rng = rng
        self.stations: list[dict[str, Any]] = []

    def gql(self, query: str, variables: dict[str, Any], auth: bool = False) -> dict:
        r = self.client.post("/graphql/", json={"query": query, "variables": variables},
                             headers=self.auth if auth else None)
        body = r.json()
        if r.status_code != 200 or body.get("errors"):
            raise SystemExit(f"call failed ({r.status_code}): {r.text[:300]}")
        return body["data"]

    def history(self) -> None:
        page = self.rng.randrange(0, 3)
        self.gql(queries.CHARGELOGS_PAGED,
                 {"pagination": {"limit": 20, "offset": 20 * page}}, auth=True)

    def search(self) -> None:
        lat, lon = self.rng.choice(CENTRES)
        data = self.gql(queries.CPS_PAGED_LOCATION_BASED, {
            "location": {"latitude": lat + self.rng.uniform(-0.02, 0.02),
                         "longitude": lon + self.rng.uniform(-0.02, 0.02), "radius": 5},
            "pagination": {"limit": 20, "offset": 0}})
        found = data["cpsPagedLocationBased"]["data"]
        if found:
            self.stations = found

    def detail(self) -> None:
        if not self.stations:
            self.search()
        cp = self.rng.choice(self.stations)
        self.gql(queries.CP_DETAIL, {"id": cp["id"], "uuid": cp["id"]})

    def cards(self) -> None:
        self.gql(queries.CARDS_PAGED, {"pagination": {"limit": 20, "offset": 0}}, auth=True)

    def statistics(self) -> None:
        self.gql(queries.CHARGING_STATISTICS, {}, auth=True)

    def mix(self) -> list:
        return ([self.history] * 8 + [self.search] * 6 + [self.detail] * 3
                + [self.cards] * 2 + [self.statistics])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=12_000)
    p.add_argument("--every", type=int, default=1_000, help="print RSS every N calls")
    p.add_argument("--stations", type=int, default=3000)
    p.add_argument("--max-seconds", type=float, default=900)
    p.add_argument("--plateau-kib", type=float, default=1024,
                   help="growth per 1,000 calls over the second half that counts as level")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="voltra-soak-") as tmp:
        proc, url = start_core(Path(tmp) / "core.sqlite3", args.stations)
        core = psutil.Process(proc.pid)
        try:
            with httpx.Client(base_url=url, timeout=60) as client:
                login = client.post("/graphql/", json={
                    "query": queries.INIT_SESSION,
                    "variables": {"username": DRIVER[0], "password": DRIVER[1]}}).json()
                token = login["data"]["initSession"]["sessionToken"]
                calls = Calls(client, token, random.Random(args.seed))
                mix = calls.mix()
                rss: list[tuple[int, float]] = [(0, core.memory_info().rss / 2**20)]
                print(f"core {url}: RSS {rss[0][1]:.1f} MB before the first call", flush=True)
                started = time.monotonic()
                done = 0
                while done < args.calls and time.monotonic() - started < args.max_seconds:
                    calls.rng.choice(mix)()
                    done += 1
                    if done % args.every == 0 or done == args.calls:
                        rss.append((done, core.memory_info().rss / 2**20))
                        print(f"{done:>7} calls  RSS {rss[-1][1]:7.1f} MB  "
                              f"({time.monotonic() - started:6.1f} s)", flush=True)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    half = [(n, mb) for n, mb in rss if n >= done / 2] or rss[-1:]
    span = max(1, half[-1][0] - half[0][0])
    growth = (half[-1][1] - half[0][1]) * 1024 / span * 1000
    result = {"calls": done, "rss_mb": [round(mb, 1) for _n, mb in rss],
              "second_half_kib_per_1000_calls": round(growth, 1),
              "plateau": growth < args.plateau_kib}
    print(f"second half: {growth:+.1f} KiB per 1,000 calls -> "
          f"{'plateau' if result['plateau'] else 'STILL GROWING'}")
    print("RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
