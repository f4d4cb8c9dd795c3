"""The offer an audience sees (an API, or one partner of it), for starts that reach the core
without a facade in between to ask for it: a card tapped at the charger is billed at the
offer of the API that issued the card (``cards.api``, ``cards.partner_id``), a paid hosted
page at the offer of the API that opened it. Facades ask ``services.offers.offer_for``,
which gives the same answer for the same audience."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from services.core.domain.offers import Offer, with_own_operator
from services.core.store import offers as offer_store


def audience_offer(conn: sqlite3.Connection, api: str, partner_id: int | None
                   ) -> Offer | None:  # fmt: skip
    """The partner's offer on ``api`` (with its own infrastructure), else the API's, else
    None (every station at its base price)."""
    offer = offer_store.offer_for(conn, api, partner_id)
    if offer is None or partner_id is None:
        return offer
    row = conn.execute("SELECT operator_id FROM partners WHERE id = ?", (partner_id,)
                       ).fetchone()  # fmt: skip
    return with_own_operator(offer, row["operator_id"] if row is not None else None)


def card_offer(conn: sqlite3.Connection, card: Mapping[str, Any]) -> Offer | None:
    """The offer a card is billed at: that of the API (and partner) that issued it."""
    return audience_offer(conn, card["api"], card["partner_id"])


def covers_station(offer: Offer | None, conn: sqlite3.Connection, station_id: int) -> bool:
    """Whether ``offer`` sells the station with id ``station_id`` (no offer sells all)."""
    if offer is None:
        return True
    row = conn.execute("SELECT id, operator_id, latitude, longitude FROM stations WHERE id = ?",
                       (station_id,)).fetchone()  # fmt: skip
    return row is not None and offer.covers_station(row)
