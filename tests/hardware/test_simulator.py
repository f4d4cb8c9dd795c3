"""The simulator's parts that need no core: EV model, meter parsing, control API."""

from __future__ import annotations

import random

import httpx
import pytest

from services.core.ocpp.link import parse_meter_values
from services.hardware.control import create_control_app
from services.hardware.ev import Vehicle, random_vehicle
from services.hardware.simulator import Simulator, _spec_from_cp


def test_dc_charging_tapers_at_high_soc_ac_stays_flat() -> None:
    v = Vehicle("t", 80.0, 11.0, 150.0, soc=20.0)
    assert v.power_kw("DC", 300.0) == 150.0
    assert v.power_kw("DC", 50.0) == 50.0  # the charger limits
    assert v.power_kw("AC", 22.0) == 11.0  # the on-board charger limits
    v.soc = 90.0
    assert v.power_kw("DC", 300.0) < 0.4 * 150.0
    assert v.power_kw("AC", 22.0) == 11.0
    v.soc = 99.0
    assert 0 < v.power_kw("AC", 22.0) < 11.0


def test_charging_stops_at_the_target() -> None:
    v = Vehicle("t", 50.0, 11.0, 100.0, soc=70.0, target_soc=80.0)
    got = v.charge(11.0, 2.0)  # 22 kWh offered, 5 kWh of room
    assert got == pytest.approx(5.0)
    assert v.full and v.power_kw("AC", 22.0) == 0.0
    assert v.charge(11.0, 1.0) == 0.0


def test_random_vehicles_are_plausible() -> None:
    rng = random.Random(1)
    for _ in range(50):
        v = random_vehicle(rng)
        assert 8 <= v.soc <= v.target_soc <= 100 and v.capacity_kwh > 20


def test_meter_values_parsing_units_and_phases() -> None:
    rows = parse_meter_values([
        {"timestamp": "2026-03-01T10:00:00Z", "sampledValue": [
            {"value": "12.5", "measurand": "Energy.Active.Import.Register", "unit": "kWh"},
            {"value": "7.4", "measurand": "Power.Active.Import", "unit": "kW"},
            {"value": "230", "measurand": "Power.Active.Import", "unit": "W", "phase": "L1"},
            {"value": "61", "measurand": "SoC", "unit": "Percent"},
            {"value": "oops", "measurand": "Voltage"},
        ]},
        {"timestamp": "2026-03-01T10:01:00Z", "sampledValue": [{"value": "12600"}]},
        {"timestamp": "2026-03-01T10:02:00Z", "sampledValue": [{"value": "x"}]},
    ])
    assert rows == [
        ("2026-03-01T10:00:00.000Z", 12500, 7400.0, 61.0),
        ("2026-03-01T10:01:00.000Z", 12600, None, None),
    ]


def test_station_spec_from_the_documented_cp_shape() -> None:
    spec = _spec_from_cp({"id": "cp-1", "connectors": [
        {"id": "7", "sortOrder": "2", "connectorType": {"chargePointType": "DC",
                                                          "maxPowerRating": 150}},
        {"id": "8", "sortOrder": None, "connectorType": None},
    ]})
    assert [(c.number, c.current_type, c.max_kw) for c in spec.connectors] == [
        (2, "DC", 150.0), (2, "AC", 22.0)]


async def test_control_api_faults() -> None:
    from services.hardware.charger import ConnectorSpec, StationSpec

    # No core at this address: the station keeps trying to connect; faults still apply.
    sim = Simulator("http://127.0.0.1:9", specs=[
        StationSpec("st-1", [ConnectorSpec(1), ConnectorSpec(2, "DC", 150)])])
    await sim.start()
    try:
        app = create_control_app(sim)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://control") as http:
            r = await http.get("/stations")
            assert r.json()[0]["id"] == "st-1" and r.json()[0]["online"] is False
            r = await http.post("/stations/st-1/faults", json={"action": "no_vehicle"})
            assert r.status_code == 200 and r.json()["faults"]["no_vehicle"] is True
            r = await http.post("/stations/st-1/faults",
                                json={"action": "faulted", "connector": 2})
            assert [c["status"] for c in r.json()["connectors"]] == ["Available", "Faulted"]
            r = await http.post("/stations/st-1/faults", json={"action": "plug_in",
                                                               "connector": 1})
            assert r.json()["connectors"][0]["status"] == "Preparing"
            r = await http.post("/stations/st-1/faults", json={"action": "explode"})
            assert r.status_code == 422 and "action" in r.json()["error"]
            r = await http.post("/stations/st-1/faults", json={"action": "clear",
                                                               "connector": 9})
            assert r.status_code == 422 and "connector" in r.json()["error"]
            r = await http.post("/stations/nope/faults", json={"action": "clear"})
            assert r.status_code == 404
    finally:
        await sim.stop()


def test_sample_interval_configuration_and_its_real_time_pace() -> None:
    from services.hardware.charger import SimStation, StationSpec

    slow = SimStation(StationSpec("st-1"), "http://127.0.0.1:9", speed=1)
    assert slow.meter_interval_real() == 60.0  # until configured: once a minute
    assert slow.configure("MeterValueSampleInterval", "10") == "Accepted"
    assert slow.meter_interval_real() == 10.0
    assert slow.configure("MeterValueSampleInterval", "-1") == "Rejected"
    assert slow.configure("MeterValueSampleInterval", "soon") == "Rejected"
    assert slow.configure("ClockAlignedDataInterval", "900") == "NotSupported"
    assert slow.sample_interval_s == 10.0
    # Sped up 60 times: at least one sample per simulated minute, so a demo draws a curve.
    fast = SimStation(StationSpec("st-2"), "http://127.0.0.1:9", speed=60)
    fast.configure("MeterValueSampleInterval", "10")
    assert fast.meter_interval_real() == 1.0
