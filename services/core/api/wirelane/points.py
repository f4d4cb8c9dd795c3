"""``…/points``: the charge points (connectors) an organisation can use, and its own ones
it creates and changes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.core.api.rest.auth import BearerAuth
from services.core.api.wirelane import params as p
from services.core.api.wirelane.access import organisation_admin
from services.core.api.wirelane.errors import bad_parameter, not_found
from services.core.api.wirelane.point_query import NoMatch, parse
from services.core.api.wirelane.render_points import point as render_point
from services.core.services import organisations

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
        rows = await core.db(organisations.points, query, offset, limit)
        return JSONResponse([render_point(r) for r in rows])

    async def get_point(request: Request) -> Response:
        await organisation_admin(request, auth)
        key, ident = point_key(request)
        row = await core.db(organisations.point, key, ident)
        if row is None:
            raise not_found("pointId", f"no charge point with {request.path_params['pointTypeId']}"
                            f" {ident!r}")
        return JSONResponse(render_point(row))

    return {"list": list_points, "get": get_point}
