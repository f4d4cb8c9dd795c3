"""Start and stop the embedded core and the hardware simulator as child processes."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

LISTEN_RE = re.compile(r"Voltra core listening on (http://[0-9.]+:\d+)")
# The simulator's ready line names its fault-control API: the operator needs to see it
HARDWARE_READY = "Voltra hardware:"
CONTROL_RE = re.compile(r"control API on (\S+)")


class StartupError(RuntimeError):
    pass


@dataclass
class Child:
    name: str
    proc: subprocess.Popen
    lines: list[str] = field(default_factory=list)


def module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None and (
            importlib.util.find_spec(name + ".__main__") is not None
        )
    except ModuleNotFoundError:
        return False


def _pump(child: Child, found: threading.Event, url_box: list[str]) -> None:
    """Read a child's output: keep the tail for error messages and echo it to our log."""
    assert child.proc.stdout is not None
    for raw in child.proc.stdout:
        line = raw.rstrip()
        child.lines = ([*child.lines, line])[-50:]
        log.debug("[%s] %s", child.name, line)
        if line.startswith(HARDWARE_READY):
            print(line, flush=True)
            if m := CONTROL_RE.search(line):
                print(
                    "  inject faults: python -m services.hardware fault --control "
                    f"{m.group(1)} STATION_ID {{faulted|disconnect|reject_remote_start|...}}",
                    flush=True,
                )
        m = LISTEN_RE.search(line)
        if m and not found.is_set():
            url_box.append(m.group(1))
            found.set()
    found.set()  # EOF: let the waiter notice the exit


class Processes:
    """The children we started; ``stop()`` ends exactly these (and is idempotent)."""

    def __init__(self) -> None:
        self.children: list[Child] = []

    def _spawn(self, name: str, args: list[str], nice: int = 0) -> Child:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            [sys.executable, "-m", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
            start_new_session=True,  # Ctrl+C reaches us; we stop the children ourselves
            # The simulated chargers are background load: the UI comes first on a small machine
            preexec_fn=(lambda: os.nice(nice)) if nice and hasattr(os, "nice") else None,
        )
        child = Child(name, proc)
        self.children.append(child)
        return child

    def spawn_core(self, extra: list[str], timeout_s: float = 60.0) -> Future[str]:
        """Start the core; the future gives its URL once it prints its listening line (or
        fails with StartupError and the core's last lines)."""
        child = self._spawn("core", ["services.core", "--port", "0", *extra])
        found, box = threading.Event(), []
        future: Future[str] = Future()
        threading.Thread(target=_pump, args=(child, found, box), daemon=True).start()

        def wait() -> None:
            if found.wait(timeout_s) and box:
                future.set_result(box[0])
            else:
                tail = "\n".join(child.lines[-15:])
                future.set_exception(StartupError(f"the embedded core did not start:\n{tail}"))

        threading.Thread(target=wait, daemon=True).start()
        return future

    def start_core(self, extra: list[str], timeout_s: float = 60.0) -> str:
        try:
            return self.spawn_core(extra, timeout_s).result(timeout_s + 5)
        except StartupError:
            self.stop()
            raise

    def start_hardware(self, core_url: str, extra: list[str]) -> None:
        child = self._spawn("hardware", ["services.hardware", "--core", core_url, *extra], nice=10)
        threading.Thread(target=_pump, args=(child, threading.Event(), []), daemon=True).start()

        def watch() -> None:
            # The UI need not wait for the chargers: report a simulator that dies early.
            code = child.proc.wait()
            if code not in (0, -signal.SIGTERM) and child in self.children:
                log.error(
                    "the hardware simulator exited (%s):\n%s", code, "\n".join(child.lines[-15:])
                )

        threading.Thread(target=watch, daemon=True).start()

    def stop(self, timeout_s: float = 8.0) -> None:
        # Hardware first so chargers disconnect cleanly before the core goes away.
        for child in reversed(self.children):
            if child.proc.poll() is None:
                try:
                    child.proc.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + timeout_s
        for child in reversed(self.children):
            remaining = max(0.1, deadline - time.monotonic())
            try:
                child.proc.wait(remaining)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in time; killing it", child.name)
                child.proc.kill()
                child.proc.wait(5)
        self.children.clear()
