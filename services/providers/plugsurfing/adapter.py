"""OIOI wire models -> provider-neutral models."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote, urlsplit

from services import models as m

from . import wire as w

# Connector and station status words of the document.
STATUS = {
    "available": m.ConnectorStatus.AVAILABLE,
    "occupied": m.ConnectorStatus.OCCUPIED,
    "reserved": m.ConnectorStatus.OCCUPIED,
    "offline": m.ConnectorStatus.UNKNOWN,
    "unknown": m.ConnectorStatus.UNKNOWN,
    # not in the document's lists; a back end may still say so
    "faulted": m.ConnectorStatus.OUT_OF_ORDER,
    "outoforder": m.ConnectorStatus.OUT_OF_ORDER,
    "unavailable": m.ConnectorStatus.OUT_OF_ORDER,
}

PLUGS = {
    "type2": m.PlugType.TYPE2,
    "combo": m.PlugType.CCS,
    "chademo": m.PlugType.CHADEMO,
    "schuko": m.PlugType.SCHUKO,
    "typee": m.PlugType.SCHUKO,
}
DC_PLUGS = {"combo", "chademo", "tesla"}

WEEKDAYS = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}


def _key(word: str | None) -> str:
    return (word or "").strip().lower().replace(" ", "").replace("-", "").replace("_", "")


def status(word: str | None) -> m.ConnectorStatus:
    return STATUS.get(_key(word), m.ConnectorStatus.UNKNOWN)


def plug_type(name: str | None) -> m.PlugType:
    return PLUGS.get(_key(name), m.PlugType.OTHER)


def current_type(name: str | None) -> m.CurrentType | None:
    key = _key(name)
    if not key or key == "unknown":
        return None
    return m.CurrentType.DC if key in DC_PLUGS else m.CurrentType.AC


def speed_kw(speed: str | float | None) -> float | None:
    """ "22.2kW" -> 22.2 (speeds are strings with a unit in the document)."""
    if speed is None:
        return None
    if isinstance(speed, int | float):
        return float(speed)
    match = re.search(r"(\d+(?:[.,]\d+)?)\s*(k|m)?w?", speed.strip(), re.IGNORECASE)
    if not match:
        return None
    value = float(match.group(1).replace(",", "."))
    if (match.group(2) or "").lower() == "m":
        value *= 1000
    return value


def money(value: str | float | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None


def when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def tariff(p: w.Prices | None, free: bool | None) -> m.Tariff | None:
    if free:
        return m.Tariff(free_of_charge=True)
    if p is None:
        return None
    # prices per hour in the document; the neutral tariff counts per minute
    per_hour = money(p.charging_per_hour) or 0.0
    parking_per_hour = money(p.parking_per_hour) or 0.0
    return m.Tariff(
        currency=p.currency or "EUR",
        start_fee=money(p.starting_fee) or 0.0,
        per_kwh=money(p.charging_per_kwh) or 0.0,
        per_minute=per_hour / 60,
        parking_per_minute=parking_per_hour / 60,
    )


def connector(c: w.Connector, station_id: str, free: bool | None, order: int) -> m.Connector:
    return m.Connector(
        id=str(c.id),
        evse_id=c.external_id or None,
        station_id=station_id,
        label=c.name,
        plug_type=plug_type(c.name),
        current_type=current_type(c.name),
        max_power_kw=speed_kw(c.speed),
        status=status(c.status),
        status_detail=c.status,
        status_since=when(c.last_change),
        price=tariff(c.prices, free),
        sort_order=order,
    )


def opening_hours(s: w.Station) -> m.OpeningHours | None:
    if s.is_open_24:
        return m.OpeningHours(always_open=True)
    notes = s.open_hour_notes or []
    regular: list[m.OpeningPeriod] = []
    for note in notes:
        days = [WEEKDAYS.get(d.strip().lower()[:2]) for d in note.days]
        if not days or None in days:
            continue
        first, last = days[0], days[-1]
        span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        times = [t.strip() for t in note.times]
        if times and times[0].lower() == "24h":
            start, end = "00:00", "24:00"
        elif len(times) >= 2 and all(re.match(r"^\d{1,2}:\d{2}$", t) for t in times[:2]):
            start, end = (f"{int(t.split(':')[0]):02d}:{t.split(':')[1]}" for t in times[:2])
        else:
            continue
        regular.extend(m.OpeningPeriod(weekday=d, start=start, end=end) for d in span)
    if not regular:
        return None
    always = len(regular) == 7 and all(p.start == "00:00" and p.end == "24:00" for p in regular)
    return m.OpeningHours(always_open=always, regular=[] if always else regular)


def summary_from(word: str | None, connectors: list[m.ConnectorStatus]) -> m.StatusSummary:
    if connectors:
        available = sum(1 for c in connectors if c is m.ConnectorStatus.AVAILABLE)
        if available:
            overall = m.ConnectorStatus.AVAILABLE
        elif any(c is m.ConnectorStatus.OCCUPIED for c in connectors):
            overall = m.ConnectorStatus.OCCUPIED
        elif all(c is m.ConnectorStatus.OUT_OF_ORDER for c in connectors):
            overall = m.ConnectorStatus.OUT_OF_ORDER
        else:
            overall = status(word) if word else m.ConnectorStatus.UNKNOWN
        return m.StatusSummary(status=overall, available=available, total=len(connectors))
    return m.StatusSummary(status=status(word))


def address(a: w.Address | None) -> m.Address:
    if a is None:
        return m.Address()
    street = " ".join(p for p in (a.street, a.street_number) if p) or None
    return m.Address(street=street, postal_code=a.zip, city=a.city, country=a.country)


def station(s: w.Station, companies: dict[int, w.Company] | None = None) -> m.Station:
    sid = str(s.id)
    companies = companies or {}
    operator = companies.get(s.operator_company_id) if s.operator_company_id else None
    conns = [connector(c, sid, s.is_free_charge, i) for i, c in enumerate(s.connectors or [])]
    powers = [c.max_power_kw for c in conns if c.max_power_kw]
    contact = s.contact or (operator.contact if operator else None)
    notes = [t for t in (s.description, s.notes) if t and t.strip()]
    return m.Station(
        id=sid,
        name=s.name or (s.address.street if s.address and s.address.street else sid),
        operator=operator.name if operator else None,
        address=address(s.address),
        coordinates=m.Coordinates(latitude=s.latitude, longitude=s.longitude),
        access="private" if s.is_private else "public",
        opening_hours=opening_hours(s),
        images=[s.operator_logo] if s.operator_logo else [],
        connectors=conns,
        status=summary_from(s.dynamic_status_summary, [c.status for c in conns]),
        max_power_kw=max(powers) if powers else None,
        payment_info="\n".join(notes) or None,
        phone=contact.phone if contact else None,
    )


def surface_station(s: w.SurfaceStation) -> m.Station:
    """A map marker: position, name and status; the rest comes from station-get-by-ids."""
    statuses = [status(v) for v in (s.connector_statuses or {}).values()]
    return m.Station(
        id=str(s.id),
        name=s.name or str(s.id),
        coordinates=m.Coordinates(latitude=s.latitude, longitude=s.longitude),
        status=summary_from(s.dynamic_status_summary, statuses),
    )


def card(k: w.ChargingKey) -> m.Card:
    blocked = k.is_blocked or _key(k.status) in ("blocked", "inactive", "locked")
    return m.Card(
        id=k.uid,
        uid=k.uid,
        number=k.evco_id,
        type="RFID",
        status=m.CardStatus.BLOCKED if blocked else m.CardStatus.ACTIVE,
    )


def profile(d: w.UserDetails, email: str) -> m.Profile:
    return m.Profile(
        id=d.evco_id,
        email=email,
        first_name=d.first_name,
        last_name=d.last_name,
        phone=d.phone,
        address=address(d.address),
        language=d.locale,
    )


def session(s: w.RecentSession, index: int = 0) -> m.ChargingSession:
    """A session of user-get-recent-sessions: a session interval without an end is one
    still running."""
    si = s.session_interval or w.Interval()
    ci = s.charging_interval or w.Interval()
    started = when(si.start) or when(ci.start) or when(s.request_sent)
    ended = when(si.end)
    if ended is not None:
        state = m.SessionState.FINISHED
    elif ci.start:
        state = m.SessionState.CHARGING
    else:
        state = m.SessionState.ACCEPTED
    total = money(s.cost)
    sid = s.external_session_id or f"{s.request_sent or si.start or 'session'}#{index}"
    return m.ChargingSession(
        id=sid,
        station_id=str(s.charging_station_id) if s.charging_station_id is not None else None,
        station_name=s.address,
        connector_id=str(s.connector_id) if s.connector_id is not None else None,
        state=state,
        started_at=started,
        ended_at=ended,
        energy_kwh=s.energy_consumed or 0.0,
        cost=m.Cost(total=total, currency=s.currency or "EUR") if total is not None else None,
    )


def document(b: w.Bill, index: int) -> m.Document:
    """A bill is a link and the sessions it covers; the file name (signed links carry a
    query) is the stable part, so it names the document."""
    url = b.bill or ""
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if "invoice" in stem.lower() or "bill" in stem.lower():
        title = stem
    else:
        count = len(b.external_session_ids)
        title = f"Invoice for {count} session{'s' if count != 1 else ''}" if count else "Invoice"
    return m.Document(
        id=stem or f"bill-{index}",
        type="INVOICE",
        title=title,
        download_url=url or None,
    )
