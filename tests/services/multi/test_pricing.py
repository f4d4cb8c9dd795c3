"""A typical session priced with a tariff, item by item as a back end bills it."""

from __future__ import annotations

import pytest

from services.models import Cost, Tariff, TypicalSession
from services.multi.pricing import sort_key, typical_cost


def test_energy_time_and_start_fee_add_up_item_by_item():
    t = Tariff(start_fee=1.0, per_kwh=0.39, per_minute=0.05, tax_rate=19)
    cost = typical_cost(t, TypicalSession(energy_kwh=30, minutes=45))
    assert [i.gross for i in cost.items] == [1.0, 11.7, 2.25]
    assert cost.total == 14.95
    assert cost.net == pytest.approx(12.57, abs=0.011)
    assert cost.tax == pytest.approx(cost.total - cost.net, abs=1e-9)


def test_parking_is_billed_beyond_the_grace_period_and_time_runs_while_parked():
    t = Tariff(per_kwh=0.5, per_minute=0.01, parking_per_minute=0.1, parking_grace_minutes=15)
    cost = typical_cost(t, TypicalSession(energy_kwh=20, minutes=60, parking_minutes=40))
    by = {i.description.split()[0]: i.gross for i in cost.items}
    assert by == {"Energy": 10.0, "Time": 1.0, "Parking": 2.5}
    assert cost.total == 13.5


def test_parking_within_grace_costs_nothing():
    t = Tariff(per_kwh=0.5, parking_per_minute=0.1, parking_grace_minutes=15)
    cost = typical_cost(t, TypicalSession(energy_kwh=10, minutes=30, parking_minutes=15))
    assert cost.total == 5.0 and len(cost.items) == 1


def test_rounding_is_half_up_per_item():
    # 0.335 * 3 = 1.005 exactly in decimal: half-up gives 1.01, binary floats 1.00
    cost = typical_cost(Tariff(per_kwh=0.335), TypicalSession(energy_kwh=3, minutes=10))
    assert cost.total == 1.01


def test_free_of_charge_is_zero_whatever_the_rates():
    cost = typical_cost(Tariff(per_kwh=0.5, start_fee=2, free_of_charge=True))
    assert cost.total == 0 and cost.items == []


def test_default_typical_session_is_30_kwh_in_45_minutes():
    cost = typical_cost(Tariff(per_kwh=1.0, per_minute=1.0))
    assert cost.total == 75.0


def test_unknown_price_sorts_after_every_known_one():
    costs = [None, Cost(total=9.0), Cost(total=3.0)]
    assert sorted(costs, key=sort_key) == [costs[2], costs[1], None]


def test_typical_session_refuses_nonsense():
    with pytest.raises(ValueError, match="energy_kwh"):
        TypicalSession(energy_kwh=0)
    with pytest.raises(ValueError, match="minutes"):
        TypicalSession(minutes=-5)
