"""What resolvers know about the call: the core and the partner whose key was presented."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from services.core.api.gpjoule.auth import PRINCIPAL
from services.core.domain.offers import Offer
from services.core.domain.partners import Principal
from services.core.services import offers
from services.core.state import Core


def core(info: GraphQLResolveInfo) -> Core:
    return info.context["core"]


def principal(info: GraphQLResolveInfo) -> Principal:
    # KeyedEndpoint refuses every request without a valid key before GraphQL runs.
    return info.context["request"].scope[PRINCIPAL]


async def as_partner(info: GraphQLResolveInfo, fn: Any, *args: Any, **kw: Any) -> Any:
    """``fn(conn, principal, *args, **kw)`` on the store's threads."""
    return await core(info).db(fn, principal(info), *args, **kw)


async def offer(info: GraphQLResolveInfo) -> Offer | None:
    """The partner's offer (coverage and prices), read once per request."""
    ctx = info.context
    if "offer" not in ctx:
        who = principal(info)
        ctx["offer"] = await offers.of_caller(core(info), who.api, who)
    return ctx["offer"]
