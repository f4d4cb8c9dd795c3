"""Currencies the core prices in (ISO 4217): code, numeric code, name, minor units and how
amounts are written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Currency:
    code: str
    numeric: int
    name: str
    decimals: int = 2
    symbol: str | None = None
    symbol_first: bool = False


_ALL = (
    Currency("EUR", 978, "Euro", symbol="€"),
    Currency("CHF", 756, "Swiss Franc", symbol="CHF", symbol_first=True),
    Currency("DKK", 208, "Danish Krone", symbol="kr."),
    Currency("SEK", 752, "Swedish Krona", symbol="kr"),
    Currency("NOK", 578, "Norwegian Krone", symbol="kr"),
    Currency("GBP", 826, "Pound Sterling", symbol="£", symbol_first=True),
    Currency("PLN", 985, "Zloty", symbol="zł"),
    Currency("CZK", 203, "Czech Koruna", symbol="Kč"),
)
BY_CODE = {c.code: c for c in _ALL}
BY_NUMERIC = {c.numeric: c for c in _ALL}


def of(code: str) -> Currency:
    """The currency with ``code``; one the table does not know keeps its code as its name."""
    return BY_CODE.get(code.upper()) or Currency(code.upper(), 0, code.upper())
