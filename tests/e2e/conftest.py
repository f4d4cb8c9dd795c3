"""Browser tests: the real `voltra --web` (embedded core + simulated chargers) in Chromium.

Locally the tests skip with a message when no browser is found; with CI=true they fail.
Set VOLTRA_E2E_URL to drive an already running UI instead of starting one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # reported per test by pytest_collection_modifyitems
    pass
else:
    # Under load (2 cores shared by several test runs) the UI can take far longer than
    # Playwright's 5 s default to show a screen: wait on generous, bounded deadlines.
    expect.set_options(timeout=30_000)

CHROMIUM = os.environ.get("VOLTRA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    # No --disable-gpu: Flutter's skwasm renderer can wedge the page's main thread with it
    # (flutter/flutter#177008, fixed there by dropping the flag); headless Chromium draws
    # WebGL with SwiftShader either way.
    "--headless",
    "--no-sandbox",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
# The README's screenshots change only when asked (VOLTRA_REFRESH_SCREENSHOTS=1); otherwise
# every run writes them to an untracked folder to look at.
SHOTS = (
    ROOT / "assets" / "screenshots"
    if os.environ.get("VOLTRA_REFRESH_SCREENSHOTS") == "1"
    else ROOT / "test-output" / "screenshots"
)
FAILURES = ROOT / "test-output" / "failures"
# Long enough to log in and look around under load, short enough to watch the reset: the
# "Still there?" warning comes in the last third
KIOSK_IDLE_S = 12
CORE_RE = re.compile(r"Voltra core listening on (http://[0-9.]+:\d+)")
CONTROL_RE = re.compile(r"--control (http://[0-9.]+:\d+)")
UI_RE = re.compile(r"Voltra UI at (http://[0-9.]+:\d+/)")


def _browser_problem() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium fonts-liberation)"
    return None


def pytest_collection_modifyitems(config, items):
    problem = _browser_problem()
    if problem is None:
        return
    e2e = [i for i in items if "e2e" in i.keywords]
    if not e2e:
        return
    if os.environ.get("CI", "").lower() == "true":
        return  # the browser fixture fails each test: CI must have a browser
    for item in e2e:
        item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {problem}"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppProcess:
    """`python -m app --web` as a child; collects its output, stops it on close."""

    def __init__(self, args: list[str], timeout_s: float = 120.0) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        # An unreachable VOLTRA_TILE_URL shows the map on the core's offline basemap.
        env.setdefault("VOLTRA_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        env["VOLTRA_CONFIG_DIR"] = tempfile.mkdtemp(prefix="voltra-e2e-cfg-")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "--web", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.core_url: str | None = None
        self.control_url: str | None = None  # the simulator's fault-control API
        self.url: str | None = None

        def pump() -> None:
            # The app prints the UI's URL once that server accepts connections
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line.rstrip())
                if m := CORE_RE.search(line):
                    self.core_url = m.group(1)
                if m := CONTROL_RE.search(line):
                    self.control_url = m.group(1)
                if m := UI_RE.search(line):
                    self.url = m.group(1)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.proc.poll() is None:
            if self.url and _port_open(self.url):
                break
            time.sleep(0.1)
        # The UI comes up while the embedded core may still be starting: wait for both
        while (
            "--provider" not in args
            and self.core_url is None
            and time.monotonic() < deadline
            and self.proc.poll() is None
        ):
            time.sleep(0.1)
        if not (self.url and _port_open(self.url)) or (
            "--provider" not in args and self.core_url is None
        ):
            self.close()
            raise RuntimeError("the app did not start:\n" + "\n".join(self.lines[-30:]))

    def wait_control_url(self, timeout_s: float = 180.0) -> str | None:
        """The simulator's fault-control URL, once it has printed it (it starts after the UI)."""
        deadline = time.monotonic() + timeout_s
        while self.control_url is None and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        return self.control_url

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


def _port_open(url: str) -> bool:
    host, port = url.split("//")[1].rstrip("/").split(":")
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, int(port))) == 0


@pytest.fixture(scope="session")
def app_server():
    if url := os.environ.get("VOLTRA_E2E_URL"):
        yield type("Existing", (), {"url": url, "core_url": os.environ.get("VOLTRA_E2E_CORE")})
        return
    db = Path(tempfile.mkdtemp(prefix="voltra-e2e-")) / "core.db"
    app = AppProcess(
        ["--port", str(free_port()), "--stations", "3000", "--speed", "30", "--db", str(db)]
    )
    yield app
    app.close()


@pytest.fixture(scope="session")
def kiosk_server(app_server):
    """A kiosk UI on the same core (no second core): --provider/--url, short idle timeout."""
    if url := os.environ.get("VOLTRA_E2E_KIOSK_URL"):
        yield type("Existing", (), {"url": url})
        return
    if not app_server.core_url:
        pytest.skip("no core URL to point the kiosk at")
    app = AppProcess(
        [
            "--kiosk",
            "--port",
            str(free_port()),
            "--provider",
            "beenergised",
            "--url",
            app_server.core_url,
            "--idle-timeout",
            str(KIOSK_IDLE_S),
        ]
    )
    yield app
    app.close()


@pytest.fixture(scope="session")
def kiosk_site_server(app_server):
    """A kiosk bound to one site near Berlin (--kiosk-site) on the same core."""
    from core_calls import free_site

    if not app_server.core_url:
        pytest.skip("no core URL to point the kiosk at")
    site = free_site(app_server.core_url)
    assert site, "no site with a free connector near Berlin"
    app = AppProcess(
        [
            "--kiosk-site",
            site,
            "--port",
            str(free_port()),
            "--provider",
            "beenergised",
            "--url",
            app_server.core_url,
            "--idle-timeout",
            str(KIOSK_IDLE_S),
        ]
    )
    yield app
    app.close()


# A module's browser, not the session's: Playwright's sync API keeps an event loop on the main
# thread while it lives, so an asyncio test run by the same process after the browser tests
# (an xdist worker takes other tests once the browser group is done) needs it gone.
@pytest.fixture(scope="module")
def browser():
    if problem := _browser_problem():
        pytest.fail(f"CI=true but the browser tests cannot run: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        pw.selectors.set_test_id_attribute("flt-semantics-identifier")
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def ui_factory(browser, request):
    from ui_driver import UI

    contexts = []

    def make(
        url: str, width: int = 1280, height: int = 800, dark: bool = False, **context_options
    ) -> UI:
        ctx = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme="dark" if dark else "light",
            accept_downloads=True,
            **context_options,
        )
        contexts.append(ctx)
        page = ctx.new_page()
        ui = UI(page, url, SHOTS)
        ui.open()
        return ui

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        # what the page showed when the test gave up: for a failure seen only on CI
        FAILURES.mkdir(parents=True, exist_ok=True)
        for n, c in enumerate(contexts):
            for m, page in enumerate(c.pages):
                with contextlib.suppress(Exception):
                    page.screenshot(path=FAILURES / f"{_file_name(request.node.name)}-{n}{m}.png",
                                    timeout=10_000)
    for c in contexts:
        c.close()


def _file_name(test_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
