"""Wirelane wire models -> provider-neutral models.

A Wirelane charging point is one EVSE; points sharing ``charging_station_id`` are one
station (a point without one is a station of its own). Readings of the document:
``power`` is labelled "kWh" but describes a point's charging speed, so it is read as kW;
``distance`` comes back in metres, the unit the search takes; ``price`` is the gross amount
and ``tax_rate`` a fraction (0.19).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from services import models as m
from services.providers.common import vocabulary

from . import wire as w

POINT_STATUS = {
    "FREE": m.ConnectorStatus.AVAILABLE,
    "IN_USE": m.ConnectorStatus.OCCUPIED,
    "RESERVED": m.ConnectorStatus.OCCUPIED,
    "UNAVAILABLE": m.ConnectorStatus.OUT_OF_ORDER,
    "FAULTED": m.ConnectorStatus.OUT_OF_ORDER,
    "CLOSED": m.ConnectorStatus.OUT_OF_ORDER,
    "UNKNOWN": m.ConnectorStatus.UNKNOWN,
}

PLUG = {
    "TYPE_2": m.PlugType.TYPE2,
    "TYPE_2_ATCH": m.PlugType.TYPE2,
    "CCS": m.PlugType.CCS,
    "CHADEMO": m.PlugType.CHADEMO,
    "SCHUKO": m.PlugType.SCHUKO,
}

# The documented session statuses, in the neutral state machine's words.
SESSION_STATE = {
    "initial": m.SessionState.REQUESTED,
    "authorization_pending": m.SessionState.REQUESTED,
    "start_pending": m.SessionState.REQUESTED,
    "start_accepted": m.SessionState.ACCEPTED,
    "started": m.SessionState.CHARGING,
    "stop_accepted": m.SessionState.STOPPING,
    "stop_pending": m.SessionState.STOPPING,
    "stopped": m.SessionState.FINISHED,
    "closed": m.SessionState.FINISHED,
    "canceled": m.SessionState.FAILED,
    "error": m.SessionState.FAILED,
    "error_consecutive_start": m.SessionState.FAILED,
}

MEMBER_STATUS = {
    "pending": m.FleetMemberStatus.PENDING,
    "active": m.FleetMemberStatus.ACTIVE,
    "revoked": m.FleetMemberStatus.REVOKED,
    "terminated": m.FleetMemberStatus.TERMINATED,
}


def point_status(word: str | None) -> m.ConnectorStatus:
    return POINT_STATUS.get((word or "").strip().upper(), m.ConnectorStatus.UNKNOWN)


def plug_type(plug_types: list[str]) -> m.PlugType:
    for name in plug_types:
        if name.upper() in PLUG:
            return PLUG[name.upper()]
    return m.PlugType.OTHER


def station_id(p: w.ChargingPoint) -> str:
    return p.charging_station_id or p.point_id or p.evseid or ""


def connector(p: w.ChargingPoint) -> m.Connector:
    return m.Connector(
        id=p.point_id or p.evseid or "",
        evse_id=p.evseid,
        station_id=station_id(p),
        label=p.display_id or p.charge_point_id,
        plug_type=plug_type(p.plug_types),
        current_type=vocabulary.current_from_text(p.charging_type),
        max_power_kw=p.power,
        status=point_status(p.status),
        status_detail=p.status,
        status_since=p.update_date,
    )


def _street(p: w.ChargingPoint) -> str | None:
    text = " ".join(x for x in (p.street, p.house_number) if x)
    return text or None


_DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
_RULE = re.compile(
    r"(?i)^\s*([a-z]{2})(?:\s*-\s*([a-z]{2}))?\s*:?\s*"
    r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$"
)


def opening_hours(text: str | None) -> m.OpeningHours | None:
    """The deprecated ``opening_hours`` label in the forms its example uses
    (``Mo-Fr 09:00 - 20:00``, rules joined by ``;`` or ``,``) and "24/7"; other labels give
    None (the station then shows no hours rather than wrong ones)."""
    if not text or not text.strip():
        return None
    if text.strip().lower() in ("24/7", "24h", "mo-su 00:00-24:00", "always open"):
        return m.OpeningHours(always_open=True)
    regular: list[m.OpeningPeriod] = []
    for rule in re.split(r"[;,]", text):
        match = _RULE.match(rule)
        if match is None:
            return None
        first, last = match.group(1).lower(), (match.group(2) or match.group(1)).lower()
        if first not in _DAYS or last not in _DAYS:
            return None
        start = f"{int(match.group(3)):02d}:{match.group(4)}"
        end = f"{int(match.group(5)):02d}:{match.group(6)}"
        first_i, last_i = _DAYS.index(first), _DAYS.index(last)
        days = range(first_i, last_i + 1) if first_i <= last_i else [*range(first_i, 7),
                                                                      *range(0, last_i + 1)]
        regular += [m.OpeningPeriod(weekday=d, start=start, end=end) for d in days]
    full = {p.weekday for p in regular if p.start == "00:00" and p.end in ("24:00", "23:59")}
    return m.OpeningHours(always_open=len(full) == 7, regular=regular)


def stations(points: Iterable[w.ChargingPoint]) -> list[m.Station]:
    """Points grouped into stations, in the order their first point came."""
    groups: dict[str, list[w.ChargingPoint]] = {}
    for p in points:
        if p.latitude is None or p.longitude is None:
            continue  # a point with no place cannot be shown or searched
        groups.setdefault(station_id(p), []).append(p)
    return [station(sid, members) for sid, members in groups.items() if sid]


def station(sid: str, points: list[w.ChargingPoint]) -> m.Station:
    first = points[0]
    connectors = [connector(p) for p in points]
    for order, c in enumerate(connectors, start=1):
        c.sort_order = order
    address = m.Address(
        street=_street(first),
        postal_code=first.zip_code,
        city=first.city,
        country=first.country,
    )
    distances = [p.distance for p in points if p.distance is not None]
    powers = [c.max_power_kw for c in connectors if c.max_power_kw is not None]
    return m.Station(
        id=sid,
        name=address.one_line() or first.display_id or sid,
        operator=first.cpo or first.owner,
        address=address,
        coordinates=m.Coordinates(latitude=first.latitude, longitude=first.longitude),
        distance_km=round(min(distances) / 1000, 3) if distances else None,
        opening_hours=opening_hours(first.opening_hours),
        connectors=connectors,
        status=summary(connectors),
        max_power_kw=max(powers) if powers else None,
        phone=first.service_hotline,
        payment_info=first.payment_url,
    )


def summary(connectors: list[m.Connector]) -> m.StatusSummary:
    available = sum(c.status is m.ConnectorStatus.AVAILABLE for c in connectors)
    statuses = {c.status for c in connectors}
    if available:
        status = m.ConnectorStatus.AVAILABLE
    elif m.ConnectorStatus.OCCUPIED in statuses:
        status = m.ConnectorStatus.OCCUPIED
    elif statuses == {m.ConnectorStatus.OUT_OF_ORDER}:
        status = m.ConnectorStatus.OUT_OF_ORDER
    else:
        status = m.ConnectorStatus.UNKNOWN
    return m.StatusSummary(status=status, available=available, total=len(connectors))


def session_state(word: str | None) -> m.SessionState:
    key = (word or "").strip().lower()
    if key in SESSION_STATE:
        return SESSION_STATE[key]
    return vocabulary.session_state(key)


def cost(s: w.Session) -> m.Cost | None:
    if s.price is None:
        return None
    currency = s.currency or "EUR"
    if s.tax_rate is None:
        return m.Cost(total=round(s.price, 2), currency=currency)
    rate = s.tax_rate if s.tax_rate < 1 else s.tax_rate / 100  # 19 means 19 % too
    net = round(s.price / (1 + rate), 2)
    return m.Cost(total=round(s.price, 2), currency=currency, net=net,
                  tax=round(s.price - net, 2))


def _session_place(s: w.Session) -> str | None:
    street = " ".join(x for x in (s.street, s.house_number) if x)
    text = ", ".join(x for x in (street, " ".join(y for y in (s.zip_code, s.city) if y)) if x)
    return text or None


def session(s: w.Session) -> m.ChargingSession:
    started = s.session_begin or s.transaction_begin or s.process_begin
    ended = s.session_end or s.transaction_end or s.process_end
    state = session_state(s.status)
    return m.ChargingSession(
        id=s.session_id or s.cpo_session_id or "",
        station_id=s.charging_station_id,
        station_name=_session_place(s),
        connector_id=s.charging_point_id,
        evse_id=s.evseid,
        card_uid=s.card_number,
        state=state,
        started_at=started,
        ended_at=ended if not state.is_active else None,
        energy_kwh=s.kwh or 0.0,
        cost=cost(s),
        failure_reason=(s.error_message or s.error_code) if state is m.SessionState.FAILED
        else None,
    )


def subscription(sub: w.Subscription) -> m.FleetSubscription:
    return m.FleetSubscription(id=sub.id, plan=sub.plan_key, begins_at=sub.begin,
                               ends_at=sub.end)


def member(
    raw: w.Member,
    *,
    payment_methods: int | None = None,
    subscription_: m.FleetSubscription | None = None,
) -> m.FleetMember:
    account = raw.account or w.Account()
    name = account.name or " ".join(x for x in (account.first_name, account.last_name) if x)
    return m.FleetMember(
        id=raw.account_id or "",
        email=raw.email or account.email,
        name=name or None,
        status=MEMBER_STATUS.get((raw.status or "").lower(), m.FleetMemberStatus.UNKNOWN),
        status_detail=raw.status,
        payment_methods=payment_methods,
        subscription=subscription_,
    )


def is_current(sub: m.FleetSubscription, now: datetime) -> bool:
    return (sub.begins_at is None or sub.begins_at <= now) and (
        sub.ends_at is None or sub.ends_at > now
    )
