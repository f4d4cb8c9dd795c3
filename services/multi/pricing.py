"""The price of a typical session under a tariff, computed the way back ends bill a session:
each item (start fee, energy, connected minutes, parking beyond the grace period) rounded
half-up to the cent, the total their sum. Prices are gross, as tariffs show them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from services.models import Cost, CostItem, Tariff, TypicalSession

CENT = Decimal("0.01")


def _dec(value: float) -> Decimal:
    # via repr so binary float noise never tips a half-up rounding
    return Decimal(repr(float(value)))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _item(description: str, gross: Decimal, tax_rate: float | None) -> CostItem:
    gross = _cents(gross)
    if tax_rate is None:
        return CostItem(description=description, gross=float(gross))
    net = _cents(gross / (1 + _dec(tax_rate) / 100))
    return CostItem(
        description=description,
        gross=float(gross),
        net=float(net),
        tax=float(gross - net),
        tax_rate=tax_rate,
    )


def typical_cost(tariff: Tariff, typical: TypicalSession | None = None) -> Cost:
    """What ``typical`` costs under ``tariff``. Per-minute prices run for the whole time
    connected (charging and parking); parking prices only beyond the grace period."""
    typical = typical or TypicalSession()
    if tariff.free_of_charge:
        return Cost(total=0.0, currency=tariff.currency, net=0.0, tax=0.0)
    connected = typical.minutes + typical.parking_minutes
    parking = max(0, typical.parking_minutes - tariff.parking_grace_minutes)
    raw = [
        ("Start fee", _dec(tariff.start_fee)),
        (f"Energy {typical.energy_kwh:g} kWh", _dec(typical.energy_kwh) * _dec(tariff.per_kwh)),
        (f"Time {connected} min", connected * _dec(tariff.per_minute)),
        (f"Parking {parking} min", parking * _dec(tariff.parking_per_minute)),
    ]
    items = [_item(d, g, tariff.tax_rate) for d, g in raw if _cents(g) != 0]
    total = sum((_dec(i.gross) for i in items), Decimal(0))
    known_tax = tariff.tax_rate is not None
    return Cost(
        total=float(_cents(total)),
        currency=tariff.currency,
        net=float(sum((_dec(i.net or 0) for i in items), Decimal(0))) if known_tax else None,
        tax=float(sum((_dec(i.tax or 0) for i in items), Decimal(0))) if known_tax else None,
        items=items,
    )


def sort_key(cost: Cost | None) -> tuple[bool, float]:
    """Cheapest first; an unknown price after every known one."""
    return (cost is None, cost.total if cost is not None else 0.0)
