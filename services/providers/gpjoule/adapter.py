"""GP JOULE CONNECT wire models -> provider-neutral models."""

from __future__ import annotations

from datetime import UTC, datetime

from services import models as m
from services.providers.common import vocabulary

from . import wire as w


def parse_time(value: str | None) -> datetime | None:
    """DateTime is ISO 8601 with ``Z``; ``Date`` is documented as YYYY-MM-DD but its
    examples carry a date-time, so both are read. Naive values are UTC."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def connector_status(word: str | None) -> m.ConnectorStatus:
    """``Status`` names available / faulty / occupied / not available / unknown; OCPP
    words (Charging, Preparing, ...) are understood too."""
    simple = vocabulary.simple_status(word)
    return simple if simple is not m.ConnectorStatus.UNKNOWN else vocabulary.ocpp_status(word)


def connector(c: w.Connector, station_id: str) -> m.Connector:
    t = c.type
    return m.Connector(
        id=c.id,
        evse_id=c.evse,
        station_id=station_id,
        label=c.name,
        plug_type=vocabulary.plug_from_text(t.name, t.description) if t else m.PlugType.OTHER,
        current_type=vocabulary.current_from_text(t.currentType) if t else None,
        max_power_kw=t.maxPower if t else None,
        status=connector_status(c.status.status if c.status else None),
        status_detail=c.status.status if c.status else None,
        status_since=parse_time(c.status.updatedAt) if c.status else None,
    )


def _summary(cp: w.Chargepoint, connectors: list[m.Connector]) -> m.StatusSummary:
    """The live counts the chargepoint carries win over counting its connectors: they are
    what the back end itself considers free."""
    total = cp.connectorsTotal if cp.connectorsTotal is not None else len(connectors)
    free = (
        cp.connectorsFree
        if cp.connectorsFree is not None
        else sum(c.status is m.ConnectorStatus.AVAILABLE for c in connectors)
    )
    occupied = (
        cp.connectorsOccupied
        if cp.connectorsOccupied is not None
        else sum(c.status is m.ConnectorStatus.OCCUPIED for c in connectors)
    )
    unavailable = (
        cp.connectorsUnavailable
        if cp.connectorsUnavailable is not None
        else sum(c.status is m.ConnectorStatus.OUT_OF_ORDER for c in connectors)
    )
    if free:
        status = m.ConnectorStatus.AVAILABLE
    elif occupied:
        status = m.ConnectorStatus.OCCUPIED
    elif total and unavailable >= total:
        status = m.ConnectorStatus.OUT_OF_ORDER
    else:
        status = m.ConnectorStatus.UNKNOWN
    return m.StatusSummary(status=status, available=free, total=total)


def address(loc: w.Location | None) -> m.Address:
    if loc is None:
        return m.Address()
    return m.Address(
        street=loc.street, postal_code=loc.postalCode, city=loc.city, country=loc.country
    )


def station(cp: w.Chargepoint) -> m.Station | None:
    """None for a chargepoint without a position: it cannot be placed on a map or found
    by a search around one."""
    loc = cp.location
    if loc is None or loc.latitude is None or loc.longitude is None:
        return None
    connectors = [connector(c, cp.id) for c in cp.connectors or () if c is not None]
    powers = [c.max_power_kw for c in connectors if c.max_power_kw is not None]
    return m.Station(
        id=cp.id,
        name=cp.publicName or cp.name or cp.id,
        address=address(loc),
        coordinates=m.Coordinates(latitude=loc.latitude, longitude=loc.longitude),
        connectors=connectors,
        status=_summary(cp, connectors),
        max_power_kw=max(powers) if powers else None,
        remote_start=True,
    )


def card(c: w.Card) -> m.Card:
    """The tag id is the card's only identifier on this API, so it is also its id."""
    tag = c.tagId or ""
    return m.Card(
        id=tag,
        uid=tag,
        label=c.name,
        type=str(c.cardType) if c.cardType is not None else None,
        status=m.CardStatus.ACTIVE if c.active is not False else m.CardStatus.BLOCKED,
        rate=c.rate,
    )


def session_state(s: w.Session) -> m.SessionState:
    """``SessionStatus`` has two values the document leaves unnamed: ongoing and stopped.
    Whatever words the back end uses are read through the shared vocabulary; without a
    status, an end time means stopped."""
    if s.status and s.status.strip():
        return vocabulary.session_state(s.status)
    return m.SessionState.FINISHED if s.endTime else m.SessionState.CHARGING


def energy_kwh(s: w.Session) -> float:
    """meterTotal is documented in Wh (the difference of the two meters); the meters
    themselves are read in Wh too."""
    if s.meterTotal is not None:
        return max(0, s.meterTotal) / 1000.0
    if s.meterStart is not None and s.meterEnd is not None:
        return max(0, s.meterEnd - s.meterStart) / 1000.0
    return 0.0


def cost(s: w.Session) -> m.Cost | None:
    if s.costs is None:
        return None
    return m.Cost(
        total=s.costs,
        currency=s.currency or "EUR",
        net=s.costsNet,
        tax=s.taxAmount,
    )


def session(s: w.Session, fallback_id: str | None = None) -> m.ChargingSession:
    conn = s.connector
    return m.ChargingSession(
        id=s.id or fallback_id or "",
        connector_id=conn.connectorId if conn else None,
        evse_id=conn.evse if conn else None,
        card_id=s.cardId,
        card_uid=s.cardId,
        state=session_state(s),
        started_at=parse_time(s.startTime),
        ended_at=parse_time(s.endTime),
        energy_kwh=energy_kwh(s),
        meter_start_kwh=s.meterStart / 1000.0 if s.meterStart is not None else None,
        meter_end_kwh=s.meterEnd / 1000.0 if s.meterEnd is not None else None,
        cost=cost(s),
    )


def profile(c: w.Contact) -> m.Profile:
    return m.Profile(
        id=c.id,
        email=c.email or "",
        first_name=c.givenName,
        last_name=c.name,
        phone=c.phone,
        address=address(c.location),
    )


def tariff(p: w.PriceInfo) -> m.Tariff | None:
    """PriceInfo has one price and no unit: read as the gross price per kWh, the unit every
    session of this API is metered and billed in."""
    if p.price is None:
        return None
    return m.Tariff(
        currency=p.currency or "EUR",
        per_kwh=p.price,
        name=p.name,
        free_of_charge=p.price == 0,
    )
