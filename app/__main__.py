"""`voltra` / `python -m app`: the embedded core, the simulated chargers and the UI."""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import functools
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from concurrent import futures

from app import logs
from app.context import AppConfig
from app.processes import Processes, StartupError, module_exists
from services.settings import get_settings

log = logging.getLogger("voltra")

DEFAULT_NEAR = "52.52,13.405"
HARDWARE_DELAY_S = 8.0
CORE_HEAD_START_S = 2.0


class ProviderNames(Sequence[str]):
    """The registry's provider names, read when argparse first needs them: importing the
    registry (geo, cache, keyring) costs a noticeable part of a second before the core can
    start, and most runs never pass --provider."""

    @functools.cached_property
    def _names(self) -> list[str]:
        from services.registry import known_providers

        return [info.name for info in known_providers()]

    def __getitem__(self, index):
        return self._names[index]

    def __len__(self) -> int:
        return len(self._names)


class DefaultsHelp(argparse.ArgumentDefaultsHelpFormatter):
    """Shows a default where there is one (not "None" or "False" for unset options and flags)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default in (None, False):
            return action.help
        return super()._get_help_string(action)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="voltra",
        description="Voltra EV charging app. Without --provider/--url it starts the embedded "
        "back end and simulated chargers on this machine.",
        formatter_class=DefaultsHelp,
    )
    p.add_argument("--web", action="store_true", help="serve the UI to a browser")
    p.add_argument("--port", type=int, default=0, help="web UI port (0: a free one)")
    p.add_argument("--kiosk", action="store_true", help="fullscreen kiosk mode, idle reset")
    p.add_argument(
        "--kiosk-site",
        metavar="ID",
        help="kiosk bound to this site: its connectors and a tap-your-card start (implies --kiosk)",
    )
    p.add_argument("--speed", type=float, default=1.0, help="simulated time factor")
    p.add_argument(
        "--stations",
        type=int,
        default=None,
        help="demo stations to generate in the embedded core (default: the core's, 3000)",
    )
    p.add_argument(
        "--provider",
        default=None,
        choices=ProviderNames(),
        metavar="NAME",  # argparse would list the choices while adding the option
        help="charging service of a real back end (with --url): %(choices)s",
    )
    p.add_argument("--url", default=None, help="back-end base URL (with --provider)")
    p.add_argument("--db", default=None, help="embedded core database path")
    p.add_argument("--near", default=DEFAULT_NEAR, help="where simulated chargers are")
    p.add_argument("--radius", type=float, default=10.0, help="km around --near")
    p.add_argument("--no-hardware", action="store_true", help="do not start the simulator")
    p.add_argument(
        "--idle-timeout",
        type=float,
        default=get_settings().idle_timeout,
        help="kiosk idle seconds before reset (env VOLTRA_IDLE_TIMEOUT)",
    )
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    if bool(args.provider) != bool(args.url):
        p.error("--provider and --url go together")
    return args


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def announce_when_listening(url: str, port: int, timeout_s: float = 120.0) -> None:
    """Print the UI's URL once its server accepts connections (opening it earlier is
    refused), from a thread: the server itself starts in this one."""

    def wait() -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with socket.socket() as s:
                s.settimeout(0.5)
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    print(f"Voltra UI at {url}", flush=True)
                    return
            time.sleep(0.1)
        log.error("the web UI did not start listening on port %d", port)

    threading.Thread(target=wait, name="voltra-ui-url", daemon=True).start()


def desktop_available() -> bool:
    """A Flet desktop client needs a display and an installed client binary."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    try:
        import flet_desktop  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logs.configure(args.verbose)
    os.environ.setdefault("FLET_WEB_NO_CDN", "1")  # offline: the client is bundled
    from app import prewarm

    imports = prewarm.start_imports()
    procs = Processes()
    atexit.register(procs.stop)

    def on_signal(signum, _frame):
        procs.stop()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)

    if args.provider:
        config = AppConfig(
            kiosk=args.kiosk or bool(args.kiosk_site),
            kiosk_site=args.kiosk_site,
            demo=False,
            provider_name=args.provider,
            base_url=args.url,
            idle_timeout_s=args.idle_timeout,
        )
    else:
        core_args = []
        if args.stations is not None:
            core_args += ["--stations", str(args.stations)]
        if args.db:
            core_args += ["--db", args.db]
        # The UI starts while the core starts (a first start generates demo data): the
        # first browser session waits for the core's URL.
        core_future = procs.spawn_core(core_args)
        config = AppConfig(
            kiosk=args.kiosk or bool(args.kiosk_site),
            kiosk_site=args.kiosk_site,
            demo=True,
            provider_name="beenergised",
            base_url=None,
            base_url_future=core_future,
            idle_timeout_s=args.idle_timeout,
            live_interval_s=1.0,
            multi_accounts=not (args.kiosk or args.kiosk_site),
        )

        map_ready = threading.Event()
        config.on_map_ready = map_ready.set

        def after_core() -> None:
            try:
                core_url = core_future.result()
            except StartupError as exc:
                print(f"voltra: {exc}", file=sys.stderr, flush=True)
                os.kill(os.getpid(), signal.SIGTERM)  # ends the UI; the handler cleans up
                return
            print(f"Voltra core listening on {core_url}", flush=True)
            prewarm.start_backend(dataclasses.replace(config, base_url=core_url))
            # Hundreds of simulated chargers booting keep a small machine busy for a few
            # seconds: let the first map show first (or wait at most HARDWARE_DELAY_S).
            map_ready.wait(HARDWARE_DELAY_S)
            if args.no_hardware:
                pass
            elif module_exists("services.hardware"):
                procs.start_hardware(
                    core_url,
                    ["--near", args.near, "--radius", str(args.radius), "--speed", str(args.speed)],
                )
            else:
                log.warning("services.hardware is not available: no simulated chargers")

        threading.Thread(target=after_core, name="voltra-core-start", daemon=True).start()
        # An existing database is served within about a second: give the core that head
        # start (two processes starting at once on two cores slow each other down); a first
        # start generating demo data takes longer, and the UI starts meanwhile.
        futures.wait([core_future], timeout=CORE_HEAD_START_S)

    import flet as ft

    from app.ui import make_main

    imports.join(10)  # usually done by now: it ran while the core was starting

    web = args.web or not desktop_available()
    config.remember_login = not web and not config.kiosk
    # Settings are one file per machine: right for a desktop window, wrong for a web UI
    # several people may open (each browser session keeps its own choices instead).
    config.persist_settings = not web
    ui_main = make_main(config)
    if config.base_url:  # a remote back end: warm it up now
        prewarm.start_backend(config)
    try:
        if web:
            port = args.port or free_port()
            announce_when_listening(f"http://127.0.0.1:{port}/", port)
            ft.run(
                ui_main,
                view=ft.AppView.WEB_BROWSER,
                host="127.0.0.1",
                port=port,
                no_cdn=True,
                assets_dir=_assets_dir(),
            )
        else:
            ft.run(ui_main, assets_dir=_assets_dir())
    except KeyboardInterrupt:
        pass
    finally:
        procs.stop()
    return 0


def _assets_dir() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets")


if __name__ == "__main__":
    raise SystemExit(main())
