"""Reservations and unlock through AMPECO end to end, against simulated chargers: a reserved
EVSE shows Reserved at the charger and admits only its holder; cancelled or expired, it is
free again; unlock reaches the charger (UnlockConnector) and ends the session there."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from services.core.services.partners import create_credential
from services.core.store.db import connect
from services.hardware.simulator import Simulator
from tests.contract.ampeco.charging_world import AsyncAmpeco, charging_core, simulate
from tests.core.charging.world import Seeded
from tests.waits import eventually

RESERVE = "/public-api/actions/charge-point/v1.0/{chargePoint}/reserve/{evse}"
CANCEL = "/public-api/actions/reservation/v1.0/{reservation}/cancel"
LIST = "/public-api/resources/reservations/v1.0"
READ = "/public-api/resources/reservations/v1.0/{reservation}"
UNLOCK = "/public-api/actions/charge-point/v1.0/{chargePoint}/unlock/{evse}"
START_AT = "/public-api/actions/charge-point/v1.0/{chargePoint}/start/{evse}"
STOP = "/public-api/actions/charge-point/v1.0/{chargePoint}/stop/{session}"
SESSION = "/public-api/resources/sessions/v1.0/{session}"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded, Path]]:
    # a reservation lasts 15 minutes of 1 s each
    yield from charging_core(tmp_path_factory, "ampeco-reservations",
                             env={"VOLTRA_MINUTE_SECONDS": "1"})


@pytest.fixture(scope="module")
async def sim(world: tuple[str, Seeded, Path]) -> AsyncIterator[Simulator]:
    async for s in simulate(world[0], world[1]):
        yield s


@pytest.fixture
async def amp(world: tuple[str, Seeded, Path]) -> AsyncIterator[AsyncAmpeco]:
    client = AsyncAmpeco(world[0])
    yield client
    await client.close()


async def _reserve(amp: AsyncAmpeco, cp: int, evse: int, user: int) -> int:
    made = await amp.call("POST", RESERVE, chargePoint=cp, evse=evse, json={"userId": user})
    assert made.status_code == 202 and made.json()["success"] is True, made.text
    return made.json()["reservationId"]


async def _status(amp: AsyncAmpeco, reservation: int) -> str:
    return (await amp.ok(READ, reservation=reservation))["data"]["status"]


async def _start(amp: AsyncAmpeco, cp: int, evse: int, user: int) -> dict[str, Any]:
    return (await amp.call("POST", START_AT, chargePoint=cp, evse=evse,
                           json={"userId": user})).json()


async def _stop(amp: AsyncAmpeco, cp: int, session: int) -> None:
    assert (await amp.call("POST", STOP, chargePoint=cp, session=session)).status_code == 202

    async def finished() -> bool:
        s = (await amp.ok(SESSION, session=session))["data"]
        return s["status"] == "finished"

    await eventually(finished)


async def test_reservation_admits_only_its_holder(world, sim, amp) -> None:
    seeded = world[1]
    reservation = await _reserve(amp, 1, 1, 1)
    read = (await amp.ok(READ, reservation=reservation))["data"]
    assert read["status"] == "active" and read["userId"] == 1 and read["evseId"] == 11
    assert read["duration"] == 15 and read["chargePointId"] == 1
    connector = sim.station(seeded.stations[0]).connectors[1]
    await eventually(lambda: _true(connector.status == "Reserved"))

    other = await _start(amp, 1, 1, 2)
    assert other["success"] is False and other["errorCode"] == "ACCESS_RESTRICTED", other
    again = await amp.call("POST", RESERVE, chargePoint=1, evse=1, json={"userId": 2})
    assert again.status_code == 406

    holder = await _start(amp, 1, 1, 1)
    assert holder["success"] is True, holder

    async def done() -> bool:
        return await _status(amp, reservation) == "done"

    await eventually(done)
    await _stop(amp, 1, holder["sessionId"])


async def test_cancelled_reservation_frees_the_evse(world, sim, amp) -> None:
    reservation = await _reserve(amp, 2, 1, 1)
    assert (await amp.call("POST", CANCEL, reservation=reservation,
                           json={"reason": "plans changed"})).status_code == 202
    assert await _status(amp, reservation) == "canceled"
    read = (await amp.ok(READ, reservation=reservation))["data"]
    assert read["canceledAt"] is not None
    listed = (await amp.ok(LIST, params={"filter[userId]": 1, "filter[status]": "canceled",
                                         "cursor": ""}))["data"]
    assert reservation in [r["id"] for r in listed]
    started = await _start(amp, 2, 1, 2)
    assert started["success"] is True, started
    await _stop(amp, 2, started["sessionId"])


async def test_expired_reservation_frees_the_evse(world, sim, amp) -> None:
    reservation = await _reserve(amp, 3, 2, 1)

    async def expired() -> bool:
        return await _status(amp, reservation) == "expired"

    await eventually(expired)
    started = await _start(amp, 3, 2, 2)
    assert started["success"] is True, started
    await _stop(amp, 3, started["sessionId"])


async def test_unlock_reaches_the_charger_and_ends_the_session(world, sim, amp) -> None:
    seeded = world[1]
    started = await _start(amp, 1, 2, 2)
    assert started["success"] is True, started
    session = started["sessionId"]

    async def active() -> bool:
        return (await amp.ok(SESSION, session=session))["data"]["status"] == "active"

    await eventually(active)
    unlocked = await amp.call("POST", UNLOCK, chargePoint=1, evse=2)
    assert unlocked.status_code == 202 and unlocked.json() == {"success": True}
    connector = sim.station(seeded.stations[0]).connectors[2]
    await eventually(lambda: _true(connector.tx is None and connector.vehicle is None))

    async def ended() -> dict[str, Any] | None:
        s = (await amp.ok(SESSION, session=session))["data"]
        return s if s["status"] == "finished" else None

    assert (await eventually(ended))["reason"] == "unlockcommand"
    station = sim.station(seeded.stations[1])
    station.faults.unlock_fails = True
    try:
        assert (await amp.call("POST", UNLOCK, chargePoint=2, evse=2)).status_code == 406
    finally:
        station.faults.unlock_fails = False


async def test_refusals(world, sim, amp) -> None:
    offline = await amp.call("POST", RESERVE, chargePoint=4, evse=1, json={"userId": 1})
    assert offline.status_code == 406
    assert (await amp.call("POST", UNLOCK, chargePoint=4, evse=1)).status_code == 406
    missing = await amp.call("POST", RESERVE, chargePoint=1, evse=2, json={})
    assert missing.status_code == 422 and "userId" in missing.json()["errors"]
    stranger = await amp.call("POST", RESERVE, chargePoint=1, evse=2, json={"userId": 77})
    assert stranger.status_code == 422 and "userId" in stranger.json()["errors"]
    assert (await amp.call("POST", RESERVE, chargePoint=9, evse=1,
                           json={"userId": 1})).status_code == 404
    assert (await amp.call("GET", READ, reservation=424242)).status_code == 404
    assert (await amp.call("POST", CANCEL, reservation=424242)).status_code == 404
    bad = await amp.call("GET", LIST, params={"filter[status]": "sleeping"})
    assert bad.status_code == 422 and "filter[status]" in bad.json()["errors"]


async def test_another_operator_cannot_see_or_touch_them(world, sim, amp) -> None:
    conn = connect(world[2])
    try:
        other = create_credential(conn, "ampeco", "another operator").secret
    finally:
        conn.close()
    stranger = AsyncAmpeco(world[0], other)
    try:
        reservation = await _reserve(amp, 2, 2, 1)
        assert (await stranger.call("GET", READ, reservation=reservation)).status_code == 404
        assert (await stranger.call("POST", CANCEL, reservation=reservation)).status_code == 404
        assert (await stranger.ok(LIST))["data"] == []
        assert (await stranger.call("POST", RESERVE, chargePoint=2, evse=1,
                                    json={"userId": 1})).status_code == 404
        assert (await stranger.call("POST", UNLOCK, chargePoint=2, evse=1)).status_code == 404
        assert await _status(amp, reservation) == "active"
    finally:
        await stranger.close()
        await amp.call("POST", CANCEL, reservation=reservation)


async def _true(value: bool) -> bool:
    return value
