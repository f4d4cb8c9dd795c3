"""The ASGI GraphQL app of a GraphQL facade, with the core's execution, limits and error
handling; and the GraphQL-shaped error response the server uses for refusals (413) on a
GraphQL facade's paths."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson
from ariadne.asgi import GraphQL
from ariadne.asgi.handlers import GraphQLTransportWSHandler
from ariadne.explorer import ExplorerHttp405
from graphql import GraphQLSchema
from starlette.responses import Response

from services.core.api.graphql import errors
from services.core.api.graphql.cost import CostBudget, check_cost
from services.core.api.graphql.errors import AriadneErrorLog, format_error
from services.core.api.graphql.execution import (
    FastExecutionContext,
    MaxDepthRule,
    cached_parser,
    cached_validator,
)
from services.core.api.graphql.http_json import OrjsonGraphQLHTTPHandler

ContextFn = Callable[..., dict[str, Any]]  # (request, data) -> a fresh dict per operation
OnConnect = Callable[[Any, Any], Any]       # (websocket, connection_init payload)

# The budget of one operation (see cost.py and the README): a page of 100 stations with
# every field of the document's fragments three levels deep, or the standard introspection
# query, fit (each costs what ~60 ms of the core's work produce); many aliases of a search,
# or pages of pages, do not.
DEFAULT_BUDGET = CostBudget(maximum=100_000)


def budgeted_parser(schema: GraphQLSchema, budget: CostBudget) -> Callable[[Any, dict], Any]:
    """The cached parser, then the cost check: an over-budget operation is refused before
    validation and execution."""
    def parse_within_budget(context: Any, data: dict) -> Any:
        document = cached_parser(context, data)
        check_cost(schema, document, data, budget)
        return document

    return parse_within_budget


def graphql_app(schema: GraphQLSchema, context: ContextFn, *,
                on_ws_connect: OnConnect | None = None, introspection: bool = True,
                budget: CostBudget = DEFAULT_BUDGET,
                logger: str = "services.core.graphql") -> GraphQL:
    """``context`` must return a new dict per operation: resolvers cache per-request facts
    (the viewer, batch loaders) in it. With ``on_ws_connect`` the app also serves
    subscriptions over graphql-transport-ws."""
    websocket_handler = (GraphQLTransportWSHandler(on_connect=on_ws_connect)
                         if on_ws_connect is not None else None)
    extra = {"websocket_handler": websocket_handler} if websocket_handler else {}
    return GraphQL(
        schema,
        context_value=context,
        explorer=ExplorerHttp405(),
        http_handler=OrjsonGraphQLHTTPHandler(),
        error_formatter=format_error,
        query_parser=budgeted_parser(schema, budget),
        query_validator=cached_validator,
        validation_rules=[MaxDepthRule],
        execution_context_class=FastExecutionContext,
        introspection=introspection,
        logger=AriadneErrorLog(logging.getLogger(logger), {}),
        **extra,
    )


def error_response(status: int, message: str, code: str = errors.BAD_USER_INPUT) -> Response:
    """A refusal before any GraphQL processing, in GraphQL's response shape."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")
