"""``…/members``: an organisation's members, one member, their payment methods and their
subscription (the contract they charge under)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.core.api.rest.auth import BearerAuth
from services.core.api.wirelane import params as p
from services.core.api.wirelane import render_members as render
from services.core.api.wirelane.access import organisation_admin
from services.core.api.wirelane.errors import not_found
from services.core.services import organisations
from services.core.store.db import to_iso

ORDERS = {"email": "email", "status": "state"}
# "revoked" memberships: the core removes a membership instead, so none is ever revoked.
MEMBER_STATES = ("pending", "active", "revoked", "terminated")


def _account(request: Request) -> str:
    return p.path_id(request.path_params["accountId"], "accountId")


def _month(now: datetime) -> tuple[str, str]:
    begin = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = begin.replace(year=begin.year + 1, month=1) if begin.month == 12 \
        else begin.replace(month=begin.month + 1)
    return to_iso(begin), to_iso(end)


def handlers(core: Any, auth: BearerAuth) -> dict[str, Any]:
    async def list_members(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        q = request.query_params
        states = tuple(s for s in p.array(q, "member_status", MEMBER_STATES) if s != "revoked")
        if p.array(q, "member_status") and not states:
            p.paging(q)
            return JSONResponse([])
        order_by = p.enum(q, "order_by", ORDERS)
        descending = p.direction(q)
        text = p.text(q, "search")
        offset, limit = p.paging(q)
        rows = await core.db(organisations.members, holder.principal, states=states, text=text,
                             order=ORDERS[order_by] if order_by else "id",
                             descending=descending, offset=offset, limit=limit)
        return JSONResponse([render.member(r) for r in rows])

    async def _member(request: Request) -> tuple[Any, str]:
        holder = await organisation_admin(request, auth)
        return holder, _account(request)

    def _missing(account: str) -> Exception:
        return not_found("accountId", f"no member {account!r} in this organisation")

    async def get_member(request: Request) -> Response:
        holder, account = await _member(request)
        row = await core.db(organisations.member, holder.principal, account)
        if row is None:
            raise _missing(account)
        return JSONResponse(render.member(row))

    async def payments(request: Request) -> Response:
        holder, account = await _member(request)
        rows = await core.db(organisations.member_payment_methods, holder.principal, account)
        if rows is None:
            raise _missing(account)
        return JSONResponse([render.payment_method(r) for r in rows])

    async def subscriptions(request: Request) -> Response:
        holder, account = await _member(request)
        found = await core.db(organisations.member_contract, holder.principal, account)
        if found is None:
            raise _missing(account)
        row, contract = found
        if contract is None:
            raise not_found("accountId", f"member {account!r} has no subscription")
        return JSONResponse(render.subscription(row, contract, _month(datetime.now(UTC))))

    return {"list": list_members, "get": get_member, "payments": payments,
            "subscriptions": subscriptions}
