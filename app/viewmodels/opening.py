"""Is a station open now? Opening hours are local wall-clock times at the station."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.models import OpeningHours, OpeningPeriod

# The neutral model carries no time zone; every demo and documented operator is in
# Central Europe, so hours are read in Europe/Berlin wall-clock time.
STATION_TZ = ZoneInfo("Europe/Berlin")


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def periods_on(hours: OpeningHours, day: datetime) -> list[OpeningPeriod]:
    key = day.strftime("%Y-%m-%d")
    if key in hours.exceptions:
        return hours.exceptions[key]
    return [p for p in hours.regular if p.weekday == day.weekday()]


def is_open(hours: OpeningHours | None, now: datetime | None = None) -> bool | None:
    """True/False, or None when the station publishes no hours."""
    if hours is None:
        return None
    if hours.always_open:
        return True
    if not hours.regular and not hours.exceptions:
        return None
    local = (now or datetime.now(STATION_TZ)).astimezone(STATION_TZ)
    minute = local.hour * 60 + local.minute
    for p in periods_on(hours, local):
        start, end = _minutes(p.start), _minutes(p.end)
        if end <= start:  # past midnight: open from start until end next day
            if minute >= start:
                return True
        elif start <= minute < end:
            return True
    # A period of yesterday running past midnight
    for p in periods_on(hours, local - timedelta(days=1)):
        start, end = _minutes(p.start), _minutes(p.end)
        if end <= start and minute < end:
            return True
    return False


def week_lines(hours: OpeningHours | None, day_names: list[str]) -> list[tuple[str, str]]:
    """(day name, "08:00–20:00, ...") for Monday..Sunday; empty string = closed."""
    if hours is None or hours.always_open:
        return []
    out = []
    for wd in range(7):
        spans = [f"{p.start}–{p.end}" for p in hours.regular if p.weekday == wd]
        out.append((day_names[wd], ", ".join(spans)))
    return out
