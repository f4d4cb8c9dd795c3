"""The core's ASGI application: health, images, the API facades and the other parts of the
core that serve routes.

``FACADES`` lists the API facades, one module each, mounted at its own prefix. A facade
module exposes:

- ``PREFIX``: where its paths start (e.g. ``"/graphql/"``, ``"/wirelane/"``); every route
  it returns must lie under it;
- ``routes(core) -> list[BaseRoute]``;
- ``error_response(status, message) -> Response``: a refusal in that API's own error format
  (the server answers oversized bodies under ``PREFIX`` with it).

``PARTS`` lists the other modules with ``routes(core)`` (hosted pages, the OCPP central
system). Adding one = one line. A module that fails to import fails start-up. ``routes(core)``
runs before the server starts, so it may also append background work to
``core.on_startup`` / ``core.on_shutdown`` (awaited in the app's lifespan) and register
long-lived components as typed attributes of the core (e.g. ``core.gateway``).
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import AsyncIterator, Callable, Iterable
from types import ModuleType
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from services.core.state import Core
from services.core.store.db import schema_version

# The API facades; a new API joins with one line.
FACADES: list[str] = [
    "services.core.api.ampeco",
    "services.core.api.beenergised",
    "services.core.api.gpjoule",
    "services.core.api.plugsurfing",
    "services.core.api.wirelane",
]

# Everything else that serves routes.
PARTS: list[str] = [
    "services.core.api.hosted.documents",
    "services.core.api.hosted.payments",
    "services.core.api.hosted.tiles",
    "services.core.ocpp.server",
]

_IMAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                ".svg": "image/svg+xml", ".webp": "image/webp"}


def _health(conn: Any) -> dict[str, Any]:
    stations = conn.execute("SELECT COUNT(*) FROM stations").fetchone()[0]
    return {"status": "ok", "schemaVersion": schema_version(conn), "stations": stations}


Refusal = Callable[[int, str], Response]


def plain_error(status: int, message: str) -> Response:
    """Refusals on paths no facade owns."""
    return Response(orjson.dumps({"error": message}), status_code=status,
                    media_type="application/json")


class FacadeRouting:
    """Which facade a path belongs to (longest matching prefix), for answers given before
    the request reaches it."""

    def __init__(self) -> None:
        self._prefixes: list[tuple[str, Refusal]] = []

    def add(self, prefix: str, refusal: Refusal) -> None:
        self._prefixes.append((prefix, refusal))
        self._prefixes.sort(key=lambda item: len(item[0]), reverse=True)

    def refusal(self, path: str) -> Refusal:
        for prefix, refusal in self._prefixes:
            if path.startswith(prefix) or path == prefix.rstrip("/"):
                return refusal
        return plain_error


def _route_paths(route: BaseRoute) -> Iterable[str]:
    if isinstance(route, Mount):
        yield route.path + "/"
    elif isinstance(route, Route | WebSocketRoute):
        yield route.path


def _facade_routes(core: Core, name: str, routing: FacadeRouting) -> list[BaseRoute]:
    module: ModuleType = importlib.import_module(name)
    prefix: str = module.PREFIX
    routes = module.routes(core)
    for route in routes:
        for path in _route_paths(route):
            if not path.startswith(prefix):
                raise RuntimeError(f"facade {name}: route {path} lies outside its "
                                   f"prefix {prefix}")
    routing.add(prefix, module.error_response)
    return routes


def _part_routes(core: Core, name: str) -> list[BaseRoute]:
    return importlib.import_module(name).routes(core)


# No documented request needs more; bigger bodies are refused before they are buffered.
MAX_BODY_BYTES = 1 << 20


class BodyLimit:
    """ASGI middleware: HTTP request bodies above ``limit`` bytes get 413 (declared length
    checked up front, streamed bodies counted as they arrive), in the error format of the
    facade the path belongs to."""

    def __init__(self, app: Any, routing: FacadeRouting, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.routing = routing
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def tracking_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        async def counting_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:  # else the handler already answered; nothing more to say
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: dict, receive: Any, send: Any) -> None:
        refusal = self.routing.refusal(scope.get("path", ""))
        response = refusal(413, f"request body larger than {self.limit} bytes")
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def create_app(core: Core, facades: Iterable[str] | None = None,
               parts: Iterable[str] | None = None) -> Starlette:
    async def healthz(_request: Request) -> Response:
        return JSONResponse(await core.db(_health))

    async def image(request: Request) -> Response:
        name = request.path_params["name"]
        path = core.config.assets_dir / "stations" / name
        suffix = path.suffix.lower()
        if not _IMAGE_NAME.match(name) or suffix not in _IMAGE_TYPES or not path.is_file():
            return JSONResponse({"error": f"image '{name}' not found"}, status_code=404)
        return FileResponse(
            path, media_type=_IMAGE_TYPES[suffix], headers={"Cache-Control": "max-age=86400"}
        )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await core.start()
        try:
            yield
        finally:
            await core.stop()

    routing = FacadeRouting()
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/images/{name}", image, methods=["GET"]),
    ]
    for name in FACADES if facades is None else facades:
        routes.extend(_facade_routes(core, name, routing))
    for name in PARTS if parts is None else parts:
        routes.extend(_part_routes(core, name))
    async def not_found(request: Request, _exc: Exception) -> Response:
        # e.g. a path parameter with a newline, which no route pattern matches
        return routing.refusal(request.url.path)(404, f"no such path: {request.url.path[:200]}")

    return Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: not_found},
                     middleware=[Middleware(BodyLimit, routing=routing)])
