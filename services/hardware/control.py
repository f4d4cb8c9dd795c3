"""A small HTTP control API for a running simulator, on 127.0.0.1 only.

    GET  /stations                       stations, online flag, connector statuses
    POST /stations/{id}/faults           {"action": ..., ...} -> the station afterwards

Actions: ``disconnect`` (``seconds`` offline, default 10), ``reconnect``, ``faulted`` /
``clear`` (``connector``, 0 = all), ``reject_remote_start`` / ``no_vehicle`` (``on``: bool,
default true), ``slow`` (``seconds`` of delay before each answer; 0 turns it off),
``plug_in`` / ``unplug`` (``connector``).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.hardware.charger import SimStation
from services.hardware.ev import random_vehicle
from services.hardware.simulator import Simulator

ACTIONS = (
    "disconnect",
    "reconnect",
    "faulted",
    "clear",
    "reject_remote_start",
    "no_vehicle",
    "unlock_fails",
    "slow",
    "plug_in",
    "unplug",
)


def station_view(st: SimStation) -> dict[str, Any]:
    return {
        "id": st.identity,
        "online": st.online.is_set(),
        "queued": len(st.outbox),
        "faults": {
            "reject_remote_start": st.faults.reject_remote_start,
            "no_vehicle": st.faults.no_vehicle,
            "unlock_fails": st.faults.unlock_fails,
            "slow_s": st.faults.slow_s,
        },
        "connectors": [
            {
                "connector": c.number,
                "status": c.status,
                "type": c.spec.current_type,
                "max_kw": c.spec.max_kw,
                "meter_wh": c.meter_wh,
                "power_w": round(c.power_w),
                "soc": round(c.vehicle.soc, 1) if c.vehicle else None,
                "transaction": c.tx.id if c.tx else None,
                "reservation": c.reservation.id if c.reservation else None,
            }
            for c in st.connectors.values()
        ],
    }


async def apply_fault(st: SimStation, body: dict[str, Any], rng: Any) -> None:
    action = body.get("action")
    if action not in ACTIONS:
        raise ValueError(f"action: must be one of {', '.join(ACTIONS)}")
    connector = int(body.get("connector", 0))
    if connector and connector not in st.connectors:
        raise ValueError(f"connector: station has no connector {connector}")
    on = bool(body.get("on", True))
    if action == "disconnect":
        await st.disconnect(offline_s=float(body.get("seconds", 10)))
    elif action == "reconnect":
        st.reconnect_now()
    elif action in ("faulted", "clear"):
        st.set_faulted(connector, action == "faulted")
    elif action == "reject_remote_start":
        st.faults.reject_remote_start = on
    elif action == "no_vehicle":
        st.faults.no_vehicle = on
    elif action == "unlock_fails":
        st.faults.unlock_fails = on
    elif action == "slow":
        st.faults.slow_s = max(0.0, float(body.get("seconds", 5)))
    elif action == "plug_in":
        for c in st.targets(connector or 1):
            if c.vehicle is None:
                c.plug_in(random_vehicle(rng))
    elif action == "unplug":
        for c in st.targets(connector or 1):
            c.unplug()


def create_control_app(sim: Simulator) -> Starlette:
    async def stations(_request: Request) -> JSONResponse:
        return JSONResponse([station_view(s) for s in sim.stations.values()])

    async def faults(request: Request) -> JSONResponse:
        st = sim.stations.get(request.path_params["sid"])
        if st is None:
            return JSONResponse({"error": "station: not simulated here"}, status_code=404)
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("body: must be a JSON object")
            await apply_fault(st, body, sim.rng)
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        return JSONResponse(station_view(st))

    return Starlette(
        routes=[
            Route("/stations", stations, methods=["GET"]),
            Route("/stations/{sid:path}/faults", faults, methods=["POST"]),
        ]
    )


@contextlib.asynccontextmanager
async def serve_control(sim: Simulator, port: int = 0):  # type: ignore[no-untyped-def]
    """Run the control API on 127.0.0.1; yields its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    server = uvicorn.Server(
        uvicorn.Config(create_control_app(sim), log_level="warning", lifespan="off")
    )
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)
        sock.close()
