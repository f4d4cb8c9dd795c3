"""Request bodies of a REST facade: read with a size limit, parsed as JSON, validated into a
pydantic model; every refusal names the field and the reason, in the facade's format."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.requests import Request

from services.core.api.rest.errors import ApiError, FieldError

T = TypeVar("T")

# The documented REST requests are small; the server's own limit (1 MiB) still applies.
MAX_JSON_BODY = 256 * 1024


async def read_body(request: Request, limit: int = MAX_JSON_BODY) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"request body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(request: Request, limit: int = MAX_JSON_BODY) -> Any:
    raw = await read_body(request, limit)
    if not raw.strip():
        raise ApiError(400, "body: a JSON body is required",
                       errors=(FieldError("body", "a JSON body is required"),))
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        # orjson's message names the position, never echoes the body
        reason = f"not valid JSON ({exc.msg} at character {exc.pos})"
        raise ApiError(400, f"body: {reason}", errors=(FieldError("body", reason),)) from None


def field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def validation_errors(exc: ValidationError) -> tuple[FieldError, ...]:
    return tuple(FieldError(field_path(err["loc"]), err["msg"])
                 for err in exc.errors(include_url=False, include_input=False))


def validated(data: Any, model: type[T], status: int = 422) -> T:
    """``data`` as ``model`` (a pydantic model or any type pydantic accepts)."""
    try:
        if isinstance(model, type) and issubclass(model, BaseModel):
            return model.model_validate(data)  # type: ignore[return-value]
        return TypeAdapter(model).validate_python(data)
    except ValidationError as exc:
        errors = validation_errors(exc)
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ApiError(status, f"{first.field}: {first.reason}{more}", errors=errors) from None


async def parse_body(request: Request, model: type[T], limit: int = MAX_JSON_BODY,
                     status: int = 422) -> T:
    return validated(await json_body(request, limit), model, status)
