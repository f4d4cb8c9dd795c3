"""Unlocking a connector through the charging service: OCPP UnlockConnector to a simulated
charger, the session running there ended and billed, and every answer (Unlocked,
UnlockFailed, NotSupported, charger offline) returned to the caller."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from services.core.domain.charging import StartRequest
from services.core.domain.errors import BadInput, NotFound
from services.core.services import charging
from services.hardware.charger import ConnectorSpec, StationSpec
from services.hardware.ev import Vehicle
from services.hardware.simulator import Simulator
from tests.core.charging.served import World, served
from tests.core.charging.world import PER_KWH, START_FEE
from tests.waits import WITHIN_S, eventually

SPEED = 60
A = 1


@pytest.fixture(scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("unlock") / "core.sqlite3"
    async with served(db, stations=4, speed=SPEED) as w:
        yield w


async def _charging(w: World, station_no: int) -> charging.StartPlan:
    st = w.seeded.stations[station_no]
    w.sim.station(st).connectors[1].plug_in(Vehicle("test", 60.0, 11.0, 100.0, soc=30.0))
    plan = await charging.start(
        w.core,
        StartRequest(user_id=A, connector_id=w.seeded.connectors[st][0],
                     card_id=w.card_id("A1A1A1A1")),
        wait_s=10,
    )
    assert plan.failure is None, plan

    async def energy_flows() -> bool:
        await charging.flush(w.core)
        row = await asyncio.to_thread(
            w.one, "SELECT MAX(energy_wh) - MIN(energy_wh) FROM meter_values"
            " WHERE session_id = ?", plan.session_id)
        return (row[0] or 0) > 100

    await eventually(energy_flows)
    return plan


async def test_unlock_ends_the_running_session_and_bills_it(world: World) -> None:
    st = world.seeded.stations[0]
    c = world.sim.station(st).connectors[1]
    plan = await _charging(world, 0)
    result = await charging.unlock(world.core, st, 1)
    assert result.outcome == "Unlocked" and result.unlocked
    assert result.session_uuid == plan.session_uuid
    assert result.session_state in ("stopping", "finished")

    async def finished() -> tuple | None:
        row = await asyncio.to_thread(
            world.one, "SELECT state, energy_kwh, cost_total, stop_reason, meter_end"
            " FROM sessions WHERE id = ?", plan.session_id)
        return row if row[0] == "finished" else None

    _state, energy, cost, reason, meter_end = await eventually(finished)
    assert reason == "UnlockCommand"
    assert meter_end == c.meter_wh  # the charger's register at the unlock
    assert energy > 0.1
    assert cost == pytest.approx(START_FEE + round(energy * PER_KWH, 2), abs=0.011)
    assert c.tx is None and c.vehicle is None
    await eventually(lambda: _is(c.status, "Available"))
    # a free connector unlocks too (a stuck cable), with no session to name
    again = await charging.unlock(world.core, st, 1)
    assert again.outcome == "Unlocked" and again.session_uuid is None


async def test_a_stuck_lock_leaves_the_session_running(world: World) -> None:
    st = world.seeded.stations[1]
    station = world.sim.station(st)
    plan = await _charging(world, 1)
    station.faults.unlock_fails = True
    try:
        result = await charging.unlock(world.core, st, 1)
    finally:
        station.faults.unlock_fails = False
    assert result.outcome == "UnlockFailed" and not result.unlocked
    assert result.session_uuid == plan.session_uuid and result.session_state == "charging"
    assert station.connectors[1].tx is not None
    assert world.one("SELECT state FROM sessions WHERE id = ?", plan.session_id)[0] == "charging"
    await charging.stop(world.core, A, plan.session_uuid, "session")


async def test_offline_and_unsupported_connectors(world: World) -> None:
    offline = world.seeded.stations[-1]
    result = await charging.unlock(world.core, offline, 1)
    assert result.outcome == "ChargerOffline"
    # the same station comes online as a charger that knows only its first connector
    sim = Simulator(world.url, specs=[StationSpec(offline, [ConnectorSpec(1)])], speed=SPEED)
    await sim.start()
    try:
        await sim.wait_online(within_s=WITHIN_S)
        await eventually(lambda: _is(world.core.gateway.is_connected(offline), True))
        result = await charging.unlock(world.core, offline, 2)
        assert result.outcome == "NotSupported"
    finally:
        await sim.stop()


async def test_bad_references_name_the_field(world: World) -> None:
    st = world.seeded.stations[0]
    with pytest.raises(NotFound) as err:
        await charging.unlock(world.core, "no-such-station", 1)
    assert err.value.field == "station"
    with pytest.raises(NotFound) as err:
        await charging.unlock(world.core, st, 9)
    assert err.value.field == "connector"
    with pytest.raises(BadInput) as bad:
        await charging.unlock(world.core, st, "1")  # type: ignore[arg-type]
    assert bad.value.field == "connector"


async def _is(value: object, expected: object) -> bool:
    return value == expected
