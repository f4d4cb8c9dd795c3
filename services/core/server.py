"""The core's ASGI application: health, the be.ENERGISED GraphQL endpoint, images, and the
routes other parts of the core contribute.

Adding routes: put a ``routes(core) -> list[BaseRoute]`` function in your module and add the
module's dotted name to ``ROUTE_MODULES``. A module that does not exist yet is skipped (the
parts of the core land at different times); any other import error is raised. ``routes(core)``
runs before the server starts, so it may also append background work to
``core.on_startup`` / ``core.on_shutdown`` (awaited in the app's lifespan) and register
long-lived components in ``core.parts``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import re
from collections.abc import AsyncIterator, Iterable
from typing import Any

from ariadne.asgi import GraphQL
from ariadne.asgi.handlers import GraphQLTransportWSHandler
from ariadne.explorer import ExplorerHttp405
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from services.core.state import Core
from services.core.store.db import schema_version

log = logging.getLogger(__name__)

# Modules exposing ``routes(core)``; add yours here (one line).
ROUTE_MODULES: list[str] = [
    "services.core.api.documents",
    "services.core.api.payments",
    "services.core.ocpp.server",
]

_IMAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                ".svg": "image/svg+xml", ".webp": "image/webp"}


def _health(conn: Any) -> dict[str, Any]:
    stations = conn.execute("SELECT COUNT(*) FROM stations").fetchone()[0]
    return {"status": "ok", "schemaVersion": schema_version(conn), "stations": stations}


def graphql_app(core: Core) -> GraphQL:
    from services.core.api.beenergised.context import on_ws_connect
    from services.core.api.beenergised.errors import AriadneErrorLog, format_error
    from services.core.api.beenergised.execution import (
        FastExecutionContext,
        MaxDepthRule,
        cached_parser,
        cached_validator,
    )
    from services.core.api.beenergised.http_json import OrjsonGraphQLHTTPHandler
    from services.core.api.beenergised.schema import build_schema

    def context(request: Any, _data: Any = None) -> dict[str, Any]:
        # A fresh dict per operation: resolvers may cache per-request facts in it (viewer).
        return {"core": core, "request": request}

    return GraphQL(
        build_schema(),
        context_value=context,
        explorer=ExplorerHttp405(),
        http_handler=OrjsonGraphQLHTTPHandler(),
        websocket_handler=GraphQLTransportWSHandler(on_connect=on_ws_connect),
        error_formatter=format_error,
        query_parser=cached_parser,
        query_validator=cached_validator,
        validation_rules=[MaxDepthRule],
        execution_context_class=FastExecutionContext,
        introspection=True,
        logger=AriadneErrorLog(logging.getLogger("services.core.graphql"), {}),
    )


def _extra_routes(core: Core, modules: Iterable[str]) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                log.debug("route module %s not present", name)
                continue
            raise
        routes.extend(module.routes(core))
    return routes


# No documented request needs more; bigger bodies are refused before they are buffered.
MAX_BODY_BYTES = 1 << 20


class BodyLimit:
    """ASGI middleware: HTTP request bodies above ``limit`` bytes get 413 (declared length
    checked up front, streamed bodies counted as they arrive)."""

    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
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
                await self._refuse(send)

    async def _refuse(self, send: Any) -> None:
        body = json.dumps({"errors": [{"message": f"request body larger than {self.limit} "
                                       "bytes", "extensions": {"code": "BAD_USER_INPUT"}}]})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body.encode()})


class _TooLarge(Exception):
    pass


def create_app(core: Core, extra_modules: Iterable[str] | None = None) -> Starlette:
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

    gql = graphql_app(core)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await core.start()
        try:
            yield
        finally:
            await core.stop()

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/graphql/", gql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql/", gql),
        Route("/images/{name}", image, methods=["GET"]),
    ]
    routes.extend(_extra_routes(core, ROUTE_MODULES if extra_modules is None else extra_modules))
    return Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(BodyLimit)])
