"""Account-side figures of the embedded core, over real HTTP against a real core process.

Prints: scrypt hash time (the login cost floor), p50/p95 of initSession, contact,
cardsPaged, chargelogsPaged (limit 20, the demo driver's history) and chargingStatistics,
the time to generate + download one invoice PDF, and ``/healthz`` latency while 40 logins
run at once (password hashing must not hold up other requests).

    python bench/account_latency.py [--db PATH] [--stations 3000] [--n 100] [--core-root DIR]

``--core-root`` runs the core from another checkout (e.g. an older commit, to compare).

Without --db a temporary database is seeded (--stations, seed 42). No goals are set in the
issue for these; they show the account API is not a bottleneck next to station search.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.core.domain.passwords import hash_password  # noqa: E402

READY = re.compile(r"^Voltra core listening on (http://\S+)$")
LOGIN = ("mutation initSession($password: String!, $username: String!) {"
         " initSession(password: $password, username: $username) { refreshToken sessionToken } }")
QUERIES = {
    "contact": "query contact { contact { id email displayName termsAndConditionsAccepted } }",
    "cardsPaged": "query { cardsPaged { pagination { totalCount } data { id tagId status"
                  " rate { id name } } } }",
    "chargelogsPaged(20)": "query { chargelogsPaged(pagination: {limit: 20}) { pagination {"
                           " totalCount } data { id status dateStart energyConsumption"
                           " connector { evseId } cost { total currency costItems {"
                           " grossAmount description } } } } }",
    "chargingStatistics": "query { chargingStatistics { number energyConsumption co2Saving } }",
}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name: str, samples: list[float]) -> None:
    ms = [s * 1000 for s in samples]
    print(f"{name:24s} n={len(ms):4d}  p50 {pct(ms, 50):7.2f} ms  p95 {pct(ms, 95):7.2f} ms"
          f"  mean {statistics.fmean(ms):7.2f} ms")


async def health_under_logins(url: str, username: str, password: str, logins: int = 40,
                              min_probes: int = 8) -> dict[str, list[float] | int]:
    """Fire ``logins`` initSession calls at once and probe ``/healthz`` one after another
    until they are all answered (at least ``min_probes`` probes). Returns the probe and
    login latencies in seconds, and how many logins were refused (TOO_MANY_REQUESTS) or
    failed otherwise (a 5xx or a body that is not a GraphQL answer counts as failed; the
    facade answers 400 with the error when the whole result is null)."""
    creds = {"username": username, "password": password}
    limits = httpx.Limits(max_connections=logins + 1)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client, \
            httpx.AsyncClient(base_url=url, timeout=60) as prober:
        await prober.get("/healthz")  # connection open before the burst

        async def one_login() -> tuple[float, str]:
            t = time.perf_counter()
            r = await client.post("/graphql/", json={"query": LOGIN, "variables": creds})
            took = time.perf_counter() - t
            if r.status_code >= 500 or not r.headers.get("content-type", "").startswith(
                    "application/json"):
                return took, f"http {r.status_code}"
            errors = r.json().get("errors")
            if not errors:
                return took, "ok"
            return took, errors[0].get("extensions", {}).get("code", "?")

        tasks = [asyncio.create_task(one_login()) for _ in range(logins)]
        await asyncio.sleep(0.05)  # let the burst reach the core first
        probes: list[float] = []
        while len(probes) < min_probes or not all(t.done() for t in tasks):
            t = time.perf_counter()
            r = await prober.get("/healthz")
            probes.append(time.perf_counter() - t)
            if r.status_code != 200:
                raise RuntimeError(f"/healthz answered {r.status_code}")
            await asyncio.sleep(0.05)
        results = [await t for t in tasks]
    outcomes = [o for _, o in results]
    return {"health": probes, "logins": [t for t, o in results if o == "ok"],
            "refused": outcomes.count("TOO_MANY_REQUESTS"),
            "failed": sum(o not in ("ok", "TOO_MANY_REQUESTS") for o in outcomes)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--stations", type=int, default=3000)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--core-root", type=Path, default=ROOT)
    args = ap.parse_args()

    hashes = []
    for _ in range(10):
        t = time.perf_counter()
        hash_password("driver-demo")
        hashes.append(time.perf_counter() - t)
    report("scrypt hash_password", hashes)

    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "bench.sqlite3"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.core", "--port", "0", "--db", str(db),
         "--stations", str(args.stations), "--seed", "42"],
        cwd=args.core_root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = None
        for line in proc.stdout:  # type: ignore[union-attr]
            m = READY.match(line.strip())
            if m:
                url = m.group(1)
                break
        if url is None:
            raise SystemExit("core did not start")
        print(f"core ready in {time.perf_counter() - started:.1f} s at {url}")
        with httpx.Client(base_url=url, timeout=30) as client:
            def gql(query: str, variables: dict | None = None, token: str | None = None):
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                r = client.post("/graphql/", json={"query": query, "variables": variables or {}},
                                headers=headers)
                body = r.json()
                if body.get("errors"):
                    raise SystemExit(f"error: {body['errors']}")
                return body["data"]

            creds = {"username": "driver@example.com", "password": "driver-demo"}
            logins, token = [], None
            for _ in range(max(10, args.n // 5)):
                t = time.perf_counter()
                token = gql(LOGIN, creds)["initSession"]["sessionToken"]
                logins.append(time.perf_counter() - t)
            report("initSession", logins)
            for name, query in QUERIES.items():
                gql(query, token=token)  # warm up
                samples = []
                for _ in range(args.n):
                    t = time.perf_counter()
                    gql(query, token=token)
                    samples.append(time.perf_counter() - t)
                report(name, samples)
            docs = gql("query { accountDocumentsPaged(pagination: {limit: 1}) { data {"
                       " downloadLink } } }", token=token)["accountDocumentsPaged"]["data"]
            if docs:
                pdfs = []
                for _ in range(10):
                    t = time.perf_counter()
                    r = client.get(docs[0]["downloadLink"])
                    pdfs.append(time.perf_counter() - t)
                    assert r.content.startswith(b"%PDF")
                report(f"invoice PDF ({len(r.content) // 1024} KiB)", pdfs)
        burst = asyncio.run(health_under_logins(url, creds["username"], creds["password"]))
        report("/healthz during 40 logins", burst["health"])  # type: ignore[arg-type]
        report("initSession in the burst", burst["logins"])  # type: ignore[arg-type]
        print(f"burst: {burst['refused']} logins asked to retry, {burst['failed']} failed")
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        tmp.cleanup()


if __name__ == "__main__":
    main()
