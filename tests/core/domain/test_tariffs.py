"""Cost calculation against hand-computed bills."""

from datetime import UTC, datetime, timedelta

import pytest

from services.core.api.beenergised import renderers
from services.core.domain import tariffs

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

FULL = {
    "name": "Voltra AC",
    "currency": "EUR",
    "start_fee": 1.00,
    "per_kwh": 0.49,
    "per_minute": 0.02,
    "parking_per_minute": 0.10,
    "parking_grace_minutes": 30,
    "tax_rate": 19.0,
}


def test_full_tariff_hand_computed():
    # start 10:00, energy stops 10:45, unplugged 11:30, 20.5 kWh.
    # start fee 1.00 -> net 1.00/1.19 = 0.8403 -> 0.84, tax 0.16
    # energy 20.5 * 0.49 = 10.045 -> 10.05 (half-up), net 8.4454 -> 8.45, tax 1.60
    # time 90 min * 0.02 = 1.80, net 1.5126 -> 1.51, tax 0.29
    # parking 45 - 30 grace = 15 min * 0.10 = 1.50, net 1.2605 -> 1.26, tax 0.24
    cost = tariffs.session_cost(
        FULL,
        energy_kwh=20.5,
        start=T0,
        end=T0 + timedelta(minutes=90),
        charging_end=T0 + timedelta(minutes=45),
    )
    got = [(i.gross_amount, i.net_amount, i.tax_amount) for i in cost.items]
    assert got == [(1.00, 0.84, 0.16), (10.05, 8.45, 1.60), (1.80, 1.51, 0.29), (1.50, 1.26, 0.24)]
    assert cost.total == 14.35
    assert cost.net == 12.06
    assert cost.tax == 2.29
    assert cost.currency == "EUR"
    assert all(i.tax_rate == 19.0 for i in cost.items)
    assert cost.items[1].description.startswith("Energy 20.500 kWh")


def test_items_always_add_up():
    for kwh in (0.001, 3.333, 7.77, 12.345, 49.999, 80.0):
        for minutes in (1, 17, 61, 333):
            cost = tariffs.session_cost(
                FULL,
                energy_kwh=kwh,
                start=T0,
                end=T0 + timedelta(minutes=minutes),
                charging_end=T0 + timedelta(minutes=minutes * 0.5),
            )
            for item in cost.items:
                assert round(item.net_amount + item.tax_amount, 2) == item.gross_amount
            assert round(sum(i.gross_amount for i in cost.items), 2) == cost.total
            assert round(cost.net + cost.tax, 2) == cost.total


def test_parking_within_grace_is_free():
    cost = tariffs.session_cost(
        FULL,
        energy_kwh=10,
        start=T0,
        end=T0 + timedelta(minutes=60),
        charging_end=T0 + timedelta(minutes=40),
    )
    assert [i.description.split()[0] for i in cost.items] == ["Start", "Energy", "Charging"]
    # 1.00 + 4.90 + 1.20
    assert cost.total == 7.10


def test_free_of_charge_has_no_items():
    cost = tariffs.session_cost(
        FULL, energy_kwh=30, start=T0, end=T0 + timedelta(hours=2), free_of_charge=True
    )
    assert cost.items == [] and cost.total == 0.0 and cost.net == 0.0 and cost.tax == 0.0
    zero = dict(FULL, start_fee=0, per_kwh=0, per_minute=0, parking_per_minute=0)
    assert tariffs.session_cost(zero, energy_kwh=5, start=T0, end=T0).items == []
    assert tariffs.price_summary(zero) == "Free of charge"


def test_energy_only_austrian_vat():
    at = {"currency": "EUR", "per_kwh": 0.60, "tax_rate": 20.0}
    cost = tariffs.session_cost(at, energy_kwh=20, start=T0, end=T0 + timedelta(minutes=30))
    assert len(cost.items) == 1
    item = cost.items[0]
    # 20 * 0.60 = 12.00 gross -> 10.00 net + 2.00 tax
    assert (item.gross_amount, item.net_amount, item.tax_amount, item.tax_rate) == (
        12.0,
        10.0,
        2.0,
        20.0,
    )
    cdr = renderers.cost_item(item.as_row())
    assert cdr["grossAmount"] == 12.0 and cdr["netAmount"] == 10.0 and cdr["taxRate"] == 20.0
    assert set(cdr) == {
        "netAmount",
        "netAmountLocalCurrency",
        "grossAmount",
        "grossAmountLocalCurrency",
        "taxAmount",
        "taxAmountLocalCurrency",
        "taxRate",
        "description",
    }


def test_snapshot_round_trip_and_row_shape():
    snap = tariffs.snapshot(FULL)
    t = tariffs.tariff_from(snap)
    assert t.per_kwh == 0.49 and t.parking_grace_minutes == 30
    a = tariffs.session_cost(snap, energy_kwh=11.1, start=T0, end=T0 + timedelta(minutes=50))
    b = tariffs.session_cost(FULL, energy_kwh=11.1, start=T0, end=T0 + timedelta(minutes=50))
    assert a == b
    assert set(a.items[0].as_row()) == {
        "description",
        "net_amount",
        "tax_rate",
        "tax_amount",
        "gross_amount",
    }
    assert a.as_session_columns()["cost_total"] == a.total


def test_package_cost():
    cost = tariffs.package_cost(11.90, tax_rate=19.0, name="60 min")
    assert cost.total == 11.90 and cost.net == 10.00 and cost.tax == 1.90
    assert cost.items[0].description == "Rate package 60 min"


def test_co2_factor():
    assert tariffs.CO2_KG_PER_KWH == 0.54
    assert tariffs.co2_saving_kg(10) == pytest.approx(5.4)
    assert tariffs.co2_saving_kg(-1) == 0.0
