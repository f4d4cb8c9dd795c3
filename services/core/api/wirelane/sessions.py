"""``…/sessions``: charging sessions of the organisation (its members' and those on its own
stations), and one of them.

Readings (README): ``organization_type`` emp = sessions of members, cpo/owner = sessions on
the organisation's stations (neither or all: both); ``date_picker_since``/``until`` bound the
session's start, [since, until), ISO 8601 with an offset (none: UTC); ``charge_point_id``
takes label codes, ``charging_point_id`` a point id or EVSE id; no ``order_by``: newest first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.core.api.rest.auth import BearerAuth
from services.core.api.wirelane import params as p
from services.core.api.wirelane.access import organisation_admin
from services.core.api.wirelane.errors import bad_parameter, not_found, unprocessable
from services.core.api.wirelane.render_sessions import STATUS_IN
from services.core.api.wirelane.render_sessions import session as render_session
from services.core.domain.partners import Principal
from services.core.services import charging, organisations
from services.core.store.db import to_iso
from services.core.store.organisation_sessions import SessionQuery

ORDERS = {"sessionId": "uuid", "emp": "id", "ownerId": "operator",
          "chargingStationId": "station", "pointScmId": "connector", "evseid": "evse_id",
          "status": "state", "sessionBegin": "begin", "sessionEnd": "end", "tariff": "tariff",
          "price": "price", "kwh": "energy", "chargingSessionType": "auth_type",
          "chargingType": "current_type", "plugType": "plug_type", "country": "country",
          "city": "city", "zipCode": "zip", "creationDate": "created",
          "updateDate": "updated"}  # fmt: skip
_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?"
                        r"(Z|[+-]\d{2}:?\d{2})?$")


def _moment(params: QueryParams, name: str) -> str | None:
    value = p.text(params, name)
    if value is None:
        return None
    value = value.replace(" ", "+")  # an unencoded '+' in a query string arrives as ' '
    if not _DATE_TIME.match(value):
        raise bad_parameter(name, "must be a date-time like 2017-10-15T16:44:40+0200")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise bad_parameter(name, f"{value!r} is not a valid date-time") from None
    return to_iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _scope(principal: Principal, types: tuple[str, ...]) -> SessionQuery:
    members = not types or "emp" in types
    own = not types or "cpo" in types or "owner" in types
    return SessionQuery(principal.partner_id, principal.operator_id, of_members=members,
                        on_own_stations=own)


def handlers(core: Any, auth: BearerAuth) -> dict[str, Any]:
    async def _query(request: Request, principal: Principal) -> SessionQuery | None:
        q = request.query_params
        base = _scope(principal, p.array(q, "organization_type", ("emp", "cpo", "owner", "")))
        statuses = p.array(q, "status", (*STATUS_IN, ""))
        states = tuple(s for v in statuses for s in STATUS_IN[v])
        since, until = _moment(q, "date_picker_since"), _moment(q, "date_picker_until")
        if since and until and until <= since:
            raise unprocessable("date_picker_until", "must be after date_picker_since")
        codes = p.array(q, "charge_point_id", pattern=p.POINT_ID_PATTERN)
        point = p.matching(q, "charging_point_id", p.SESSION_POINT_PATTERN,
                           "a point id or EVSE id")
        order_by = p.enum(q, "order_by", ORDERS)
        direction = p.enum(q, "order_direction", ("asc", "desc", ""))
        # newest first unless asked otherwise; with an order_by, ascending by default
        descending = direction == "desc" if order_by else direction != "asc"
        connectors: tuple[int, ...] | None = None
        if codes:
            connectors = await core.db(organisations.connector_ids, "code", codes)
        if point is not None:
            key = "id" if point.isdigit() else "evse_id"
            one = await core.db(organisations.connector_ids, key, (point,))
            connectors = tuple(c for c in one if connectors is None or c in connectors)
        if statuses and not states:
            return None
        return SessionQuery(
            base.partner_id, base.operator_id, of_members=base.of_members,
            on_own_stations=base.on_own_stations, states=states, since=since, until=until,
            connector_ids=connectors, operator_party_ids=p.array(q, "owner_id"),
            text=p.text(q, "search"), order=ORDERS[order_by] if order_by else "begin",
            descending=descending)

    async def list_sessions(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        query = await _query(request, holder.principal)
        offset, limit = p.paging(request.query_params)
        if query is None:
            return JSONResponse([])
        await charging.flush(core)
        rows = await core.db(organisations.sessions, query, offset, limit)
        org = holder.principal.organisation
        return JSONResponse([render_session(r, org) for r in rows])

    async def get_session(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        ident = p.path_id(request.path_params["sessionId"], "sessionId")
        await charging.flush(core)
        row = await core.db(organisations.session, _scope(holder.principal, ()), ident)
        if row is None:
            raise not_found("sessionId", f"no session {ident!r} of this organisation")
        return JSONResponse(render_session(row, holder.principal.organisation))

    return {"list": list_sessions, "get": get_session}
