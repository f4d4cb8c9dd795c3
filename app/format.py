"""Formatting numbers, money, energy, distances, durations and prices for display.

Numbers follow the UI language ("2.1 km" in English, "2,1 km" in German). A number and its
unit are joined by a no-break space, so a narrow screen never wraps "0,39" away from "€".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

KM_PER_MILE = 1.609344
NBSP = "\u00a0"

Translate = Callable[..., str]


def number(value: float | None, digits: int = 1, language: str = "en") -> str:
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    if language == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def with_unit(value: float | None, unit: str, digits: int = 1, language: str = "en") -> str:
    if value is None:
        return "–"
    return f"{number(value, digits, language)}{NBSP}{unit}"


def distance(km: float | None, units: str = "km", language: str = "en") -> str:
    if km is None:
        return ""
    if units == "mi":
        miles = km / KM_PER_MILE
        return with_unit(miles, "mi", 1 if miles < 10 else 0, language)
    if km < 1:
        return with_unit(round(km * 1000 / 10) * 10, "m", 0, language)
    return with_unit(km, "km", 1 if km < 10 else 0, language)


def money(amount: float | None, currency: str = "EUR", language: str = "en") -> str:
    if amount is None:
        return ""
    symbol = {"EUR": "€", "GBP": "£", "USD": "$"}.get(currency)
    text = number(amount, 2, language)
    if language == "de":
        return f"{text}{NBSP}{symbol or currency}"
    return f"{symbol}{text}" if symbol else f"{currency}{NBSP}{text}"


def kwh(value: float | None, language: str = "en") -> str:
    return with_unit(value, "kWh", 2, language)


def kw(value: float | None, language: str = "en") -> str:
    return with_unit(value, "kW", 1, language)


def power_rating(value: float | None, language: str = "en") -> str:
    """A connector's rated power: "22 kW", "3,7 kW" (no ".0" on whole numbers)."""
    whole = value is not None and float(value).is_integer()
    return with_unit(value, "kW", 0 if whole else 1, language)


def percent(value: float | None, language: str = "en") -> str:
    if value is None:
        return "–"
    # German (DIN 5008) separates the sign; English writes it closed up.
    return f"{value:.0f}{NBSP}%" if language == "de" else f"{value:.0f}%"


def duration(seconds: float | None) -> str:
    """Unambiguous at a glance: "45 s", "1 min 53 s", "5 min", "3 h 14 min", "2 h"."""
    if seconds is None:
        return "–"
    s = max(0, int(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        parts = [(h, "h"), (m, "min")]
    elif m:
        parts = [(m, "min"), (sec, "s")]
    else:
        return f"{sec}{NBSP}s"
    return " ".join(f"{n}{NBSP}{unit}" for n, unit in parts if n or unit == parts[0][1])


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


def month_title(t: Translate, key: str) -> str:
    """ "2026-10" -> "October 2026" / "Oktober 2026"."""
    year, month = key.split("-")
    return f"{t(f'month.{int(month)}')} {year}"


def document_title(t: Translate, kind: str, title: str) -> str:
    """A bill's title in the UI language ("Rechnung Oktober 2026"), built from its type and
    the month its back-end title names; titles we cannot read are shown as they are."""
    key = f"document.{kind}"
    name = t(key)
    if name == key:
        return title
    if m := re.search(r"(\d{4})-(\d{2})", title):
        return f"{name} {month_title(t, m.group(0))}"
    return name


def known_word(t: Translate, group: str, word: str | None) -> str:
    """A back end's word for a kind of thing ("invoice", "virtual") in the UI language, or
    the word itself when the catalogue does not know it."""
    if not word:
        return ""
    key = f"{group}.{word}"
    name = t(key)
    return word if name == key else name


def document_kind(t: Translate, kind: str) -> str:
    return known_word(t, "document", kind)


def connector_title(t: Translate, plug: str, power_kw: float | None, language: str) -> str:
    """ "Typ 2 · 22 kW": in our words (a back end's own connector label is English data)."""
    parts = [t(f"plug.{plug}"), power_rating(power_kw, language) if power_kw else ""]
    return " · ".join(p for p in parts if p)


def tariff_text(t: Translate, tariff: Any, language: str) -> str:
    """A connector's price in one line: "€0.39/kWh · €0.05/min · start fee €1.00"."""
    if tariff is None:
        return t("station.price_unknown")
    if tariff.free_of_charge:
        return t("station.free")
    parts = []
    if tariff.per_kwh:
        parts.append(f"{money(tariff.per_kwh, tariff.currency, language)}/kWh")
    if tariff.per_minute:
        parts.append(f"{money(tariff.per_minute, tariff.currency, language)}/min")
    if tariff.start_fee:
        parts.append(t("station.start_fee", fee=money(tariff.start_fee, tariff.currency, language)))
    if tariff.parking_per_minute:
        parts.append(
            t(
                "station.parking",
                fee=money(tariff.parking_per_minute, tariff.currency, language),
                grace=tariff.parking_grace_minutes,
            )
        )
    return " · ".join(parts) or t("station.free")
