"""Formatting numbers, money, distances and durations for display."""

from __future__ import annotations

from datetime import datetime

KM_PER_MILE = 1.609344


def distance(km: float | None, units: str = "km") -> str:
    if km is None:
        return ""
    if units == "mi":
        miles = km / KM_PER_MILE
        return f"{miles:.1f} mi" if miles < 10 else f"{miles:.0f} mi"
    if km < 1:
        return f"{round(km * 1000 / 10) * 10:.0f} m"
    return f"{km:.1f} km" if km < 10 else f"{km:.0f} km"


def money(amount: float | None, currency: str = "EUR", language: str = "en") -> str:
    if amount is None:
        return ""
    symbol = {"EUR": "€", "CHF": "CHF ", "DKK": "DKK ", "GBP": "£", "USD": "$"}.get(
        currency, currency + " "
    )
    text = f"{amount:,.2f}"
    if language == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
        return f"{text} {symbol.strip()}"
    return f"{symbol}{text}"


def number(value: float | None, digits: int = 1, language: str = "en") -> str:
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    if language == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def kwh(value: float | None, language: str = "en") -> str:
    return f"{number(value, 2, language)} kWh"


def kw(value: float | None, language: str = "en") -> str:
    return f"{number(value, 1, language)} kW"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def date_time(value: datetime | None, language: str = "en") -> str:
    if value is None:
        return ""
    local = value.astimezone()
    return local.strftime("%d.%m.%Y %H:%M" if language == "de" else "%Y-%m-%d %H:%M")


def date(value: datetime | None, language: str = "en") -> str:
    if value is None:
        return ""
    local = value.astimezone()
    return local.strftime("%d.%m.%Y" if language == "de" else "%Y-%m-%d")
