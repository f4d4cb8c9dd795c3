"""``POST /api/v4/request``: the partner key, the body (one request type as its only key),
the caller's role, the handler, and the result block on every answer.

Refusals before a handler runs: no or an unknown key 210; a key whose role may not send
this request type 220; a body that is not JSON, not an object with exactly one request type
whose value is an object, or an unknown request type 230. Whatever goes wrong inside, the
answer is a result block, never a bare error page.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from services.core.api.plugsurfing import results as r
from services.core.api.rest.body import read_body
from services.core.api.rest.errors import ApiError, Problem
from services.core.domain import errors as domain_errors
from services.core.domain.offers import Offer
from services.core.domain.partners import Principal
from services.core.services import charging as charging_service
from services.core.services import offers, partners
from services.core.state import Core

log = logging.getLogger("services.core.oioi")

# The largest documented request (station-post with its connectors) is a few kB.
MAX_BODY = 256 * 1024
KEY_PREFIX = "key="


@dataclass
class Call:
    core: Core
    principal: Principal
    request: Request
    kind: str

    async def offer(self) -> Offer | None:
        """What this partner's drivers may charge at and at which prices."""
        return await offers.of_caller(self.core, self.principal.api, self.principal)


@dataclass
class Reply:
    """A handler's answer: the body without the result block, and the success code."""

    body: dict[str, Any] = field(default_factory=dict)
    code: int = r.SUCCESS


Handler = Callable[[Call, Any], Awaitable[dict[str, Any] | Reply]]


@dataclass(frozen=True)
class RequestType:
    role: str | None  # "oem", "cpo", or None for both
    handler: Handler


def respond(body: dict[str, Any], code: int = r.SUCCESS, message: str = "Success.",
            headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    return Response(orjson.dumps({**body, "result": r.result(code, message)}),
                    status_code=r.http_status(code), headers=headers,
                    media_type="application/json")  # fmt: skip


def refuse(code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(r.error_body(code, message)), status_code=r.http_status(code),
                    headers=headers, media_type="application/json")  # fmt: skip


_PROBLEM_CODES = {401: r.INVALID_KEY, 403: r.KEY_NOT_ALLOWED, 429: r.AUTH_FAILED,
                  500: r.SYSTEM_ERROR}  # fmt: skip


def envelope(problem: Problem) -> tuple[int, dict[str, Any]]:
    """Refusals of the REST machinery (unknown path or method, oversized body, bugs) in
    the result format; every other status is a request format error (230)."""
    code = _PROBLEM_CODES.get(problem.status, r.INVALID_FORMAT)
    status = problem.status if problem.status in (404, 405, 413) else r.http_status(code)
    return status, r.error_body(code, problem.message)


def presented_key(request: Request) -> str | None:
    raw = (request.headers.get("authorization") or "").strip()
    if raw[: len(KEY_PREFIX)].lower() != KEY_PREFIX:
        return None
    return raw[len(KEY_PREFIX):].strip() or None


def _domain_error(exc: domain_errors.DomainError) -> r.OioiError:
    if isinstance(exc, domain_errors.BadInput):
        return r.OioiError(r.INVALID_FORMAT, exc.message)
    if isinstance(exc, domain_errors.NotFound):
        return r.OioiError(r.NOT_FOUND, exc.message)
    if isinstance(exc, domain_errors.Unauthenticated):
        return r.OioiError(r.AUTH_FAILED, exc.message)
    if isinstance(exc, domain_errors.Forbidden):
        return r.OioiError(r.KEY_NOT_ALLOWED, exc.message)
    return r.OioiError(r.CLIENT_ERROR, exc.message)


def _request_of(raw: bytes, types: dict[str, RequestType]) -> tuple[str, Any, RequestType]:
    if not raw.strip():
        raise r.bad_format("body", "a JSON object with one request type is required")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise r.bad_format("body", f"not valid JSON ({exc.msg} at character {exc.pos})"
                           ) from None  # fmt: skip
    if not isinstance(data, dict):
        raise r.bad_format("body", "must be a JSON object keyed by the request type")
    if len(data) != 1:
        raise r.bad_format("body", f"must hold exactly one request type, not {len(data)}")
    kind, fields = next(iter(data.items()))
    rtype = types.get(kind)
    if rtype is None:
        raise r.bad_format("body", f"unknown request type '{kind[:60]}'")
    if not isinstance(fields, dict):
        raise r.bad_format(kind, "must be a JSON object")
    return kind, fields, rtype


def endpoint(core: Core, types: dict[str, RequestType]) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        key = presented_key(request)
        if key is None:
            return refuse(r.INVALID_KEY, "Authorization: send 'Authorization: key=<API key>'")
        principal = await core.db(partners.authenticate, "plugsurfing", key)
        if principal is None:
            return refuse(r.INVALID_KEY, "Authorization: invalid API key")
        try:
            kind, fields, rtype = _request_of(await read_body(request, MAX_BODY), types)
            if rtype.role is not None and rtype.role != principal.role:
                raise r.OioiError(r.KEY_NOT_ALLOWED, f"{kind}: this API key (role "
                                  f"{principal.role}) may not send it; role {rtype.role} may")
            reply = await rtype.handler(Call(core, principal, request, kind), fields)
        except r.OioiError as exc:
            return refuse(exc.code, exc.message, exc.headers)
        except ApiError as exc:
            code, body = envelope(exc.problem)
            return Response(orjson.dumps(body), status_code=code, media_type="application/json")
        except domain_errors.DomainError as exc:
            err = _domain_error(exc)
            return refuse(err.code, err.message)
        except charging_service.ChargingUnavailable as exc:
            return refuse(r.CPO_ERROR, str(exc))
        if isinstance(reply, Reply):
            return respond(reply.body, reply.code)
        return respond(reply)

    return handle
