"""The operator's business relations: ``/resources/partners/v2.0`` (fleet organisations with
members among the operator's users), ``/resources/user-groups/v1.0`` (each such
organisation's members: one group per partner, with the partner's id), contract rate
options as ``/resources/subscription-plans/v2.0`` and the users' contracts as
``/resources/subscriptions/v1.0``."""

from __future__ import annotations

import calendar
import contextlib
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.core.api.ampeco import paging, params, respond
from services.core.api.ampeco.access import operator, parse_id
from services.core.api.ampeco.errors import not_found
from services.core.api.ampeco.listing import operator_matches
from services.core.api.ampeco.params import NoMatch
from services.core.api.ampeco.respond import timestamp
from services.core.domain.partners import Principal
from services.core.services import operator_catalogue as catalogue

PARTNERS = "/public-api/resources/partners/v2.0"
GROUPS = "/public-api/resources/user-groups/v1.0"
SUBSCRIPTIONS = "/public-api/resources/subscriptions/v1.0"
PLANS = "/public-api/resources/subscription-plans/v2.0"
STATUSES = ("active", "canceled", "expired", "suspended", "pending")


def _no_record(raw: Any) -> Any:
    """Something the core does not record here (registration numbers, change times, plan
    creation times, external billing): any value selects none."""
    params.text(raw)
    raise NoMatch


PARTNER_FILTERS: dict[str, params.Parser] = {
    "operatorId": params.integers, "search": params.text, "regNo": _no_record,
    "externalId": params.text, "lastUpdatedAfter": _no_record,
    "lastUpdatedBefore": _no_record, "createdAfter": params.moment,
    "createdBefore": params.moment,
}
GROUP_FILTERS: dict[str, params.Parser] = {
    "operatorId": params.integers, "noPartner": params.boolean, "partnerId": params.integer,
    "lastUpdatedAfter": _no_record, "lastUpdatedBefore": _no_record,
    "createdAfter": params.moment, "createdBefore": params.moment,
}
SUBSCRIPTION_FILTERS: dict[str, params.Parser] = {
    "planId": params.integer, "startedAfter": params.moment, "startedBefore": params.moment,
    "endedAfter": params.moment, "endedBefore": params.moment, "endDateFrom": params.moment,
    "endDateTo": params.moment, "status": params.one_of(*STATUSES),
    "statusChangedAfter": params.moment, "statusChangedBefore": params.moment,
    "billedExternally": params.boolean,
}
PLAN_FILTERS: dict[str, params.Parser] = {
    "operatorId": params.integers, "createdAfter": _no_record, "createdBefore": _no_record,
    "lastUpdatedAfter": _no_record, "lastUpdatedBefore": _no_record,
}


def partner(row: dict[str, Any], operator_id: int, include: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": row["id"], "operatorId": operator_id, "name": row["name"],
                           "businessName": row["name"], "regNo": None, "vatNo": None,
                           "address": None, "postcode": None, "city": None, "region": None,
                           "contactDetails": None, "externalId": row.get("organisation")}
    if "notes" in include:
        out["notes"] = []
    return out


def user_group(row: dict[str, Any], operator_id: int) -> dict[str, Any]:
    return {"id": row["id"], "operatorId": operator_id, "name": f"{row['name']} members",
            "partnerId": row["id"],
            "description": f"Drivers of {row['name']} who charge on this network."}


def _months_later(start: datetime, months: int) -> datetime:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return start.replace(year=year, month=month,
                         day=min(start.day, calendar.monthrange(year, month)[1]))


def period_end(created: str, now: datetime | None = None) -> datetime:
    """The end of a monthly contract's current period: the first monthly anniversary of its
    start after now."""
    start = datetime.fromisoformat(created.replace("Z", "+00:00"))
    now = now or datetime.now(UTC)
    months = max(1, (now.year - start.year) * 12 + now.month - start.month)
    end = _months_later(start, months)
    return end if end > now else _months_later(start, months + 1)


def subscription(row: dict[str, Any]) -> dict[str, Any]:
    active = row["status"] == "ACTIVE"
    # the core keeps no cancellation time: a cancelled contract's dates are its start's
    end = period_end(row["created_at"]) if active else _months_later(
        datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")), 1)
    return {"id": row["id"], "planId": row["rate_option_id"], "userId": row["user_id"],
            "startDate": timestamp(row["created_at"]), "endDate": timestamp(end),
            "status": "active" if active else "canceled",
            "statusDate": timestamp(row["created_at"]), "remainingAllowance": None,
            "remainingFreeRenewalPeriods": None, "shouldUseExternalBilling": False}


def plan(row: dict[str, Any], operator_id: int) -> dict[str, Any]:
    return {"id": row["id"], "operatorId": operator_id,
            "name": [{"locale": "en", "translation": row["name"]}],
            "description": [{"locale": "en", "translation": row.get("description") or ""}],
            "renewalCycle": "monthly", "freeRenewalPeriods": None, "type": "post-paid",
            "baseFee": float(row["monthly_fee"]), "billingType": "default",
            "status": "enabled"}


def _partners(rows: list[dict[str, Any]], found: dict[str, Any]) -> list[dict[str, Any]]:
    term = (found.get("search") or "").lower()
    return [r for r in rows
            if (not term or term in r["name"].lower()
                or term in (r.get("organisation") or "").lower())
            and found.get("externalId") in (None, r.get("organisation"))
            and (found.get("createdAfter") is None or r["created_at"] > found["createdAfter"])
            and (found.get("createdBefore") is None or r["created_at"] < found["createdBefore"])]


def _subscriptions(rows: list[dict[str, Any]], found: dict[str, Any]) -> list[dict[str, Any]]:
    if found.get("billedExternally"):
        raise NoMatch
    out = []
    for row in rows:
        item = subscription(row)
        start, end, status = row["created_at"], item["endDate"], item["status"]
        ended = status != "active"
        checks = [
            found.get("planId") in (None, row["rate_option_id"]),
            found.get("status") in (None, status),
            _after(start, found.get("startedAfter")), _before(start, found.get("startedBefore")),
            _after(start, found.get("statusChangedAfter")),
            _before(start, found.get("statusChangedBefore")),
            _after(_store(end), found.get("endDateFrom")), _before(_store(end),
                                                                   found.get("endDateTo")),
            not (found.get("endedAfter") or found.get("endedBefore")) or (
                ended and _after(_store(end), found.get("endedAfter"))
                and _before(_store(end), found.get("endedBefore"))),
        ]
        if all(checks):
            out.append(item)
    return out


def _store(answer_time: str) -> str:
    moment = datetime.fromisoformat(answer_time)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _after(value: str, bound: str | None) -> bool:
    return bound is None or value >= bound


def _before(value: str, bound: str | None) -> bool:
    return bound is None or value <= bound


def routes(core: Any) -> list[Route]:
    async def organisations(principal: Principal) -> list[dict[str, Any]]:
        return await core.db(catalogue.organisations, principal)

    async def list_partners(request: Request) -> Response:
        principal = await operator(core, request)
        win = paging.window(request, page_form=True)
        include = params.includes(request, ("notes",))
        items: list[dict[str, Any]] = []
        try:
            found = params.filters(request, PARTNER_FILTERS)
            operator_matches(principal, found.get("operatorId"))
            op = catalogue.operator_id(principal)
            items = [partner(r, op, include)
                     for r in _partners(await organisations(principal), found)]
        except NoMatch:
            pass
        return respond.json(paging.listing(request, win, items))

    async def read_partner(request: Request) -> Response:
        principal = await operator(core, request)
        # partnerRead documents no 422: an unknown include is left out
        include = params.includes(request, ("notes",), refuse=None)
        wanted = parse_id(request.path_params["partner"], "partner")
        for row in await organisations(principal):
            if row["id"] == wanted:
                return respond.data(partner(row, catalogue.operator_id(principal), include))
        raise not_found(f"No partner with id {wanted}.")

    async def list_groups(request: Request) -> Response:
        principal = await operator(core, request)
        # no 422 documented here: the lenient reading of paging and filters
        win = paging.window(request, page_form=True, refuse=None)
        items: list[dict[str, Any]] = []
        try:
            found = params.filters(request, GROUP_FILTERS, refuse=None)
            operator_matches(principal, found.get("operatorId"))
            if found.get("noPartner"):
                raise NoMatch  # every group is a partner's
            op = catalogue.operator_id(principal)
            items = [user_group(r, op) for r in _partners(await organisations(principal), found)
                     if found.get("partnerId") in (None, r["id"])]
        except NoMatch:
            pass
        return respond.json(paging.listing(request, win, items))

    async def read_group(request: Request) -> Response:
        principal = await operator(core, request)
        wanted = parse_id(request.path_params["userGroup"], "user group")
        for row in await organisations(principal):
            if row["id"] == wanted:
                return respond.data(user_group(row, catalogue.operator_id(principal)))
        raise not_found(f"No user group with id {wanted}.")

    async def list_subscriptions(request: Request) -> Response:
        principal = await operator(core, request)
        win = paging.window(request, page_form=True)
        items: list[dict[str, Any]] = []
        with contextlib.suppress(NoMatch):
            found = params.filters(request, SUBSCRIPTION_FILTERS)
            items = _subscriptions(await core.db(catalogue.contracts, principal), found)
        return respond.json(paging.listing(request, win, items))

    async def read_subscription(request: Request) -> Response:
        principal = await operator(core, request)
        wanted = parse_id(request.path_params["subscription"], "subscription")
        for row in await core.db(catalogue.contracts, principal):
            if row["id"] == wanted:
                return respond.data(subscription(row))
        raise not_found(f"No subscription with id {wanted}.")

    async def list_plans(request: Request) -> Response:
        principal = await operator(core, request)
        win = paging.window(request, page_form=True)
        items: list[dict[str, Any]] = []
        try:
            found = params.filters(request, PLAN_FILTERS)
            operator_matches(principal, found.get("operatorId"))
            op = catalogue.operator_id(principal)
            items = [plan(r, op) for r in await core.db(catalogue.plans)]
        except NoMatch:
            pass
        return respond.json(paging.listing(request, win, items))

    async def read_plan(request: Request) -> Response:
        principal = await operator(core, request)
        wanted = parse_id(request.path_params["subscriptionPlan"], "subscription plan")
        for row in await core.db(catalogue.plans):
            if row["id"] == wanted:
                return respond.data(plan(row, catalogue.operator_id(principal)))
        raise not_found(f"No subscription plan with id {wanted}.")

    return [
        Route(PARTNERS, list_partners, methods=["GET"]),
        Route(f"{PARTNERS}/{{partner}}", read_partner, methods=["GET"]),
        Route(GROUPS, list_groups, methods=["GET"]),
        Route(f"{GROUPS}/{{userGroup}}", read_group, methods=["GET"]),
        Route(SUBSCRIPTIONS, list_subscriptions, methods=["GET"]),
        Route(f"{SUBSCRIPTIONS}/{{subscription}}", read_subscription, methods=["GET"]),
        Route(PLANS, list_plans, methods=["GET"]),
        Route(f"{PLANS}/{{subscriptionPlan}}", read_plan, methods=["GET"]),
    ]
