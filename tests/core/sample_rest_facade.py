"""A REST facade built only from services.core.api.rest, as the REST APIs will be: an
envelope in the AMPECO style (``message`` + ``errors`` per field), bearer auth, a JSON body
model and both paging styles."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from services.core.api.rest import paging
from services.core.api.rest.app import mount
from services.core.api.rest.auth import BearerAuth, HeaderKeyAuth
from services.core.api.rest.body import parse_body
from services.core.api.rest.errors import ApiError, Problem, refusal

PREFIX = "/sample-api/"
TOKENS = {"good-token": "partner-1"}
ITEMS = [{"id": i} for i in range(1, 46)]


def envelope(problem: Problem) -> dict[str, Any]:
    body: dict[str, Any] = {"message": problem.message}
    if problem.errors:
        body["errors"] = {e.field: [e.reason] for e in problem.errors}
    return body


error_response = refusal(envelope)
bearer = BearerAuth(TOKENS.get)


async def _async_lookup(key: str) -> str | None:
    return {"k-1": "client-1"}.get(key)


api_key = HeaderKeyAuth("x-api-key", _async_lookup)


class Connector(BaseModel):
    id: int = Field(ge=1)


class StartRequest(BaseModel):
    connector: Connector
    card: str = Field(min_length=4, max_length=32)


async def start(request: Request) -> JSONResponse:
    who = await bearer(request)
    body = await parse_body(request, StartRequest)
    return JSONResponse({"by": who, "connector": body.connector.id, "card": body.card},
                        status_code=201)


async def items(request: Request) -> JSONResponse:
    await api_key(request)
    page = paging.page_params(request.query_params)
    return JSONResponse({"data": ITEMS[page.offset:page.offset + page.limit],
                         "meta": {"lastPage": page.last_page(len(ITEMS))}})


async def items_by_cursor(request: Request) -> JSONResponse:
    await api_key(request)
    cursor = paging.cursor_params(request.query_params)
    after = int((cursor.position or {}).get("after", 0))
    chunk = [i for i in ITEMS if i["id"] > after][:cursor.limit]
    more = chunk and chunk[-1]["id"] < ITEMS[-1]["id"]
    nxt = paging.encode_cursor({"after": chunk[-1]["id"]}) if more else None
    return JSONResponse({"data": chunk, "next": nxt})


async def busy(_request: Request) -> JSONResponse:
    raise ApiError(429, "too many requests", headers={"Retry-After": "3"})


async def broken(_request: Request) -> JSONResponse:
    raise RuntimeError("secret internals /var/lib/x.sqlite3")


def routes(_core: Any) -> list[BaseRoute]:
    return [mount(PREFIX, [
        Route("/sessions", start, methods=["POST"]),
        Route("/items", items, methods=["GET"]),
        Route("/items-by-cursor", items_by_cursor, methods=["GET"]),
        Route("/busy", busy, methods=["GET"]),
        Route("/broken", broken, methods=["GET"]),
    ], envelope)]
