"""be.ENERGISED wire models -> provider-neutral models."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urljoin

from services import models as m
from services.providers.common import vocabulary

from . import wire as w


def connector_status(simple: str | None) -> m.ConnectorStatus:
    return vocabulary.simple_status(simple)


def plug_type(ct: w.ConnectorType | None) -> m.PlugType:
    """ConnectorType.plugType/standard are free strings (OCPI or everyday names)."""
    if ct is None:
        return m.PlugType.OTHER
    return _plug(ct.plugType, ct.standard, ct.label)


@lru_cache(maxsize=256)
def _plug(plug: str | None, standard: str | None, label: str | None) -> m.PlugType:
    # A back end names a handful of connector types on every page: read each once.
    return vocabulary.plug_from_text(plug, standard, label)


def current_type(ct: w.ConnectorType | None) -> m.CurrentType | None:
    return vocabulary.current_from_text(ct.chargePointType if ct else None)


def connector(c: w.Connector, station_id: str | None = None) -> m.Connector:
    ct = c.connectorType
    try:
        sort_order = int(c.sortOrder) if c.sortOrder is not None else None
    except ValueError:
        sort_order = None
    # Every value below comes typed from the validated wire model, so the neutral model is
    # built without validating it again (the most frequent object of a search page).
    return m.Connector.model_construct(
        id=c.id,
        evse_id=c.evseId,
        station_id=station_id or (c.cp.id if c.cp else None),
        label=c.label,
        plug_type=plug_type(ct),
        current_type=current_type(ct),
        max_power_kw=ct.maxPowerRating if ct else None,
        status=connector_status(c.status.simple if c.status else None),
        status_detail=(c.status.ocpp or c.status.calculated) if c.status else None,
        status_since=None,
        price=m.Tariff(free_of_charge=True) if c.freeOfCharge else None,
        sort_order=sort_order,
    )


_HHMM = re.compile(r"\s*(\d+)[:/](\d+)(?:[:/]|\s*$)")


def _hhmm(value: str | None) -> str | None:
    """OperatingHours are documented as 'hh/mm/ss'; 'hh:mm:ss' and 'hh:mm' are read too."""
    found = _HHMM.match(value) if value else None
    if found is None:
        return None
    return f"{int(found[1]):02d}:{int(found[2]):02d}"


def opening_hours(ot: w.OpeningTimes | None) -> m.OpeningHours | None:
    if ot is None:
        return None
    regular = []
    for rh in ot.regularHours or ():
        if rh is None or rh.weekday is None or rh.operatingHours is None:
            continue
        start, end = _hhmm(rh.operatingHours.begin), _hhmm(rh.operatingHours.end)
        if not (1 <= rh.weekday <= 7) or start is None or end is None:
            continue
        if end in ("23:59", "00:00") and start == "00:00":
            end = "24:00"
        regular.append(m.OpeningPeriod(weekday=rh.weekday - 1, start=start, end=end))
    exceptions: dict[str, list[m.OpeningPeriod]] = {}
    for closing in ot.exceptionalClosings or ():
        if closing and closing.begin:
            exceptions.setdefault(closing.begin.date().isoformat(), [])
    for opening in ot.exceptionalOpenings or ():
        if opening and opening.begin and opening.end:
            exceptions.setdefault(opening.begin.date().isoformat(), []).append(
                m.OpeningPeriod(
                    weekday=opening.begin.weekday(),
                    start=opening.begin.strftime("%H:%M"),
                    end=opening.end.strftime("%H:%M"),
                )
            )
    full_days = {p.weekday for p in regular if p.start == "00:00" and p.end == "24:00"}
    description = (ot.description or "").lower()
    always = len(full_days) == 7 or (
        not regular and any(k in description for k in ("24/7", "24h", "always", "24 hours"))
    )
    return m.OpeningHours(always_open=always, regular=regular, exceptions=exceptions)


_NUM = r"(\d+(?:[.,]\d+)?)"


def tariff_from_text(text: str | None) -> m.Tariff | None:
    """A reading of ``CpInfo.payment``: the document has no structured price on a Cp or
    Connector, only this free text. Phrases like "0.39 EUR/kWh + 0.01 EUR/min + 0.99 EUR
    start + parking 0.10 EUR/min after 240 min" are understood; anything without a per-kWh
    price gives None (the UI then shows the text itself, Station.payment_info)."""
    if not text:
        return None

    def num(v: str) -> float:
        return float(v.replace(",", "."))

    kwh = re.search(_NUM + r"\s*([A-Z]{3})\s*/\s*kWh", text)
    if kwh is None:
        return None
    tariff = m.Tariff(currency=kwh.group(2), per_kwh=num(kwh.group(1)))
    parking = re.search(
        r"(?i)parking\s+" + _NUM + r"\s*[A-Z]{3}\s*/\s*min"
        r"(?:\s+after\s+(\d+)\s*min)?",
        text,
    )
    if parking:
        tariff.parking_per_minute = num(parking.group(1))
        tariff.parking_grace_minutes = int(parking.group(2) or 0)
    rest = text[: parking.start()] + text[parking.end() :] if parking else text
    per_min = re.search(_NUM + r"\s*[A-Z]{3}\s*/\s*min", rest)
    if per_min:
        tariff.per_minute = num(per_min.group(1))
    start = re.search(_NUM + r"\s*[A-Z]{3}\s+(?:start|session|connection)", rest, re.I)
    if start:
        tariff.start_fee = num(start.group(1))
    return tariff


@lru_cache(maxsize=512)
def _price_of(payment: str | None) -> m.Tariff | None:
    """tariff_from_text once per distinct text: a page repeats a few operators' texts
    a hundred times. Callers copy the result before changing it."""
    return tariff_from_text(payment)


def _field(cp: w.Cp, name: str) -> str | None:
    for f in cp.additionalFields or ():
        if f is not None and f.name == name and f.value:
            return f.value
    return None


def station(cp: w.Cp, base_url: str, *, remote_start: bool | None = None) -> m.Station:
    connectors = [connector(c, cp.id) for c in (cp.connectors or ()) if c is not None]
    payment = cp.information.payment if cp.information else None
    price = _price_of(payment)
    if price is not None:
        for c in connectors:
            if c.price is None:
                c.price = price.model_copy()
    available = sum(1 for c in connectors if c.status is m.ConnectorStatus.AVAILABLE)
    if cp.status and cp.status.simple:
        overall = connector_status(cp.status.simple)
    elif available:
        overall = m.ConnectorStatus.AVAILABLE
    elif any(c.status is m.ConnectorStatus.OCCUPIED for c in connectors):
        overall = m.ConnectorStatus.OCCUPIED
    else:
        overall = m.ConnectorStatus.UNKNOWN
    powers = [c.max_power_kw for c in connectors if c.max_power_kw is not None]
    lat = cp.latitude if cp.latitude is not None else (cp.site.latitude if cp.site else None)
    lon = cp.longitude if cp.longitude is not None else (cp.site.longitude if cp.site else None)
    return m.Station(
        id=cp.id,
        name=cp.publicName or cp.label or (cp.site.label if cp.site else None) or cp.id,
        operator=_field(cp, "operator") or (cp.site.company if cp.site else None),
        address=m.Address(street=cp.address, postal_code=cp.zip, city=cp.city, country=cp.country),
        coordinates=m.Coordinates(latitude=lat or 0.0, longitude=lon or 0.0),
        access=cp.accessType.lower() if cp.accessType else None,
        opening_hours=opening_hours(cp.information.openingTimes if cp.information else None),
        images=[
            urljoin(base_url.rstrip("/") + "/", i.url) for i in (cp.images or ()) if i and i.url
        ],
        connectors=connectors,
        status=m.StatusSummary(status=overall, available=available, total=len(connectors)),
        favourite=bool(cp.isFavoured),
        max_power_kw=max(powers) if powers else None,
        site_id=cp.siteId or (cp.site.id if cp.site else None),
        remote_start=remote_start,
        payment_info=payment,
        phone=cp.contact.phone if cp.contact else None,
    )


def card(c: w.Card) -> m.Card:
    status = (
        m.CardStatus.ACTIVE
        if (c.status or "active").lower() == "active"
        else (m.CardStatus.BLOCKED)
    )
    if c.expiryDate is not None and _aware(c.expiryDate) < datetime.now(UTC):
        status = m.CardStatus.EXPIRED
    return m.Card(
        id=c.id,
        uid=c.tagId,
        number=c.number,
        label=c.label,
        type=c.type,
        status=status,
        expiry=_aware(c.expiryDate) if c.expiryDate else None,
        rate=c.rate.name if c.rate else None,
    )


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def session_state(status: str) -> m.SessionState:
    """Chargelog.status is a free string: the core's state machine words, the
    ChargelogFilter's started/stopped, and OCPP/OCPI words (see common.vocabulary)."""
    return vocabulary.session_state(status)


def cost(c: w.Cost | None) -> m.Cost | None:
    if c is None:
        return None
    total = c.grossAmount if c.grossAmount is not None else c.total
    if total is None:
        return None
    items = [
        m.CostItem(
            description=i.description or "",
            net=i.netAmount,
            tax_rate=i.taxRate,
            tax=i.taxAmount,
            gross=i.grossAmount if i.grossAmount is not None else 0.0,
        )
        for i in (c.costItems or ())
        if i is not None
    ]
    nets = [i.net for i in items if i.net is not None]
    taxes = [i.tax for i in items if i.tax is not None]
    return m.Cost(
        total=total,
        currency=c.currency or "EUR",
        net=round(sum(nets), 2) if nets and len(nets) == len(items) else None,
        tax=round(sum(taxes), 2) if taxes and len(taxes) == len(items) else None,
        items=items,
    )


def session(log: w.Chargelog, summary: w.MeterValuesSummary | None = None) -> m.ChargingSession:
    conn = log.connector
    cp = conn.cp
    # meterStart/meterEnd are Int without a unit in the document; OCPP meters (and the
    # embedded core) count Wh, so they are read as Wh.
    energy = log.energyConsumption
    power = soc = None
    readings = []
    if summary is not None:
        # sumEnergy is read as kWh like energyConsumption; currentPower (Int) as W, since
        # an integer kW would lose the resolution a live screen needs.
        if summary.sumEnergy is not None and (energy is None or summary.sumEnergy > energy):
            energy = summary.sumEnergy
        power = summary.currentPower / 1000.0 if summary.currentPower is not None else None
        soc = (
            float(summary.currentStateOfCharge)
            if summary.currentStateOfCharge is not None
            else None
        )
        at = _parse_time(summary.energyUpdatedAt or summary.updatedAt)
        if at is not None:
            readings.append(m.MeterReading(at=at, energy_kwh=energy, power_kw=power, soc=soc))
    return m.ChargingSession(
        id=log.id,
        station_id=cp.id if cp else None,
        station_name=(cp.publicName or cp.label) if cp else None,
        connector_id=conn.id,
        evse_id=conn.evseId,
        card_uid=log.authId,
        state=session_state(log.status),
        started_at=_aware(log.dateStart) if log.dateStart else None,
        ended_at=_aware(log.dateEnd) if log.dateEnd else None,
        energy_kwh=energy or 0.0,
        power_kw=power,
        soc=soc,
        meter_start_kwh=log.meterStart / 1000.0 if log.meterStart is not None else None,
        meter_end_kwh=log.meterEnd / 1000.0 if log.meterEnd is not None else None,
        cost=cost(log.cost),
        co2_saved_kg=log.co2Saving,
        readings=readings,
    )


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return _aware(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


# LanguageCode values of the document; the neutral models speak ISO 639-1 ("de").
LANGUAGE_CODES = (
    "de_DE",
    "en_US",
    "sv_SE",
    "it_IT",
    "fr_FR",
    "ru_RU",
    "hu_HU",
    "no_NO",
    "es_ES",
    "lv_LV",
    "uk_UA",
    "da_DK",
    "nl_NL",
    "ro_RO",
    "ja_JP",
    "hr_HR",
    "fi_FI",
)


def language_code(language: str | None) -> str | None:
    """ "de" / "de-DE" / "de_DE" -> the document's LanguageCode, or None if it has none."""
    if not language:
        return None
    norm = language.replace("-", "_")
    for code in LANGUAGE_CODES:
        if code.lower() == norm.lower():
            return code
    prefix = norm.split("_")[0].lower()
    return next((c for c in LANGUAGE_CODES if c.split("_")[0] == prefix), None)


def short_language(code: str | None) -> str | None:
    return code.replace("-", "_").split("_")[0].lower() if code else None


def profile(c: w.Contact) -> m.Profile:
    a = c.address or w.Address()
    return m.Profile(
        id=c.id,
        email=c.email or "",
        first_name=c.firstName,
        last_name=c.name,
        phone=c.phone or c.mobile,
        address=m.Address(street=a.street, postal_code=a.zip, city=a.city, country=a.country),
        language=short_language(c.language),
    )


def document(d: w.AccountDocument) -> m.Document:
    return m.Document(
        id=d.id or "",
        type=d.type or "document",
        title=d.title or (d.type or "Document"),
        date=_aware(d.documentDate) if d.documentDate else None,
        download_url=d.downloadLink,
    )


_DAYS = {
    "MONDAY": 0,
    "TUESDAY": 1,
    "WEDNESDAY": 2,
    "THURSDAY": 3,
    "FRIDAY": 4,
    "SATURDAY": 5,
    "SUNDAY": 6,
}


def occupancy(rates: list[w.OccupancyRate]) -> list[m.OccupancySlot]:
    slots = []
    for r in rates:
        day = _DAYS.get(r.day.upper())
        if day is None or not (0 <= r.hour <= 23):
            continue
        rate = r.occupancyRate / 100.0 if r.occupancyRate > 1 else r.occupancyRate  # % or 0..1
        slots.append(m.OccupancySlot(weekday=day, hour=r.hour, rate=max(0.0, min(1.0, rate))))
    return slots


def page(items: list, pagination: w.Pagination | None, offset: int, limit: int) -> m.Page:
    p = pagination or w.Pagination()
    return m.Page(
        items=items,
        offset=p.offset if p.offset is not None else offset,
        limit=p.limit if p.limit is not None else limit,
        total=p.totalCount,
        is_last=p.isLastPage if p.isLastPage is not None else len(items) < limit,
    )
