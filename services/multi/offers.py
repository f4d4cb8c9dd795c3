"""Per connector and account: can that account start there, and what a typical session
costs with its tariff; stations ordered by what they cost the driver."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.models import Card, CardStatus, Connector, ConnectorOffer, Station, TypicalSession
from services.provider import UNSUPPORTED_MESSAGES, Capability

from .pricing import sort_key, typical_cost

NO_CHARGING = UNSUPPORTED_MESSAGES[Capability.CHARGING]
NO_REMOTE_START = "This charger cannot be started from the app."
NO_ACTIVE_CARD = "This account has no active charge card."
CARDS_UNKNOWN = "This account's charge cards could not be loaded."


@dataclass(frozen=True)
class AccountFacts:
    """What decides whether an account can start: its back end's capabilities and cards
    (None: not known, the cards could not be read)."""

    capabilities: frozenset[Capability]
    cards: tuple[Card, ...] | None

    @property
    def active_card(self) -> Card | None:
        return next((c for c in self.cards or () if c.status is CardStatus.ACTIVE), None)


def refusal(facts: AccountFacts, station: Station) -> str | None:
    """Why this account cannot start at ``station`` (as that account lists it), or None."""
    if Capability.CHARGING not in facts.capabilities:
        return NO_CHARGING
    if station.remote_start is False:
        return NO_REMOTE_START
    if facts.cards is None:
        return CARDS_UNKNOWN
    if facts.active_card is None:
        return NO_ACTIVE_CARD
    return None


def offer(
    account_id: str,
    connector: Connector,
    station: Station,
    facts: AccountFacts,
    typical: TypicalSession,
) -> ConnectorOffer:
    """``connector`` and ``station`` as ``account_id``'s back end lists them."""
    why = refusal(facts, station)
    tariff = connector.price
    return ConnectorOffer(
        account_id=account_id,
        can_start=why is None,
        reason=why,
        tariff=tariff,
        typical_cost=typical_cost(tariff, typical) if tariff is not None else None,
    )


def offer_key(o: ConnectorOffer) -> tuple:
    # cheapest first; at one price an account that can start before one that cannot
    return (*sort_key(o.typical_cost), not o.can_start, o.account_id)


def ranked(offers: Iterable[ConnectorOffer]) -> list[ConnectorOffer]:
    return sorted(offers, key=offer_key)


def station_offers(station: Station) -> list[ConnectorOffer]:
    """Per account, its best offer over the station's connectors (``connector_id`` says
    which), cheapest first."""
    best: dict[str, ConnectorOffer] = {}
    for c in station.connectors:
        for o in c.offers:
            if o.account_id not in best or offer_key(o) < offer_key(best[o.account_id]):
                best[o.account_id] = o.model_copy(update={"connector_id": c.id})
    return ranked(best.values())


def cheapest_start_offer(offers: Iterable[ConnectorOffer]) -> ConnectorOffer | None:
    return next((o for o in ranked(offers) if o.can_start), None)


def cheapest_for_me(stations: Iterable[Station]) -> list[Station]:
    """Stations where the driver can start, cheapest typical session first (nearest first
    at one price), then the others nearest first."""

    def key(s: Station) -> tuple:
        best = cheapest_start_offer(s.offers)
        dist = s.distance_km if s.distance_km is not None else float("inf")
        if best is None:
            return (True, True, 0.0, dist)
        return (False, *sort_key(best.typical_cost), dist)

    return sorted(stations, key=key)
