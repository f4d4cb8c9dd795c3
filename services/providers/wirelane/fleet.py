"""An organisation's members, with how many payment methods each has and their
subscription: what a fleet manager looks at."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime

from services import models as m
from services.provider import InvalidInput, NotFound

from . import adapter
from . import requests as R
from . import wire as w
from .client import WirelaneClient

DETAIL_CONCURRENCY = 4  # member detail requests in flight at once


class FleetReader:
    def __init__(self, api: WirelaneClient) -> None:
        self.api = api

    async def members(
        self,
        *,
        statuses: Iterable[m.FleetMemberStatus] = (),
        search: str | None = None,
        details: bool = True,
    ) -> list[m.FleetMember]:
        """By e-mail; ``details``: with payment methods and subscription (two requests per
        member, a few at a time)."""
        raw = await self.api.get_all(
            R.members_path(self.api.organisation_id),
            R.member_params(statuses=[s.value.lower() for s in statuses], search=search),
        )
        members = [w.Member.model_validate(r) for r in raw]
        if not details:
            return [adapter.member(x) for x in members]
        gate = asyncio.Semaphore(DETAIL_CONCURRENCY)

        async def detailed(x: w.Member) -> m.FleetMember:
            async with gate:
                return await self._with_details(x)

        return list(await asyncio.gather(*(detailed(x) for x in members)))

    async def member(self, member_id: str, *, details: bool = True) -> m.FleetMember:
        if not member_id:
            raise InvalidInput("No member given.", field="member_id")
        try:
            raw = await self.api.get(R.member_path(self.api.organisation_id, member_id))
        except NotFound:
            raise NotFound("This member is not in the organisation.", detail=member_id) from None
        member = w.Member.model_validate(raw)
        if not details:
            found = adapter.member(member)
            found.id = found.id or member_id
            return found
        return await self._with_details(member, member_id)

    async def _with_details(
        self, member: w.Member, account_id: str | None = None
    ) -> m.FleetMember:
        account_id = member.account_id or account_id or ""
        path = R.member_path(self.api.organisation_id, account_id)
        payments, subscription = await asyncio.gather(
            self.api.get(path + "/payments"), self._subscription(path)
        )
        found = adapter.member(
            member,
            payment_methods=len(payments) if isinstance(payments, list) else None,
            subscription_=subscription,
        )
        found.id = found.id or account_id
        return found

    async def _subscription(self, member_path: str) -> m.FleetSubscription | None:
        try:
            raw = await self.api.get(member_path + "/subscriptions")
        except NotFound:
            return None  # no subscription
        if isinstance(raw, list):  # tolerated: a list of them, the current one first
            subs = [adapter.subscription(w.Subscription.model_validate(s)) for s in raw]
            now = datetime.now(UTC)
            current = [s for s in subs if adapter.is_current(s, now)]
            return (current or subs or [None])[0]
        if not raw:
            return None
        return adapter.subscription(w.Subscription.model_validate(raw))
