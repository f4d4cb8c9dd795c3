"""Reservations of a partner's members, for partner APIs that reserve on their behalf
(AMPECO reserve, cancel, list, read): only the members' reservations are visible; another
one answers ``NotFound`` like one that does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.core.domain.errors import NotFound
from services.core.domain.partners import Principal
from services.core.services import partners, reservations
from services.core.services.reservations import Reservation

if TYPE_CHECKING:
    from services.core.state import Core

# A partner listing reads at most this many of its members' reservations at once.
MAX_LISTED = 10_000


async def of_members(core: Core, principal: Principal, status: str | None = None
                     ) -> list[Reservation]:  # fmt: skip
    members = await core.db(partners.visible_user_ids, principal)
    return await reservations.list_for(core, user_ids=members, status=status,
                                       limit=MAX_LISTED)  # fmt: skip


async def get(core: Core, principal: Principal, reservation_id: int, field: str
              ) -> Reservation:  # fmt: skip
    found = await reservations.get(core, reservation_id)
    if not await core.db(partners.can_see_user, principal, found.user_id):
        raise NotFound(f"{field}: no reservation {reservation_id}", field=field)
    return found


async def cancel(core: Core, principal: Principal, reservation_id: int, field: str
                 ) -> Reservation:  # fmt: skip
    await get(core, principal, reservation_id, field)
    return await reservations.cancel(core, reservation_id)
