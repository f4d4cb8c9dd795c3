"""Statistics summed from a driver's sessions, for APIs that publish none."""

from __future__ import annotations

from collections.abc import Iterable

from services import models as m


def summed_statistics(sessions: Iterable[m.ChargingSession]) -> m.Statistics:
    """Ended sessions counted per month (of their start); running ones are left out."""
    months: dict[str, m.MonthlyStatistics] = {}
    stats = m.Statistics()
    currency = None
    for s in sessions:
        if s.state.is_active or s.started_at is None:
            continue
        key = s.started_at.strftime("%Y-%m")
        mo = months.setdefault(
            key,
            m.MonthlyStatistics(
                month=key, sessions=0, energy_kwh=0.0, cost=0.0, co2_saved_kg=0.0
            ),
        )
        mo.sessions += 1
        stats.sessions += 1
        mo.energy_kwh = round(mo.energy_kwh + s.energy_kwh, 3)
        stats.energy_kwh += s.energy_kwh
        if s.cost is not None:
            mo.cost = round(mo.cost + s.cost.total, 2)
            stats.cost += s.cost.total
            currency = currency or s.cost.currency
        stats.duration_s += s.duration_s or 0.0
    stats.energy_kwh = round(stats.energy_kwh, 3)
    stats.cost = round(stats.cost, 2)
    stats.currency = currency or "EUR"
    stats.months = sorted(months.values(), key=lambda x: x.month)
    return stats
