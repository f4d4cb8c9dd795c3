"""``voltra-hardware`` / ``python -m services.hardware``: simulated OCPP 1.6J charge points.

    voltra-hardware --core http://127.0.0.1:8123                  # stations around Berlin
    voltra-hardware --core URL --near 48.137,11.575 --radius 5 --count 50 --speed 60
    voltra-hardware --core URL --all
    voltra-hardware fault --control http://127.0.0.1:PORT STATION disconnect --seconds 10

Prints one line ``Voltra hardware: N stations on CORE; control API on URL`` once started.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys

import httpx

from services.hardware.control import ACTIONS, serve_control
from services.hardware.simulator import Catalog, Simulator
from services.settings import get_settings

log = logging.getLogger("services.hardware")

DEFAULT_NEAR = (52.5200, 13.4050)  # the app's start view (Berlin)
READY_PREFIX = "Voltra hardware: "


def _latlon(value: str) -> tuple[float, float]:
    try:
        lat, lon = (float(x) for x in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected LAT,LON, e.g. 52.52,13.405") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError("latitude must be -90..90, longitude -180..180")
    return lat, lon


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["fault"]:
        p = argparse.ArgumentParser(
            prog="voltra-hardware fault", description="Inject a fault into a running simulator."
        )
        p.add_argument("--control", required=True, help="control API URL the simulator printed")
        p.add_argument("station", help="station id (Cp.id)")
        p.add_argument("action", choices=ACTIONS)
        p.add_argument("--connector", type=int, default=0, help="connector (0 = all)")
        p.add_argument(
            "--seconds",
            type=float,
            default=None,
            help="disconnect: seconds offline; slow: delay per answer",
        )
        p.add_argument(
            "--off",
            action="store_true",
            help="reject_remote_start / no_vehicle / unlock_fails: turn the fault off",
        )
        args = p.parse_args(argv[1:])
        args.command = "fault"
        return args
    p = argparse.ArgumentParser(
        prog="voltra-hardware",
        description="Simulated OCPP 1.6J charge points (with EVs and background drivers) for "
        "the stations of a running Voltra core. Subcommand: 'fault' (see 'fault --help').",
    )
    p.add_argument(
        "--core",
        default=get_settings().core_url,
        help="core base URL, e.g. http://127.0.0.1:8123 (env VOLTRA_CORE_URL)",
    )
    p.add_argument(
        "--near",
        type=_latlon,
        default=None,
        help="LAT,LON centre of the stations to simulate (default Berlin)",
    )
    p.add_argument("--radius", type=float, default=3.0, help="radius in km (default 3)")
    p.add_argument(
        "--count",
        type=int,
        default=None,
        help="at most this many stations (default 200 with --near, all with --all)",
    )
    p.add_argument("--all", action="store_true", help="every station of the core (ignores --near)")
    p.add_argument("--ids", default=None, help="comma-separated station ids instead of a search")
    p.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="simulated time factor: 60 = one minute per second (default 1)",
    )
    p.add_argument(
        "--occupancy",
        type=float,
        default=0.3,
        help="share of connectors background drivers keep busy (default 0.3)",
    )
    p.add_argument("--no-drivers", action="store_true", help="no background drivers")
    p.add_argument(
        "--control-port",
        type=int,
        default=0,
        help="port of the control API on 127.0.0.1 (default: a free one)",
    )
    p.add_argument("--seed", type=int, default=None, help="RNG seed (default: random)")
    p.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])
    args = p.parse_args(argv)
    args.command = "run"
    if not args.core:
        p.error("--core is required (or set VOLTRA_CORE_URL)")
    if args.speed <= 0:
        p.error("--speed must be positive")
    if args.radius <= 0:
        p.error("--radius must be positive")
    if args.count is not None and args.count <= 0:
        p.error("--count must be positive")
    if not 0 <= args.occupancy <= 1:
        p.error("--occupancy must be between 0 and 1")
    return args


async def run(args: argparse.Namespace) -> int:
    cat = Catalog(args.core)
    try:
        if args.ids:
            specs = await cat.by_ids([s.strip() for s in args.ids.split(",") if s.strip()])
        elif args.all:
            specs = await cat.all(args.count)
        else:
            lat, lon = args.near or DEFAULT_NEAR
            specs = await cat.near(lat, lon, args.radius, args.count or 200)
    except (httpx.HTTPError, ValueError) as exc:
        print(f"voltra-hardware: cannot read stations from {args.core}: {exc}", file=sys.stderr)
        return 2
    finally:
        await cat.close()
    if not specs:
        print("voltra-hardware: no stations found for that selection", file=sys.stderr)
        return 2
    sim = Simulator(
        args.core,
        specs=specs,
        speed=args.speed,
        drivers=not args.no_drivers,
        occupancy=args.occupancy,
        seed=args.seed,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await sim.start()
    async with serve_control(sim, args.control_port) as control:
        print(
            f"{READY_PREFIX}{len(specs)} stations on {args.core}; control API on {control}",
            flush=True,
        )
        await stop.wait()
    await sim.stop()
    return 0


def fault(args: argparse.Namespace) -> int:
    body: dict = {"action": args.action, "connector": args.connector, "on": not args.off}
    if args.seconds is not None:
        body["seconds"] = args.seconds
    from urllib.parse import quote

    url = f"{args.control.rstrip('/')}/stations/{quote(args.station, safe='')}/faults"
    try:
        r = httpx.post(url, json=body, timeout=10)
    except httpx.HTTPError as exc:
        print(f"voltra-hardware fault: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(r.json(), indent=1))
    return 0 if r.status_code == 200 else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "fault":
        return fault(args)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("ocpp").setLevel(logging.WARNING)
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
