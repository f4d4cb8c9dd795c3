"""Time from `voltra --web` start to the map showing stations in Chromium, and memory;
with --use-minutes, the app's memory through that long a spell of simulated use.

    python bench/bench_app.py [--stations 3000] [--cold] [--use-minutes 15 [--sessions 3]]

The browser is started first (it is not part of the app's start-up). The clock starts
when `python -m app --web` is spawned and stops when the first station is listed in the
page's accessibility tree (markers and list come from the same search). By default the
core database is created by an untimed first run, so the figure is a normal (warm) start;
--cold times the very first start including demo-data generation. Goal: under 5 s.

--use-minutes M then drives the UI the way a driver does for M minutes (log in, open
stations and go back, switch tabs, load history, and --sessions charging sessions of about
a minute each, spread over the time) and prints the app process's RSS once a minute, the
growth from start to end and over the second half (a plateau or not). The run is bounded:
it ends after M minutes (plus at most one step) whatever happens, counting failed steps.
"""

from __future__ import annotations

import argparse
import contextlib
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
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]  # the browser tests' UI driver
from ui_driver import UI  # noqa: E402

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


def charge_once(ui: UI, seconds: float) -> None:
    """Open stations until one offers Start, charge for ``seconds``, stop."""
    ui.tab("Map")
    items = ui.test_id("station-item")
    items.first.wait_for(timeout=60_000)
    start = ui.button("Start charging")
    for i in range(min(items.count(), 12)):
        ui.click(items.nth(i))
        ui.page.get_by_role("heading").first.wait_for(timeout=60_000)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not start.count():
            time.sleep(0.3)
        if start.count():
            break
        ui.back()
    else:
        raise RuntimeError("no station offers a start")
    ui.click(start.first)
    ui.click(ui.button("Confirm and start"))
    expect(ui.test_id("live-energy")).to_be_attached(timeout=120_000)
    time.sleep(seconds)
    ui.click(ui.button("Stop charging"))
    expect(ui.test_id("final-energy")).to_be_attached(timeout=120_000)


def browse_once(ui: UI, step: int) -> None:
    """A little of what a driver does between sessions."""
    ui.tab("Map")
    items = ui.test_id("station-item")
    items.first.wait_for(timeout=60_000)
    ui.click(items.nth(step % min(items.count(), 10)))
    ui.page.get_by_role("heading").first.wait_for(timeout=60_000)
    time.sleep(2)
    ui.back()
    for tab in ("History", "Cards", "Charging", "Account"):
        ui.tab(tab)
        time.sleep(1.5)


def use_for(ui: UI, pid: int, minutes: float, sessions: int) -> tuple[list, int, int]:
    """Drive the UI for ``minutes``; RSS samples (minute, MB), sessions done, failed steps."""
    ui.tab("Account")
    ui.login()
    t0 = time.monotonic()
    end = t0 + minutes * 60
    charge_at = [t0 + (k + 0.5) * minutes * 60 / max(sessions, 1) for k in range(sessions)]
    samples = [(0.0, rss_mb(pid))]
    next_sample = t0 + 60
    done = failed = step = 0
    while time.monotonic() < end:
        try:
            if charge_at and time.monotonic() >= charge_at[0]:
                charge_at.pop(0)
                charge_once(ui, seconds=min(60.0, max(5.0, end - time.monotonic() - 60)))
                done += 1
            else:
                browse_once(ui, step)
        except Exception as exc:  # a missed tap under load: count it, go on using the app
            failed += 1
            print(f"  step failed: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
            with contextlib.suppress(Exception):
                ui.page.goto(ui.url)
                ui.open()
        step += 1
        while time.monotonic() >= next_sample:
            samples.append(((next_sample - t0) / 60, rss_mb(pid)))
            next_sample += 60
    samples.append(((time.monotonic() - t0) / 60, rss_mb(pid)))
    return samples, done, failed


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--stations", type=int, default=3000)
    p.add_argument("--cold", action="store_true", help="time the first start (new database)")
    p.add_argument("--use-minutes", type=float, default=0.0,
                   help="then use the app this long, printing its memory once a minute")
    p.add_argument("--sessions", type=int, default=3,
                   help="charging sessions within --use-minutes")
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

        used = None
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
            if a.use_minutes > 0:
                ui = UI(page, url, work / "shots")
                used = use_for(ui, proc.pid, a.use_minutes, a.sessions)
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
    if used is not None:
        samples, done, failed = used
        print(f"after {samples[-1][0]:.1f} min of use ({done} charging sessions, "
              f"{failed} failed steps): app process RSS {samples[-1][1]:.0f} MB "
              f"(+{samples[-1][1] - samples[0][1]:.0f} MB since login)")
        half = [mb for minute, mb in samples if minute >= samples[-1][0] / 2]
        print(f"  second half: {half[0]:.0f} -> {half[-1]:.0f} MB "
              f"({'plateau' if half[-1] - half[0] < 10 else 'still growing'})")
        print("  per minute: " + ", ".join(f"{minute:.0f}:{mb:.0f}" for minute, mb in samples))


if __name__ == "__main__":
    main()
