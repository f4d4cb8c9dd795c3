"""The offer a caller of an API sees (domain/offers.py): facades ask once per request and
pass it to the listings, lookups and the start, so that coverage and prices are the same
everywhere that API answers.

A partner always covers its own infrastructure (the operator linked to it, e.g. a
Wirelane organisation's own points), whatever its offer lists.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from services.core.domain.offers import Offer, check, priced_connector, with_own_operator
from services.core.domain.partners import Principal
from services.core.store import offers as offer_store

if TYPE_CHECKING:
    from services.core.state import Core


def offer_for(conn: sqlite3.Connection, api: str, principal: Principal | None = None
              ) -> Offer | None:  # fmt: skip
    """The offer ``api`` makes to ``principal`` (None: the API's own audience, e.g. the
    drivers of be.ENERGISED). None: no offer stored, every station at its base price."""
    offer = offer_store.offer_for(conn, api, principal.partner_id if principal else None)
    if offer is None or principal is None:
        return offer
    return with_own_operator(offer, principal.operator_id)


def set_offer(conn: sqlite3.Connection, offer: Offer) -> int:
    """Make ``offer`` its audience's offer (checked first: BadInput names a field that
    cannot mean anything); returns its id."""
    check(offer)
    return offer_store.save(conn, offer)


def clear_offer(conn: sqlite3.Connection, api: str, partner_id: int | None = None) -> bool:
    """Remove the audience's own offer; False when it had none."""
    return offer_store.delete(conn, api, partner_id)


def all_offers(conn: sqlite3.Connection) -> list[Offer]:
    return offer_store.all_offers(conn)


async def of_caller(core: Core, api: str, principal: Principal | None = None) -> Offer | None:
    return await core.db(offer_for, api, principal)


def covers(offer: Offer | None, station: dict[str, Any] | None) -> bool:
    """Whether ``station`` (a station row) exists for the offer's audience."""
    return station is not None and (offer is None or offer.covers_station(station))


def priced(offer: Offer | None, connectors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Connector rows with the prices ``offer`` sells them at."""
    if offer is None or offer.pricing.is_base:
        return connectors
    return [priced_connector(offer, c) for c in connectors]
