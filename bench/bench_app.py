"""Time from `voltra --web` start to the map showing stations in Chromium, and memory.

    python bench/bench_app.py [--stations 3000] [--cold]

The browser is started first (it is not part of the app's start-up). The clock starts
when `python -m app --web` is spawned and stops when the first station is listed in the
page's accessibility tree (markers and list come from the same search). By default the
core database is created by an untimed first run, so the figure is a normal (warm) start;
--cold times the very first start including demo-data generation. Goal: under 5 s.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
UI_RE = re.compile(r"Voltra UI at (http://\S+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(db: Path, stations: int, out: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1", VOLTRA_TILE_URL="",
               VOLTRA_CONFIG_DIR=tempfile.mkdtemp(prefix="voltra-bench-cfg-"))
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--web", "--port", str(free_port()),
         "--stations", str(stations), "--db", str(db)],
        cwd=ROOT, env=env, stdout=out.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def wait_url(out: Path, proc: subprocess.Popen, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if m := UI_RE.search(out.read_text()):
            url = m.group(1)
            host, port = url.split("//")[1].rstrip("/").split(":")
            with socket.socket() as s:
                if s.connect_ex((host, int(port))) == 0:
                    return url
        if proc.poll() is not None:
            raise SystemExit("app exited:\n" + out.read_text()[-2000:])
        time.sleep(0.02)
    raise SystemExit("app did not start:\n" + out.read_text()[-2000:])


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--stations", type=int, default=3000)
    p.add_argument("--cold", action="store_true", help="time the first start (new database)")
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="voltra-bench-"))
    db, out = work / "core.db", work / "app.log"

    if not a.cold:  # untimed first run: generates the demo data into the database
        proc = start_app(db, a.stations, out)
        try:
            wait_url(out, proc)
        finally:
            stop(proc)

    with sync_playwright() as pw:
        pw.selectors.set_test_id_attribute("flt-semantics-identifier")
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route(re.compile(r"https?://[^/]*tile[^/]*/.*"), lambda r: r.abort())

        t0 = time.perf_counter()
        proc = start_app(db, a.stations, out)
        try:
            url = wait_url(out, proc)
            t_server = time.perf_counter() - t0
            page.goto(url)
            ph = page.locator("flt-semantics-placeholder")
            ph.wait_for(state="attached", timeout=60_000)
            ph.dispatch_event("click")
            t_client = time.perf_counter() - t0
            page.get_by_test_id("station-item").first.wait_for(timeout=60_000)
            t_map = time.perf_counter() - t0
            count = page.get_by_test_id("station-item").count()
            time.sleep(2)  # let the session settle before reading memory
            app_mb = rss_mb(proc.pid)
            children = {
                " ".join(c.cmdline()[2:3]): c.memory_info().rss / 2**20
                for c in psutil.Process(proc.pid).children()
            }
        finally:
            stop(proc)
            browser.close()

    kind = "cold (first start, demo data generated)" if a.cold else "warm (existing database)"
    print(f"voltra --web start -> map shows stations: {t_map:.2f} s  [{kind}, "
          f"{a.stations} stations, goal < 5 s: {'met' if t_map < 5 else 'NOT met'}]")
    print(f"  of which until the UI server accepted connections: {t_server:.2f} s")
    print(f"  until the Flutter client was up in the browser: {t_client:.2f} s")
    print(f"  stations listed: {count}")
    print(f"app process RSS: {app_mb:.0f} MB")
    for name, mb in children.items():
        print(f"  child {name}: {mb:.0f} MB")


if __name__ == "__main__":
    main()
