"""Request bodies of the AMPECO actions, whose fields are all optional or that clients send
without a body at all: an empty body reads as ``{}``; anything else must be a JSON object
valid for the model (422 naming the field otherwise)."""

from __future__ import annotations

from typing import TypeVar

import orjson
from pydantic import BaseModel
from starlette.requests import Request

from services.core.api.ampeco.errors import invalid
from services.core.api.rest.body import read_body, validated

M = TypeVar("M", bound=BaseModel)


async def optional_body(request: Request, model: type[M]) -> M:
    raw = await read_body(request)
    try:
        data = orjson.loads(raw) if raw.strip() else {}
    except orjson.JSONDecodeError:
        raise invalid("body", "must be a JSON object.") from None
    return validated(data, model)
