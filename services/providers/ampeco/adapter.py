"""AMPECO wire shapes -> the neutral models.

A station is a location with the EVSEs of all its charge points; a connector is an EVSE
(its id is the EVSE id the start, reserve and unlock actions take). The catalogue keeps each
location joined with its charge points and EVSEs as one item (:func:`joined`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from services import models as m
from services.providers.common import vocabulary as vocab

from . import wire as w

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PREFERRED_LOCALES = ("en",)

# EVSE hardwareStatus words the OCPP table lacks
HARDWARE_STATUS = {"occupied": m.ConnectorStatus.OCCUPIED}
# EVSE / charge point status (the operator's setting) that takes a connector out of use
OUT_OF_USE = {"disabled", "out of order"}
# charge point networkStatus: anything but available means the charger is not reachable
ONLINE = "available"


def text(translations: list[w.Translation]) -> str | None:
    """The English translation, else the first one given."""
    for t in translations:
        if (t.locale or "").split("-")[0].lower() in PREFERRED_LOCALES and t.translation:
            return t.translation
    return next((t.translation for t in translations if t.translation), None)


def tariffs_by_group(tariffs: Iterable[dict], groups: Iterable[dict]) -> dict[int, dict]:
    """The tariff an EVSE's ``tariffGroupId`` prices it by: the group's first tariff."""
    by_id = {t["id"]: t for t in tariffs if isinstance(t.get("id"), int)}
    out: dict[int, dict] = {}
    for raw in groups:
        group = w.TariffGroup.model_validate(raw)
        first = next((by_id[t] for t in group.tariff_ids if t in by_id), None)
        if first is not None:
            out[group.id] = first
    return out


def joined(
    locations: Iterable[dict],
    charge_points: Iterable[dict],
    evses: Iterable[dict],
    tariffs: dict[int, dict] | None = None,
) -> list[dict]:
    """One item per location: ``{"id", "location", "chargePoints", "connectors",
    "tariffs"}``, the connectors being the EVSEs of its charge points and ``tariffs`` their
    tariffs by group id (an item in the catalogue's shape)."""
    tariffs = tariffs or {}
    cps_of: dict[int, list[dict]] = {}
    loc_of_cp: dict[int, int] = {}
    for cp in charge_points:
        if cp.get("locationId") is not None:
            cps_of.setdefault(cp["locationId"], []).append(cp)
            loc_of_cp[cp["id"]] = cp["locationId"]
    evses_of: dict[int, list[dict]] = {}
    for e in evses:
        loc = loc_of_cp.get(e.get("chargePointId"))
        if loc is not None:
            evses_of.setdefault(loc, []).append(e)
    return [
        {
            "id": str(loc["id"]),
            "location": loc,
            "chargePoints": cps_of.get(loc["id"], []),
            "connectors": evses_of.get(loc["id"], []),
            "tariffs": {
                str(e["tariffGroupId"]): tariffs[e["tariffGroupId"]]
                for e in evses_of.get(loc["id"], [])
                if e.get("tariffGroupId") in tariffs
            },
        }
        for loc in locations
        if isinstance(loc.get("id"), int)
    ]


def position(item: dict) -> tuple[float, float] | None:
    geo = (item.get("location") or {}).get("geoposition")
    if not isinstance(geo, dict):
        return None
    lat, lon = geo.get("latitude"), geo.get("longitude")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return float(lat), float(lon)


def opening_hours(wh: w.WorkingHours | None) -> m.OpeningHours | None:
    if wh is None:
        return None
    if wh.is_always_open:
        return m.OpeningHours(always_open=True)
    if not wh.hours:
        return None
    regular = [
        m.OpeningPeriod(weekday=day, start=p.start[:5], end=p.end[:5])
        for day, name in enumerate(WEEKDAYS)
        for p in wh.hours.get(name) or []
    ]
    return m.OpeningHours(regular=regular)


def connector_status(evse: w.Evse, cp: w.ChargePoint | None) -> m.ConnectorStatus:
    if (evse.status or "enabled") in OUT_OF_USE or (cp and cp.status in OUT_OF_USE):
        return m.ConnectorStatus.OUT_OF_ORDER
    if cp is not None and cp.network_status and cp.network_status != ONLINE:
        return m.ConnectorStatus.UNKNOWN
    word = (evse.hardware_status or "").lower()
    return HARDWARE_STATUS.get(word) or vocab.ocpp_status(word)


def price(raw: dict | None) -> m.Tariff | None:
    """A tariff's prices as the driver pays them (the document's prices include the tax its
    ``taxID`` names); the time price per minute whatever period it is given for."""
    if raw is None:
        return None
    t = w.Tariff.model_validate(raw)
    if t.type == "free":
        return m.Tariff(currency=t.currency or "EUR", name=t.name, free_of_charge=True)
    if t.type == "charging not allowed":
        return None
    p = t.pricing or w.TariffPricing()
    period = p.price_period_in_minutes or 1
    return m.Tariff(
        currency=t.currency or "EUR",
        start_fee=p.connection_fee or 0.0,
        per_kwh=p.price_per_kwh or 0.0,
        per_minute=round((p.price_per_period or 0.0) / period, 5),
        parking_per_minute=p.idle_fee_per_minute or 0.0,
        parking_grace_minutes=int(p.idle_fee_grace_period_minutes or 0),
        name=t.name,
    )


def connector(
    evse: w.Evse, cp: w.ChargePoint | None, station_id: str | None, tariff: dict | None = None
) -> m.Connector:
    plug = evse.connectors[0].type if evse.connectors else None
    current = (evse.current_type or "").upper() or None
    power = evse.power_options.max_power if evse.power_options else None
    return m.Connector(
        id=str(evse.id),
        evse_id=evse.emi3_id or evse.physical_reference,
        station_id=station_id,
        label=evse.label or evse.physical_reference,
        plug_type=vocab.plug_from_text(plug),
        current_type=vocab.current_from_text(current),
        max_power_kw=round(power / 1000, 1) if power else None,
        status=connector_status(evse, cp),
        status_detail=evse.hardware_status,
        price=price(tariff),
    )


def station(item: dict) -> m.Station:
    loc = w.Location.model_validate(item["location"])
    cps = {cp.id: cp for cp in (w.ChargePoint.model_validate(c) for c in item["chargePoints"])}
    sid = str(loc.id)
    conns = []
    tariffs = item.get("tariffs") or {}
    for raw in item["connectors"]:
        evse = w.Evse.model_validate(raw)
        tariff = tariffs.get(str(evse.tariff_group_id)) if evse.tariff_group_id else None
        conns.append(connector(evse, cps.get(evse.charge_point_id), sid, tariff))
    available = sum(c.status is m.ConnectorStatus.AVAILABLE for c in conns)
    if available:
        summary = m.ConnectorStatus.AVAILABLE
    elif any(c.status is m.ConnectorStatus.OCCUPIED for c in conns):
        summary = m.ConnectorStatus.OCCUPIED
    elif conns and all(c.status is m.ConnectorStatus.OUT_OF_ORDER for c in conns):
        summary = m.ConnectorStatus.OUT_OF_ORDER
    else:
        summary = m.ConnectorStatus.UNKNOWN
    lat, lon = position(item) or (0.0, 0.0)
    images = [i.original for i in ([loc.location_image] if loc.location_image else [])]
    images += [i.original for i in loc.images if i.original not in images]
    # a charge point that lists its capabilities without remote start needs a card tap
    remote = [
        "remote_start_stop_capable" in cp.capabilities
        for cp in cps.values()
        if cp.capabilities is not None
    ]
    return m.Station(
        id=sid,
        name=text(loc.name) or f"Location {loc.id}",
        address=m.Address(
            street=text(loc.street_address) or text(loc.address),
            postal_code=loc.post_code,
            city=loc.city,
            country=loc.country,
        ),
        coordinates=m.Coordinates(latitude=lat, longitude=lon),
        opening_hours=opening_hours(loc.working_hours),
        images=images,
        connectors=conns,
        status=m.StatusSummary(status=summary, available=available, total=len(conns)),
        max_power_kw=max((c.max_power_kw or 0 for c in conns), default=0) or None,
        site_id=sid,
        remote_start=any(remote) if remote else None,
        payment_info=text(loc.description),
    )


# ---------------------------------------------------------------- driver


def profile(u: w.User) -> m.Profile:
    return m.Profile(
        id=str(u.id),
        email=u.email or "",
        first_name=u.first_name,
        last_name=u.last_name,
        phone=u.phone,
        address=m.Address(
            street=u.address, postal_code=u.post_code, city=u.city, country=u.country
        ),
        language=(u.locale or "").split("-")[0] or None,
    )


CARD_STATUS = {
    "enabled": m.CardStatus.ACTIVE,
    "disabled": m.CardStatus.BLOCKED,
    "suspended": m.CardStatus.BLOCKED,
}


def card(t: w.IdTag) -> m.Card:
    status = CARD_STATUS.get(t.status, m.CardStatus.BLOCKED)
    if status is m.CardStatus.ACTIVE and t.expire_at and t.expire_at < datetime.now(UTC):
        status = m.CardStatus.EXPIRED
    return m.Card(
        id=str(t.id),
        uid=t.id_tag_uid,
        label=t.id_label,
        type=t.type,
        status=status,
        expiry=t.expire_at,
    )


SESSION_STATE = {
    "pending": m.SessionState.ACCEPTED,
    "active": m.SessionState.CHARGING,
    "finished": m.SessionState.FINISHED,
    "failed": m.SessionState.FAILED,
    "expired": m.SessionState.FAILED,
    "unknown": m.SessionState.REQUESTED,
}


def cost(s: w.Session) -> m.Cost | None:
    if s.total_amount is None and s.amount is None:
        return None
    currency = s.currency or "EUR"
    gross = s.total_amount.with_tax if s.total_amount else float(s.amount or 0)
    net = s.total_amount.without_tax if s.total_amount else None
    items = [
        m.CostItem(
            description=p.type.replace("_", " "),
            net=p.price.without_tax,
            tax_rate=p.tax_percentage,
            gross=p.price.with_tax,
        )
        for p in s.price_breakdown
    ]
    return m.Cost(
        total=round(gross, 2),
        currency=currency,
        net=round(net, 2) if net is not None else None,
        tax=round(gross - net, 2) if net is not None else None,
        items=items,
    )


def session(
    s: w.Session,
    stats: list[w.ConsumptionStat] | None = None,
    *,
    station: m.Station | None = None,
) -> m.ChargingSession:
    wh = s.energy_consumption.total if s.energy_consumption else s.energy
    power_w = s.power.latest if s.power and s.power.latest is not None else None
    power_kw = power_w / 1000 if power_w is not None else s.power_kw
    state = SESSION_STATE.get(s.status, m.SessionState.REQUESTED)
    readings = [
        m.MeterReading(
            at=p.timestamp,
            energy_kwh=round(p.energy / 1000, 3) if p.energy is not None else None,
            power_kw=round(p.power / 1000, 3) if p.power is not None else None,
        )
        for p in stats or ()
    ]
    return m.ChargingSession(
        id=str(s.id),
        station_id=station.id if station else None,
        station_name=station.name if station else None,
        connector_id=str(s.evse_id),
        evse_id=s.evse_physical_reference,
        card_uid=s.id_tag,
        state=state,
        started_at=s.started_at,
        ended_at=s.stopped_at if not state.is_active else None,
        energy_kwh=round(wh / 1000, 3),
        power_kw=round(power_kw, 3) if power_kw is not None and state.is_active else None,
        soc=s.soc_percent,
        cost=cost(s),
        failure_reason=s.reason if state is m.SessionState.FAILED else None,
        readings=readings,
    )


RESERVATION_STATUS = {
    "active": m.ReservationStatus.ACTIVE,
    "expired": m.ReservationStatus.EXPIRED,
    "canceled": m.ReservationStatus.CANCELLED,
    "done": m.ReservationStatus.USED,
}


def reservation(r: w.Reservation, station_id: str | None = None) -> m.Reservation:
    return m.Reservation(
        id=str(r.id),
        connector_id=str(r.evse_id),
        station_id=station_id,
        status=RESERVATION_STATUS.get(r.status, m.ReservationStatus.FAILED),
        reserved_at=r.reserved_at,
        expires_at=r.reserved_at + timedelta(minutes=r.duration),
        minutes=r.duration,
    )


def _day(value: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(value[:10]), time(), UTC)
    except ValueError:
        return None


def receipt_document(r: w.Receipt) -> m.Document:
    return m.Document(
        id=f"receipt-{r.id}",
        type="receipt",
        title=f"Receipt {r.receipt_no}",
        date=_day(r.issued_on),
        download_url=r.download_url,
    )


def invoice_document(i: w.Invoice) -> m.Document:
    return m.Document(
        id=f"invoice-{i.id}",
        type=i.type,
        title=f"{i.type.replace('_', ' ').capitalize()} {i.number}",
        date=i.date,
        download_url=i.download_url,
    )
