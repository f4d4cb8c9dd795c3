"""A facade whose route lies outside its declared prefix (the server must refuse it)."""

from typing import Any

from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route

from services.core.api.rest.errors import refusal

PREFIX = "/astray/"
error_response = refusal(lambda problem: {"message": problem.message})


def routes(_core: Any) -> list[BaseRoute]:
    return [Route("/elsewhere", lambda _r: PlainTextResponse("x"))]
