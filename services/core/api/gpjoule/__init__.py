"""The GP JOULE CONNECT GraphQL API at ``/gpjoule/graphql`` (the document's
``<api-url>/graphql`` with ``<api-url>`` = ``<core>/gpjoule``): a facade the server mounts
(``PREFIX``, ``routes``, ``error_response``). Every call needs a partner's ``x-api-key``."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from services.core.api.graphql.app import error_response

PREFIX = "/gpjoule/"
ENDPOINT = PREFIX + "graphql"

__all__ = ["ENDPOINT", "PREFIX", "error_response", "routes"]


def routes(core: Any) -> list[BaseRoute]:
    from services.core.api.gpjoule.auth import KeyedEndpoint
    from services.core.api.gpjoule.schema import BUDGET, build_schema
    from services.core.api.graphql.app import graphql_app

    def context(request: Any, _data: Any = None) -> dict[str, Any]:
        return {"core": core, "request": request}

    app = graphql_app(build_schema(), context, budget=BUDGET,
                      logger="services.core.gpjoule")  # fmt: skip
    return [Route(ENDPOINT, KeyedEndpoint(core, app), methods=["GET", "POST"])]
