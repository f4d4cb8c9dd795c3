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


# Chargepoints are read straight from the decoded JSON into models built without a second
# validation: a catalogue holds up to 100,000 of them, and validating every nested model
# twice (wire, then neutral) cost more than the whole search. Types are checked here.


def _num(v: object) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _count(v: object) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def _text(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def _obj(v: object) -> dict:
    return v if isinstance(v, dict) else {}


def connector(c: dict, station_id: str) -> m.Connector:
    t, st = _obj(c.get("type")), _obj(c.get("status"))
    word = _text(st.get("status"))
    return m.Connector.model_construct(
        id=str(c["id"]),
        evse_id=_text(c.get("evse")),
        station_id=station_id,
        label=_text(c.get("name")),
        plug_type=vocabulary.plug_from_text(_text(t.get("name")), _text(t.get("description"))),
        current_type=vocabulary.current_from_text(_text(t.get("currentType"))),
        max_power_kw=_num(t.get("maxPower")),
        status=connector_status(word),
        status_detail=word,
        status_since=parse_time(_text(st.get("updatedAt"))),
    )


def _summary(cp: dict, connectors: list[m.Connector]) -> m.StatusSummary:
    """The live counts the chargepoint carries win over counting its connectors: they are
    what the back end itself considers free."""

    def count(field: str, status: m.ConnectorStatus) -> int:
        given = _count(cp.get(field))
        return given if given is not None else sum(c.status is status for c in connectors)

    total = _count(cp.get("connectorsTotal"))
    total = total if total is not None else len(connectors)
    free = count("connectorsFree", m.ConnectorStatus.AVAILABLE)
    occupied = count("connectorsOccupied", m.ConnectorStatus.OCCUPIED)
    unavailable = count("connectorsUnavailable", m.ConnectorStatus.OUT_OF_ORDER)
    if free:
        status = m.ConnectorStatus.AVAILABLE
    elif occupied:
        status = m.ConnectorStatus.OCCUPIED
    elif total and unavailable >= total:
        status = m.ConnectorStatus.OUT_OF_ORDER
    else:
        status = m.ConnectorStatus.UNKNOWN
    return m.StatusSummary.model_construct(status=status, available=free, total=total)


def address(loc: w.Location | None) -> m.Address:
    if loc is None:
        return m.Address()
    return m.Address(
        street=loc.street, postal_code=loc.postalCode, city=loc.city, country=loc.country
    )


def position(cp: dict) -> tuple[float, float] | None:
    """Latitude and longitude of a decoded ``Chargepoint``; None without an id or a valid
    position (it can be neither placed on a map nor found by a search around one)."""
    if cp.get("id") is None:
        return None
    loc = _obj(cp.get("location"))
    lat, lon = _num(loc.get("latitude")), _num(loc.get("longitude"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def station(cp: dict) -> m.Station | None:
    """A decoded ``Chargepoint``; None where :func:`position` is None."""
    where = position(cp)
    if where is None:
        return None
    lat, lon = where
    station_id = str(cp["id"])
    loc = _obj(cp.get("location"))
    raw = cp.get("connectors")
    connectors = [
        connector(c, station_id)
        for c in (raw if isinstance(raw, list) else ())
        if isinstance(c, dict) and c.get("id") is not None
    ]
    powers = [c.max_power_kw for c in connectors if c.max_power_kw is not None]
    return m.Station.model_construct(
        id=station_id,
        name=_text(cp.get("publicName")) or _text(cp.get("name")) or station_id,
        address=m.Address.model_construct(
            street=_text(loc.get("street")),
            postal_code=_text(loc.get("postalCode")),
            city=_text(loc.get("city")),
            country=_text(loc.get("country")),
        ),
        coordinates=m.Coordinates.model_construct(latitude=lat, longitude=lon),
        connectors=connectors,
        status=_summary(cp, connectors),
        max_power_kw=max(powers) if powers else None,
        remote_start=True,
        images=[],  # given: resolving a default factory here costs more than the rest
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
    """``SessionStatus`` has two values the document leaves unnamed, ongoing and stopped,
    read through the shared vocabulary. The start time tells the rest: an ongoing session
    without one has not begun to charge (the charger accepted, the vehicle is awaited), and
    a stopped one without one never charged (its start failed)."""
    state = vocabulary.session_state(s.status) if s.status and s.status.strip() else None
    if state is None:
        state = m.SessionState.FINISHED if s.endTime else m.SessionState.CHARGING
    if s.startTime:
        return state
    if state is m.SessionState.CHARGING:
        return m.SessionState.ACCEPTED
    return m.SessionState.FAILED if state is m.SessionState.FINISHED else state


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


NEVER_CHARGED = "The charger ended the session before charging began."


def session(s: w.Session, fallback_id: str | None = None) -> m.ChargingSession:
    conn = s.connector
    state = session_state(s)
    return m.ChargingSession(
        id=s.id or fallback_id or "",
        connector_id=conn.connectorId if conn else None,
        evse_id=conn.evse if conn else None,
        card_id=s.cardId,
        card_uid=s.cardId,
        state=state,
        failure_reason=NEVER_CHARGED if state is m.SessionState.FAILED else None,
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
