"""Per account: whether it can start at a connector and what the driver's typical session
(Settings) costs with its tariff, cheapest first; the station order "cheapest for me".

The merged provider lists every connector's offers; they are priced again here with the
typical session the driver set, so the station screen, the list and the start agree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import Translator
from app.settings import Settings
from services.models import (
    Card,
    Connector,
    ConnectorOffer,
    Cost,
    Station,
    Tariff,
    TypicalSession,
)
from services.multi import offers as rules
from services.multi.pricing import sort_key, typical_cost

# The merged provider's reasons (its own words) -> translation keys
REASON_KEYS = {
    rules.NO_REMOTE_START: "offer.reason.no_remote_start",
    rules.NO_ACTIVE_CARD: "offer.reason.no_active_card",
    rules.CARDS_UNKNOWN: "offer.reason.cards_unknown",
}


@dataclass(frozen=True)
class OfferLine:
    """One account's offer at one connector, as the station screen shows it."""

    account_id: str
    name: str
    can_start: bool
    reason: str | None  # translated
    cost: Cost | None
    tariff: Tariff | None


def typical_session(settings: Settings) -> TypicalSession:
    return TypicalSession(energy_kwh=settings.typical_kwh, minutes=settings.typical_minutes)


def reason_text(t: Translator, reason: str | None) -> str | None:
    if reason is None:
        return None
    key = REASON_KEYS.get(reason)
    if key is None and reason.startswith("Charging cannot be started"):
        key = "offer.reason.no_charging"
    return t(key) if key else reason


def priced(offers: Iterable[ConnectorOffer], typical: TypicalSession) -> list[ConnectorOffer]:
    """``offers`` with the typical session's cost under each tariff, cheapest first."""
    return rules.ranked(
        o.model_copy(
            update={"typical_cost": typical_cost(o.tariff, typical) if o.tariff else None}
        )
        for o in offers
    )


def connector_offers(connector: Connector, typical: TypicalSession) -> list[ConnectorOffer]:
    return priced(connector.offers, typical)


def best_offer(station: Station, typical: TypicalSession) -> ConnectorOffer | None:
    """The cheapest offer an account can start with, over the station's connectors (a
    listing without connector offers: the station's own per-account offers)."""
    offers = [o for c in station.connectors for o in c.offers] or list(station.offers)
    return next((o for o in priced(offers, typical) if o.can_start), None)


def cheapest_for_me(stations: Iterable[Station], typical: TypicalSession) -> list[Station]:
    """Where the driver can start, cheapest typical session first (nearest first at one
    price); then the stations no account can start at, nearest first."""

    def key(s: Station) -> tuple:
        best = best_offer(s, typical)
        distance = s.distance_km if s.distance_km is not None else float("inf")
        if best is None:
            return (True, True, 0.0, distance)
        return (False, *sort_key(best.typical_cost), distance)

    return sorted(stations, key=key)


def lines(
    t: Translator, names: dict[str, str], connector: Connector, typical: TypicalSession
) -> list[OfferLine]:
    return [
        OfferLine(
            o.account_id,
            names.get(o.account_id, o.account_id),
            o.can_start,
            reason_text(t, o.reason),
            o.typical_cost,
            o.tariff,
        )
        for o in connector_offers(connector, typical)
    ]


def cards_by_price(
    cards: Iterable[Card], connector: Connector | None, typical: TypicalSession
) -> list[Card]:
    """Cards of accounts that can start at ``connector`` first, cheapest account first;
    then the others in their order."""
    offers = connector_offers(connector, typical) if connector is not None else []
    rank = {o.account_id: i for i, o in enumerate(o for o in offers if o.can_start)}
    listed = list(cards)
    return sorted(
        listed,
        key=lambda c: (rank.get(c.account_id, len(rank)), listed.index(c)),
    )


def offer_for(
    connector: Connector | None, account_id: str | None, typical: TypicalSession
) -> ConnectorOffer | None:
    if connector is None or account_id is None:
        return None
    return next(
        (o for o in connector_offers(connector, typical) if o.account_id == account_id), None
    )
