"""``…/points``: the charge points (connectors) an organisation can use, and its own ones
it creates and changes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.core.api.rest.auth import BearerAuth
from services.core.api.rest.body import parse_body
from services.core.api.rest.errors import ApiError, field_error
from services.core.api.wirelane import params as p
from services.core.api.wirelane.access import organisation_admin
from services.core.api.wirelane.errors import bad_parameter, not_found
from services.core.api.wirelane.point_body import WIRE_FIELDS, PointBody, domain_input
from services.core.api.wirelane.point_query import NoMatch, parse
from services.core.api.wirelane.render_points import point as render_point
from services.core.domain import own_stations
from services.core.domain.errors import DomainError
from services.core.services import offers, organisations

# pointTypeId -> which connector key pointId is
POINT_KEYS = {"id": "id", "charging_point_id": "id", "evseid": "evse_id",
              "charge_point_id": "code"}


def point_key(request: Request) -> tuple[str, str]:
    kind = p.path_id(request.path_params["pointTypeId"], "pointTypeId")
    if kind not in POINT_KEYS:
        raise bad_parameter("pointTypeId", f"must be one of {', '.join(POINT_KEYS)}")
    ident = p.path_id(request.path_params["pointId"], "pointId", p.POINT_ID_PATTERN)
    if "*" in ident and kind != "evseid":
        raise bad_parameter("pointId", "'*' is allowed only in an EVSE id (pointTypeId evseid)")
    return POINT_KEYS[kind], ident


def handlers(core: Any, auth: BearerAuth) -> dict[str, Any]:
    async def list_points(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        try:
            query = parse(request.query_params, holder.principal)
        except NoMatch:
            p.paging(request.query_params)  # bad paging is still refused
            return JSONResponse([])
        offset, limit = p.paging(request.query_params)
        sold = await offers.of_caller(core, holder.principal.api, holder.principal)
        rows = await core.db(organisations.points, query, offset, limit, sold)
        return JSONResponse([render_point(r) for r in rows])

    async def get_point(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        key, ident = point_key(request)
        sold = await offers.of_caller(core, holder.principal.api, holder.principal)
        row = await core.db(organisations.point, key, ident, sold)
        if row is None:
            raise not_found("pointId", f"no charge point with {request.path_params['pointTypeId']}"
                            f" {ident!r}")
        return JSONResponse(render_point(row))

    async def _input(request: Request) -> tuple[Any, Any]:
        body = await parse_body(request, PointBody)
        try:
            station, connector = domain_input(body)
            own_stations.check(station, connector)
        except DomainError as exc:
            raise domain_refusal(exc) from None
        return station, connector

    async def create_point(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        station, connector = await _input(request)
        try:
            row = await core.db(organisations.create_point, holder.principal, station, connector)
        except DomainError as exc:
            raise domain_refusal(exc) from None
        return JSONResponse(render_point(row), status_code=201)

    async def update_point(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        key, ident = point_key(request)
        station, connector = await _input(request)
        connector_id = await core.db(organisations.connector_id, key, ident)
        if connector_id is None:
            raise not_found("pointId", f"no charge point with {request.path_params['pointTypeId']}"
                            f" {ident!r}")
        try:
            row = await core.db(organisations.update_point, holder.principal, connector_id,
                                station, connector)
        except DomainError as exc:
            raise domain_refusal(exc) from None
        return JSONResponse(render_point(row))

    return {"list": list_points, "get": get_point, "create": create_point,
            "update": update_point}


def domain_refusal(exc: DomainError) -> ApiError:
    """A domain refusal, naming the body's (or path's) field."""
    name = WIRE_FIELDS.get(exc.field or "", exc.field or "body")
    reason = getattr(exc, "reason", None) or exc.message.split(": ", 1)[-1]
    status = {404: 404, 403: 403}.get(exc.http_status, 422)
    if status == 403:
        return field_error(403, name, "this point is not the organisation's own infrastructure")
    return field_error(status, name, reason)
