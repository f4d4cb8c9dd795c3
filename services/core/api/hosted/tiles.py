"""The offline basemap as map tiles: ``GET /tiles/{style}/{z}/{x}/{y}.png`` with style
``light`` or ``dark`` (services/core/basemap). The app uses them when online tiles cannot be
reached; they need no credentials, like any tile server. Answers: 200 image/png; 400 with
``{"error": ...}`` naming the bad part of the path; 503 with Retry-After when the renderer's
queue is full."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.basemap.render import MAX_ZOOM, STYLES
from services.core.basemap.tiles import TileCache
from services.core.cpu_pool import PoolBusy
from services.core.state import Core

# Tiles never change while a core runs; a day's caching lets a viewer skip the round trip.
# Any origin may read them, as from any public tile server: a map in a browser (Flutter web
# fetches tile bytes to decode them) runs on another origin than the core.
HEADERS = {"Cache-Control": "public, max-age=86400", "Access-Control-Allow-Origin": "*"}


def _parse(params: dict) -> tuple[str, int, int, int] | str:
    style = params["style"]
    if style not in STYLES:
        return f"style: must be one of {', '.join(sorted(STYLES))}, not '{style}'"
    numbers = {}
    for name in ("z", "x", "y"):
        try:
            numbers[name] = int(params[name])
        except ValueError:
            return f"{name}: must be a whole number, not '{params[name]}'"
    z, x, y = numbers["z"], numbers["x"], numbers["y"]
    if not 0 <= z <= MAX_ZOOM:
        return f"z: must be between 0 and {MAX_ZOOM}, not {z}"
    for name, value in (("x", x), ("y", y)):
        if not 0 <= value < 2**z:
            return f"{name}: must be between 0 and {2**z - 1} at zoom {z}, not {value}"
    return style, z, x, y


def routes(core: Core) -> list[BaseRoute]:
    cache = TileCache(core.config.assets_dir / "basemap" / "europe.json.gz")

    async def tile(request: Request) -> Response:
        parsed = _parse(request.path_params)
        if isinstance(parsed, str):
            return JSONResponse({"error": parsed}, status_code=400)
        try:
            png = await cache.tile(*parsed)
        except PoolBusy as exc:
            return JSONResponse(
                {"error": str(exc)},
                status_code=503,
                headers={"Retry-After": str(exc.retry_after)},
            )
        return Response(png, media_type="image/png", headers=HEADERS)

    return [Route("/tiles/{style}/{z}/{x}/{y}.png", tile, methods=["GET"])]
