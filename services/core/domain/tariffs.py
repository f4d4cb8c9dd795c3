"""Tariffs and cost calculation: what a charging session costs, item by item.

Pure functions, no database access: callers pass a tariff (a ``tariffs`` row, a dict, or the
JSON snapshot stored in ``sessions.tariff_snapshot``) and the session's measured quantities.

Price model (one ``tariffs`` row; all prices are GROSS, tax included, in the tariff currency):
- ``start_fee``: once per session;
- ``per_kwh``: per kWh delivered (meter end - meter start, Wh precision);
- ``per_minute``: per minute while the vehicle is connected (session start to session end);
- ``parking_per_minute``: per minute after energy stopped flowing (``charging_end``) until
  the session ended, counted only beyond ``parking_grace_minutes``;
- ``tax_rate``: percent included in the gross prices (e.g. 19.0 for German VAT).

Durations are exact (seconds / 60), not rounded up to whole minutes: the driver pays for
the time used, and live cost during a session grows smoothly.

Rounding rule (applied once, the same way everywhere): each item's GROSS amount is
``quantity * unit price`` rounded half-up to cents; its NET amount is
``gross / (1 + tax_rate / 100)`` rounded half-up to cents; its TAX amount is
``gross - net``, so ``net + tax == gross`` holds exactly per item. Totals are sums of the
rounded item amounts, so the items always add up to the totals shown on an invoice.
Items whose gross amount rounds to 0.00 are left out.

Free of charge: a free connector (``connectors.free_of_charge``) costs nothing and yields NO
cost items (total, net and tax all 0.0). An empty item list is what the documents' ``Cost``
can express without inventing a description for a line that is not a price.

Rate packages (``rate_packages``): a prepaid fixed gross amount for a runtime; a session
started with a package is billed as that single item (see :func:`package_cost`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")

# CO2 saved per kWh charged, in kg. Why this number: a comparable petrol car burns about
# 7.0 l/100 km at 2.37 kg CO2 per litre (tank-to-wheel, German UBA factor) = 16.59 kg/100 km;
# an EV needs about 18 kWh/100 km, so each kWh charged replaces 0.9217 kg of tailpipe CO2.
# The electricity itself is not free of CO2: the German grid mix emitted about 0.38 kg/kWh
# in 2023 (UBA). Net saving: 0.9217 - 0.38 = 0.5417, rounded to 0.54 kg per kWh.
PETROL_KG_CO2_PER_LITRE = 2.37
PETROL_LITRES_PER_100KM = 7.0
EV_KWH_PER_100KM = 18.0
GRID_KG_CO2_PER_KWH = 0.38
CO2_KG_PER_KWH = round(
    PETROL_LITRES_PER_100KM * PETROL_KG_CO2_PER_LITRE / EV_KWH_PER_100KM - GRID_KG_CO2_PER_KWH, 2
)

TARIFF_FIELDS = (
    "name",
    "currency",
    "start_fee",
    "per_kwh",
    "per_minute",
    "parking_per_minute",
    "parking_grace_minutes",
    "tax_rate",
)


@dataclass(frozen=True)
class Tariff:
    name: str = ""
    currency: str = "EUR"
    start_fee: float = 0.0
    per_kwh: float = 0.0
    per_minute: float = 0.0
    parking_per_minute: float = 0.0
    parking_grace_minutes: int = 0
    tax_rate: float = 19.0

    @property
    def is_free(self) -> bool:
        return not (self.start_fee or self.per_kwh or self.per_minute or self.parking_per_minute)


@dataclass(frozen=True)
class CostItem:
    description: str
    net_amount: float
    tax_rate: float
    tax_amount: float
    gross_amount: float

    def as_row(self) -> dict[str, Any]:
        """Column values for ``session_cost_items`` (without id / session_id)."""
        return {
            "description": self.description,
            "net_amount": self.net_amount,
            "tax_rate": self.tax_rate,
            "tax_amount": self.tax_amount,
            "gross_amount": self.gross_amount,
        }


@dataclass(frozen=True)
class Cost:
    currency: str
    items: list[CostItem] = field(default_factory=list)
    total: float = 0.0  # gross, what the driver pays
    net: float = 0.0
    tax: float = 0.0

    def as_session_columns(self) -> dict[str, Any]:
        """Values for ``sessions.currency/cost_total/cost_net/cost_tax``."""
        return {
            "currency": self.currency,
            "cost_total": self.total,
            "cost_net": self.net,
            "cost_tax": self.tax,
        }


def tariff_from(source: Tariff | Mapping[str, Any] | str) -> Tariff:
    """Accept a Tariff, a ``tariffs`` row / dict, or a JSON snapshot string."""
    if isinstance(source, Tariff):
        return source
    if isinstance(source, str):
        source = json.loads(source)
    keys = source.keys()
    values = {k: source[k] for k in TARIFF_FIELDS if k in keys and source[k] is not None}
    for k in ("start_fee", "per_kwh", "per_minute", "parking_per_minute", "tax_rate"):
        if k in values:
            values[k] = float(values[k])
    if "parking_grace_minutes" in values:
        values["parking_grace_minutes"] = int(values["parking_grace_minutes"])
    return Tariff(**values)


def snapshot(source: Tariff | Mapping[str, Any]) -> str:
    """JSON for ``sessions.tariff_snapshot``: the prices in force when the session started,
    so later tariff edits never change a session's bill."""
    t = tariff_from(source)
    return json.dumps({k: getattr(t, k) for k in TARIFF_FIELDS}, sort_keys=True)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _dec(value: float) -> Decimal:
    # via str so binary float noise (0.1 + 0.2) never leaks into half-up rounding
    return Decimal(repr(float(value)))


def make_item(description: str, gross: Decimal, tax_rate: float) -> CostItem:
    """One item from an unrounded gross amount, applying the module's rounding rule."""
    gross_r = _money(gross)
    net_r = _money(gross_r / (1 + _dec(tax_rate) / 100))
    return CostItem(
        description=description,
        net_amount=float(net_r),
        tax_rate=float(tax_rate),
        tax_amount=float(gross_r - net_r),
        gross_amount=float(gross_r),
    )


def _minutes(start: datetime, end: datetime) -> Decimal:
    seconds = max(0.0, (end - start).total_seconds())
    return Decimal(repr(seconds)) / 60


def _fmt(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}"


def session_cost(
    tariff: Tariff | Mapping[str, Any] | str,
    *,
    energy_kwh: float,
    start: datetime,
    end: datetime,
    charging_end: datetime | None = None,
    free_of_charge: bool = False,
) -> Cost:
    """The cost of a session (finished, or running: pass ``end=now``).

    ``charging_end`` is when energy stopped flowing; parking is billed from there to
    ``end`` beyond the grace period. ``None`` means energy flowed until ``end``.
    """
    t = tariff_from(tariff)
    if free_of_charge or t.is_free:
        return Cost(currency=t.currency)
    energy = Decimal(repr(round(max(0.0, float(energy_kwh)), 3)))  # meters count Wh
    connected = _minutes(start, end)
    parking = Decimal(0)
    if charging_end is not None and charging_end < end:
        parking = max(Decimal(0), _minutes(charging_end, end) - t.parking_grace_minutes)
    cur = t.currency
    raw: list[tuple[str, Decimal]] = []
    if t.start_fee:
        raw.append(("Start fee", _dec(t.start_fee)))
    if t.per_kwh:
        raw.append(
            (
                f"Energy {_fmt(energy, 3)} kWh x {_fmt(_dec(t.per_kwh), 2)} {cur}/kWh",
                energy * _dec(t.per_kwh),
            )
        )
    if t.per_minute:
        raw.append(
            (
                f"Charging time {_fmt(connected, 1)} min x {_fmt(_dec(t.per_minute), 2)} {cur}/min",
                connected * _dec(t.per_minute),
            )
        )
    if t.parking_per_minute and parking > 0:
        raw.append(
            (
                f"Parking {_fmt(parking, 1)} min x {_fmt(_dec(t.parking_per_minute), 2)} {cur}/min"
                f" (after {t.parking_grace_minutes} min grace)",
                parking * _dec(t.parking_per_minute),
            )
        )
    items = [make_item(desc, gross, t.tax_rate) for desc, gross in raw]
    items = [i for i in items if i.gross_amount != 0]
    return _totals(cur, items)


def package_cost(amount: float, *, tax_rate: float, currency: str = "EUR", name: str = "") -> Cost:
    """A session bought as a rate package is billed its fixed gross amount as one item."""
    desc = f"Rate package {name}".strip()
    items = [make_item(desc, _dec(amount), tax_rate)]
    items = [i for i in items if i.gross_amount != 0]
    return _totals(currency, items)


def _totals(currency: str, items: list[CostItem]) -> Cost:
    gross = sum((_dec(i.gross_amount) for i in items), Decimal(0))
    net = sum((_dec(i.net_amount) for i in items), Decimal(0))
    tax = sum((_dec(i.tax_amount) for i in items), Decimal(0))
    return Cost(
        currency=currency,
        items=items,
        total=float(_money(gross)),
        net=float(_money(net)),
        tax=float(_money(tax)),
    )


def co2_saving_kg(energy_kwh: float) -> float:
    """CO2 saved by charging ``energy_kwh`` instead of burning petrol (see CO2_KG_PER_KWH)."""
    return round(max(0.0, float(energy_kwh)) * CO2_KG_PER_KWH, 3)


def price_summary(tariff: Tariff | Mapping[str, Any] | str) -> str:
    """Short human-readable price line for station screens, e.g. '0.49 EUR/kWh + 1.00 EUR'."""
    t = tariff_from(tariff)
    if t.is_free:
        return "Free of charge"
    parts = []
    if t.per_kwh:
        parts.append(f"{t.per_kwh:.2f} {t.currency}/kWh")
    if t.per_minute:
        parts.append(f"{t.per_minute:.2f} {t.currency}/min")
    if t.start_fee:
        parts.append(f"{t.start_fee:.2f} {t.currency} start")
    if t.parking_per_minute:
        parts.append(
            f"parking {t.parking_per_minute:.2f} {t.currency}/min after "
            f"{t.parking_grace_minutes} min"
        )
    return " + ".join(parts)
