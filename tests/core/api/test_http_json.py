"""GraphQL HTTP responses encoded with orjson: same status rule and same JSON values as
ariadne's own handler (Starlette's JSONResponse)."""

from __future__ import annotations

import asyncio
import json

from ariadne.asgi.handlers import GraphQLHTTPHandler
from starlette.requests import Request

from services.core.api.graphql.http_json import OrjsonGraphQLHTTPHandler

REQUEST = Request({"type": "http", "method": "POST", "headers": []})


def _both(result: dict, success: bool) -> tuple:
    ours = asyncio.run(OrjsonGraphQLHTTPHandler().create_json_response(REQUEST, result, success))
    theirs = asyncio.run(GraphQLHTTPHandler().create_json_response(REQUEST, result, success))
    return ours, theirs


def test_same_values_and_status() -> None:
    result = {"data": {"cp": {"id": "ü-1", "lat": 52.52, "tiny": 1e-05, "n": 3, "ok": True,
                              "none": None, "list": [1.5, "x"]}}}
    ours, theirs = _both(result, True)
    assert ours.status_code == theirs.status_code == 200
    assert ours.headers["content-type"] == theirs.headers["content-type"] == "application/json"
    assert json.loads(ours.body) == json.loads(theirs.body) == result
    assert ours.body == theirs.body.replace(b"1e-05", b"0.00001")  # only number spelling


def test_errors_without_data_are_400() -> None:
    result = {"data": None, "errors": [{"message": "bad", "extensions": {"code": "X"}}]}
    ours, theirs = _both(result, False)
    assert ours.status_code == theirs.status_code == 400
    assert json.loads(ours.body) == result


def test_values_orjson_refuses_fall_back() -> None:
    result = {"data": {"big": 2**70}}
    ours, _ = _both(result, True)
    assert ours.status_code == 200 and json.loads(ours.body) == result
