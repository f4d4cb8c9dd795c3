"""Stop conditions a driver sets at start, enforced by the core: each of the four limits
stops a real simulated session at, or just past, the limit, and the session records which
limit ended it. A core served in this process (the test calls the charging service as the
facades do), real OCPP over WebSockets, simulated chargers at a demo time factor."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from services.core.domain import stop_conditions
from services.core.domain.charging import StartRequest
from services.core.domain.errors import BadInput
from services.core.domain.stop_conditions import StopConditions
from services.core.services import charging
from services.hardware.ev import Vehicle
from tests.core.charging.served import World, served
from tests.core.charging.world import PER_KWH, START_FEE
from tests.waits import eventually

SPEED = 30  # a simulated minute every 2 s: 11 kW AC is 0.09 kWh a second
A = 1
# What may flow between reaching a limit and the charger obeying the stop on a busy
# machine (several seconds): the "just past" a limit may be.
ENERGY_SLACK_KWH = 0.6


@pytest.fixture(scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("limits") / "core.sqlite3"
    env = {"VOLTRA_MINUTE_SECONDS": "1", "VOLTRA_OCPP_METER_INTERVAL": "1"}
    async with served(db, stations=6, speed=SPEED, env=env) as w:
        yield w


async def _run_to_limit(w: World, station_no: int, limits: StopConditions,
                        vehicle: Vehicle) -> dict:
    st = w.seeded.stations[station_no]
    c = w.sim.station(st).connectors[1]  # AC 22 kW
    c.plug_in(vehicle)
    plan = await charging.start(
        w.core,
        StartRequest(user_id=A, connector_id=w.seeded.connectors[st][0],
                     card_id=w.card_id("A1A1A1A1"), limits=limits),
        wait_s=10,
    )
    assert plan.failure is None, plan

    async def finished() -> dict | None:
        row = await asyncio.to_thread(
            w.one,
            "SELECT state, energy_kwh, cost_total, limit_reached, stop_reason, date_start,"
            " date_end, meter_end FROM sessions WHERE id = ?",
            plan.session_id,
        )
        keys = ("state", "energy_kwh", "cost_total", "limit_reached", "stop_reason",
                "date_start", "date_end", "meter_end")
        s = dict(zip(keys, row, strict=True))
        return s if s["state"] == "finished" else None

    s = await eventually(finished)
    s["soc"] = w.one(
        "SELECT soc FROM meter_values WHERE session_id = ? AND soc IS NOT NULL"
        " ORDER BY ts DESC, id DESC LIMIT 1", plan.session_id)[0]
    s["stored"] = await w.core.db(stop_conditions.of_session, plan.session_id)
    s["charger_meter"] = c.meter_wh
    return s


def _car(soc: float = 30.0, capacity: float = 60.0) -> Vehicle:
    return Vehicle("test", capacity, 11.0, 100.0, soc=soc)


async def test_each_limit_stops_its_session_at_the_limit(world: World) -> None:
    energy, soc, duration, amount = await asyncio.gather(
        _run_to_limit(world, 0, StopConditions(max_energy_kwh=0.5), _car()),
        _run_to_limit(world, 1, StopConditions(max_soc_percent=53), _car(50.0, 20.0)),
        _run_to_limit(world, 2, StopConditions(max_duration_minutes=3), _car()),
        _run_to_limit(world, 3, StopConditions(max_amount=1.25, max_energy_kwh=50), _car()),
    )
    for s in (energy, soc, duration, amount):
        assert s["stop_reason"] == "Remote"  # through the ordinary stop path
        assert s["meter_end"] == s["charger_meter"]  # billed for all it drew

    assert energy["limit_reached"] == "max_energy_kwh"
    assert 0.5 <= energy["energy_kwh"] <= 0.5 + ENERGY_SLACK_KWH
    assert energy["stored"][0] == StopConditions(max_energy_kwh=0.5)

    assert soc["limit_reached"] == "max_soc_percent"
    # 20 kWh battery: a percent is 0.2 kWh
    assert 53 <= soc["soc"] <= 53 + ENERGY_SLACK_KWH / 0.2

    assert duration["limit_reached"] == "max_duration_minutes"
    took = (datetime.fromisoformat(duration["date_end"])
            - datetime.fromisoformat(duration["date_start"])).total_seconds()
    assert 3 <= took <= 3 + 6  # a minute lasts 1 s here

    assert amount["limit_reached"] == "max_amount"
    # 1.00 start fee + 0.50/kWh gross: 1.25 is reached at 0.5 kWh
    assert amount["cost_total"] == pytest.approx(
        START_FEE + round(amount["energy_kwh"] * PER_KWH, 2), abs=0.011)
    assert 1.25 <= amount["cost_total"] <= 1.25 + ENERGY_SLACK_KWH * PER_KWH + 0.01


async def test_a_session_without_limits_is_not_stopped(world: World) -> None:
    st = world.seeded.stations[4]
    c = world.sim.station(st).connectors[2]  # DC
    c.plug_in(_car(20.0))
    plan = await charging.start(
        world.core,
        StartRequest(user_id=A, connector_id=world.seeded.connectors[st][1],
                     card_id=world.card_id("A1A1A1A1")),
        wait_s=10,
    )
    assert plan.failure is None

    async def drew_a_lot() -> bool:
        await charging.flush(world.core)
        row = await asyncio.to_thread(
            world.one, "SELECT MAX(energy_wh) - MIN(energy_wh) FROM meter_values"
            " WHERE session_id = ?", plan.session_id)
        return (row[0] or 0) > 2000

    await eventually(drew_a_lot)
    assert world.one("SELECT state, limit_reached FROM sessions WHERE id = ?",
                     plan.session_id) == ("charging", None)
    await charging.stop(world.core, A, plan.session_uuid, "session")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("max_energy_kwh", 0, "positive"),
        ("max_energy_kwh", -1.5, "positive"),
        ("max_energy_kwh", math.nan, "positive"),
        ("max_energy_kwh", 5000, "between"),
        ("max_energy_kwh", "5", "number"),
        ("max_duration_minutes", 1.5, "whole"),
        ("max_duration_minutes", 0, "positive"),
        ("max_duration_minutes", 100_000, "between"),
        ("max_soc_percent", 101, "between"),
        ("max_soc_percent", True, "number"),
        ("max_amount", 0, "positive"),
        ("max_amount", math.inf, "positive"),
    ],
)
def test_bad_limits_name_the_field(field: str, value: object, reason: str) -> None:
    with pytest.raises(BadInput) as err:
        StopConditions(**{field: value})  # type: ignore[arg-type]
    assert err.value.field == field and reason in err.value.reason


def test_limits_round_trip_through_storage() -> None:
    limits = StopConditions(max_energy_kwh=12.5, max_duration_minutes=90, max_soc_percent=80,
                            max_amount=20)
    assert StopConditions.from_json(limits.to_json()) == limits
    assert StopConditions().empty and StopConditions().to_json() is None
    assert StopConditions.from_json(None) is None
