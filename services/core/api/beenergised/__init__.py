"""The be.ENERGISED driver GraphQL API at ``/graphql/`` (and ``feedStatusUpdate`` over
WebSocket on the same path): a facade the server mounts (``PREFIX``, ``routes``,
``error_response``)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route, WebSocketRoute

from services.core.api.graphql.app import error_response, graphql_app

PREFIX = "/graphql/"

__all__ = ["PREFIX", "error_response", "routes"]


def routes(core: Any) -> list[BaseRoute]:
    from services.core.api.beenergised.context import on_ws_connect
    from services.core.api.beenergised.schema import build_schema

    def context(request: Any, _data: Any = None) -> dict[str, Any]:
        return {"core": core, "request": request}

    app = graphql_app(build_schema(), context, on_ws_connect=on_ws_connect)
    return [Route(PREFIX, app, methods=["GET", "POST"]), WebSocketRoute(PREFIX, app)]
