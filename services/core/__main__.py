"""``voltra-core`` / ``python -m services.core``: run the embedded back end alone.

Prints exactly one line ``Voltra core listening on http://HOST:PORT`` once the socket accepts
connections; the app and the tests parse it. Everything else goes to the log (stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import importlib
import ipaddress
import json
import logging
import re
import signal
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import uvicorn

from services.core import logs
from services.core.loop_watch import LoopWatch
from services.core.state import Core, CoreConfig
from services.core.store.db import connect, default_db_path, migrate

log = logging.getLogger("services.core")

READY_PREFIX = "Voltra core listening on "

# ``voltra-core GROUP COMMAND ...``: group name -> module with ``HELP``,
# ``add_commands(parser)`` and ``run(args) -> exit code``. Add a group with one line here.
COMMAND_GROUPS: dict[str, str] = {
    "api-key": "services.core.commands.api_keys",
    "member": "services.core.commands.members",
    "offer": "services.core.commands.offers",
}

# Also the partner APIs' header forms: ``x-api-key: K`` and OIOI's ``Authorization: key=K``.
_CREDENTIAL = re.compile(
    r"(?i)\b(authorization:\s*\w+\s+|authorization:\s*key=|x-api-key['\"]?[:,]\s*b?['\"]?"
    r"|bearer\s+|basic\s+)[A-Za-z0-9._~+/=-]{6,}"
)


# A logged graphql-transport-ws connection_init frame carries the bearer token; websockets
# shortens long frames in the middle ("Author...<token tail>"), so hide the whole payload.
_INIT_FRAME = re.compile(r"(TEXT ')[^']*connection_init[^']*(')")


class _RedactCredentials(logging.Filter):
    """At --log-level debug the WebSocket layer logs every handshake header, including a
    charger's Basic auth and a client's bearer token, and every frame; mask credentials."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        if _CREDENTIAL.search(message) or "connection_init" in message:
            message = _INIT_FRAME.sub(r"\1connection_init ***\2", message)
            record.msg, record.args = _CREDENTIAL.sub(r"\1***", message), None
        return True


def _redact_log_handlers() -> None:
    # After uvicorn.Config: it installs its own handlers (uvicorn.error does not propagate).
    redact = _RedactCredentials()
    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
        for handler in logging.getLogger(name).handlers:
            handler.addFilter(redact)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="voltra-core",
        description="Voltra embedded back end: be.ENERGISED driver GraphQL at /graphql/, "
        "GP JOULE CONNECT GraphQL at /gpjoule/graphql, Wirelane API 2.0 under /wirelane/, "
        "Plugsurfing OIOI v4 at /api/v4/request, and an OCPP 1.6J central system at "
        "/ocpp/{chargePointId}. Does not start simulated hardware (see voltra-hardware).",
        epilog="Commands: " + ", ".join(f"voltra-core {name} ..." for name in COMMAND_GROUPS)
        + ", voltra-core charger set-password ID (each with --help).",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default)")
    p.add_argument("--db", type=Path, default=None,
                   help=f"SQLite database file (default {default_db_path()})")
    p.add_argument("--stations", type=int, default=3000,
                   help="demo stations to generate when the database is empty (default 3000)")
    p.add_argument("--seed", type=int, default=42, help="demo data RNG seed (default 42)")
    p.add_argument("--tls-cert", type=Path, default=None,
                   help="PEM certificate chain: serve https/wss (OCPP security profile 2)")
    p.add_argument("--tls-key", type=Path, default=None, help="PEM private key of --tls-cert")
    p.add_argument("--loop-stats", type=Path, default=None, metavar="FILE",
                   help="measure event-loop lag and what blocks the loop; JSON to FILE at exit")
    p.add_argument("--log-level", default="warning",
                   choices=["debug", "info", "warning", "error"], help="default warning")
    args = p.parse_args(argv)
    if not 0 <= args.port <= 65535:
        p.error("--port must be between 0 and 65535")
    if args.stations < 0 or args.stations > 1_000_000:
        p.error("--stations must be between 0 and 1000000")
    if (args.tls_cert is None) != (args.tls_key is None):
        p.error("--tls-cert and --tls-key go together")
    return args


def run_command(argv: list[str]) -> int:
    """``voltra-core GROUP COMMAND ...`` (argv[0] is a key of COMMAND_GROUPS)."""
    p = argparse.ArgumentParser(prog="voltra-core")
    groups = p.add_subparsers(dest="group", required=True, metavar="GROUP")
    for name, module_name in COMMAND_GROUPS.items():
        module = importlib.import_module(module_name)
        module.add_commands(groups.add_parser(name, help=module.HELP, description=module.HELP))
    args = p.parse_args(argv)
    return importlib.import_module(COMMAND_GROUPS[args.group]).run(args)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def warn_demo_credentials(path: Path, host: str) -> None:
    """Anyone who can reach the core can use the published demo credentials: say so when
    a demo database is served beyond this machine."""
    if is_loopback(host):
        return
    from services.core.demo.credentials import exposure_warning

    conn = connect(path)
    try:
        message = exposure_warning(conn, host)
    finally:
        conn.close()
    if message:
        log.warning(message)


def prepare_database(path: Path, stations: int, seed: int) -> int:
    """Migrate, and fill an empty database with demo data. Returns the station count."""
    from services.core.demo import chargers as demo_chargers
    from services.core.demo import generate
    from services.core.demo.offers import ensure_demo_offers
    from services.core.demo.partners import ensure_demo_partners
    from services.core.demo.plugsurfing_accounts import ensure_test_accounts

    conn = connect(path)
    try:
        migrate(conn)
        count = conn.execute("SELECT COUNT(*) FROM stations").fetchone()[0]
        if count == 0 and stations > 0:
            # Only the first start of an empty store pays this; say so, it can take a while.
            print(f"voltra-core: seeding {stations:,} demo stations (seed {seed}) into {path}",
                  file=sys.stderr, flush=True)
            started = time.perf_counter()
            generate(conn, stations=stations, seed=seed)
            log.info("seeded %d stations in %.1fs", stations, time.perf_counter() - started)
            count = conn.execute("SELECT COUNT(*) FROM stations").fetchone()[0]
        else:
            if ensure_demo_partners(conn):
                log.info("added the demo partners to the demo database %s", path)
            if ensure_demo_offers(conn):
                log.info("added the demo offers to the demo database %s", path)
            if ensure_test_accounts(conn):
                log.info("added the OIOI test accounts to the demo database %s", path)
            if upgraded := demo_chargers.upgrade_demo_store(conn):
                log.warning("gave %d demo stations their demo charger credentials", upgraded)
        return count
    finally:
        conn.close()


class _Server(uvicorn.Server):
    """uvicorn server that stops on SIGINT/SIGTERM and then returns normally.

    uvicorn re-raises the captured signal after a graceful shutdown; we want a clean exit
    code instead, so the signal is only recorded.
    """

    ready_line: str | None = None
    # Started once the server listens: start-up work is not what clients wait on.
    loop_watch: LoopWatch | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            tune_gc()
        if self.started and self.ready_line:
            # The sockets are listening now: connecting clients will be served.
            print(self.ready_line, flush=True)
        if self.started and self.loop_watch is not None:
            self.loop_watch.start()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def tune_gc() -> None:
    """Once the app is built: move everything alive (modules, the GraphQL schema, caches)
    out of the cyclic collector's reach, and let it run less often. A station page builds
    thousands of short-lived dicts; with the defaults a full collection walked every
    object of the process about once per 100 searches, 35-85 ms each (measured at 1M
    stations), straight into the tail latency. Frozen, a full collection takes 1-3 ms."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP; with proto 0 Nagle + delayed ACK add ~40 ms per keep-alive response.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def base_url(host: str, sock: socket.socket, scheme: str = "http") -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):  # noqa: S104 - only to print a reachable address
        shown = "127.0.0.1"
    return f"{scheme}://{shown}:{port}"


async def serve(config: CoreConfig, sock: socket.socket, log_level: str = "warning",
                tls: tuple[Path, Path] | None = None, loop_stats: Path | None = None) -> None:
    from services.core.server import create_app

    core = Core(config)
    app = create_app(core)
    server = _Server(
        uvicorn.Config(app, log_level=log_level, lifespan="on", ws="websockets-sansio",
                       ws_max_size=1 << 20,  # OCPP and GraphQL messages are small
                       access_log=False, timeout_graceful_shutdown=5,
                       ssl_certfile=tls[0] if tls else None, ssl_keyfile=tls[1] if tls else None)
    )
    _redact_log_handlers()
    logs.install()
    server.ready_line = READY_PREFIX + config.base_url
    if loop_stats is None:
        await server.serve(sockets=[sock])
        return
    server.loop_watch = watch = LoopWatch()
    try:
        await server.serve(sockets=[sock])
    finally:
        await watch.stop()
        await asyncio.to_thread(loop_stats.write_text, json.dumps(watch.report(), indent=1))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where installed (uvicorn[standard] brings it; not on Windows), asyncio's own
    loop otherwise. Measured: 1,000 OCPP chargers sending MeterValues cost the core 0.16
    instead of 0.21 cores; station searches over HTTP were the same within noise."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["charger"]:
        from services.core.ocpp.cli import main as charger_main

        return charger_main(argv[1:])
    if argv and argv[0] in COMMAND_GROUPS:
        return run_command(argv)
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db_path = args.db or default_db_path()
    try:
        count = prepare_database(db_path, args.stations, args.seed)
        warn_demo_credentials(db_path, args.host)
    except sqlite3.Error as exc:
        print(f"voltra-core: cannot use database {db_path}: {exc}", file=sys.stderr)
        return 2
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        print(f"voltra-core: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    config = CoreConfig(host=args.host, port=sock.getsockname()[1], db_path=db_path,
                        stations=args.stations, seed=args.seed,
                        base_url=base_url(args.host, sock, "https" if args.tls_cert else "http"))
    log.info("database %s with %d stations", db_path, count)
    tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(serve(config, sock, args.log_level, tls, args.loop_stats))
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
