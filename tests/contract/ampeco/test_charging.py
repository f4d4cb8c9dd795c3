"""Start and stop through the AMPECO actions end to end: the action -> core -> OCPP 1.6J ->
simulated charger -> meter values -> the session as the sessions resource shows it.
Refusals come back as ``202 {success: false, errorCode}``; bad input as 422 naming the
field; unknown charge points and sessions as 404."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from services.hardware.simulator import Simulator
from tests.contract.ampeco.charging_world import AsyncAmpeco, charging_core, simulate
from tests.core.charging.world import Seeded
from tests.waits import eventually

START_AT = "/public-api/actions/charge-point/v1.0/{chargePoint}/start/{evse}"
START_CP = "/public-api/actions/charge-point/v1.0/{chargePoint}/start"
START_EVSE = "/public-api/actions/evse/v1.0/{evse}/start"
STOP = "/public-api/actions/charge-point/v1.0/{chargePoint}/stop/{session}"
SESSION = "/public-api/resources/sessions/v1.0/{session}"
EVSE_READ = "/public-api/resources/evses/v2.1/{evse}"
TAG = "/public-api/resources/id-tags/v2.0/{idTag}"
TAGS = "/public-api/resources/id-tags/v2.0"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded, Path]]:
    yield from charging_core(tmp_path_factory, "ampeco-charging",
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


async def _session(amp: AsyncAmpeco, session: int) -> dict[str, Any]:
    return (await amp.ok(SESSION, session=session))["data"]


async def _free(amp: AsyncAmpeco, evse: int) -> None:
    """Wait until the EVSE is available again (a finished session's car leaves after it)."""
    async def available() -> bool:
        shown = (await amp.ok(EVSE_READ, evse=evse))["data"]
        return shown["hardwareStatus"] == "available"

    await eventually(available)


async def _finished(amp: AsyncAmpeco, session: int) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        s = await _session(amp, session)
        return s if s["status"] == "finished" else None

    return await eventually(done)


async def test_start_charge_stop(world, sim, amp) -> None:
    started = await amp.call("POST", START_AT, chargePoint=1, evse=1,
                             json={"userId": 1, "idTag": "A1A1A1A1"})
    body = started.json()
    assert started.status_code == 202 and body["success"] is True, body
    session = body["sessionId"]
    assert body["authorizationId"] == session

    async def charging() -> dict[str, Any] | None:
        s = await _session(amp, session)
        return s if s["status"] == "active" and s["energy"] > 300 else None

    live = await eventually(charging)
    assert live["chargePointId"] == 1 and live["evseId"] == 11 and live["idTag"] == "A1A1A1A1"
    assert live["power"]["latest"] and live["stoppedAt"] is None

    busy = (await amp.call("POST", START_AT, chargePoint=1, evse=1,
                           json={"userId": 2})).json()
    assert busy["success"] is False and busy["errorCode"] == "SESSION_EXISTS", busy
    assert busy["sessionId"] is None and "occupied" in busy["message"].lower()

    stopped = await amp.call("POST", STOP, chargePoint=1, session=session, json={})
    assert stopped.status_code == 202
    done = await _finished(amp, session)
    assert done["energy"] >= live["energy"] and done["stoppedAt"]
    assert done["totalAmount"]["withTax"] > 0 and done["reason"] == "remote"


async def test_stop_of_an_offline_charger_is_406_unless_forced(world, sim, amp) -> None:
    started = (await amp.call("POST", START_AT, chargePoint=3, evse=1,
                              json={"userId": 1})).json()
    assert started["success"] is True, started
    session = started["sessionId"]

    async def charging() -> bool:
        return (await _session(amp, session))["status"] == "active"

    await eventually(charging)
    station = sim.station(world[1].stations[2])
    await station.disconnect(offline_s=3600)
    try:
        async def offline() -> bool:
            refused = await amp.call("POST", STOP, chargePoint=3, session=session, json={})
            return refused.status_code == 406

        await eventually(offline)
        assert (await _session(amp, session))["status"] == "active"
        forced = await amp.call("POST", STOP, chargePoint=3, session=session,
                                json={"force": True})
        assert forced.status_code == 202
    finally:
        await station.disconnect(offline_s=0.0)
    await _finished(amp, session)


@pytest.mark.parametrize(("limit", "reason"), [
    ({"maxDurationMinutes": 2}, "time_limit"),
    ({"maxEnergyKwh": 0.5}, "energy_exceeded"),
    ({"maxAmount": 1.2}, "balance_exceeded"),
    ({"maxSocPercent": 1}, "soclimitreached"),
])
async def test_each_stop_condition_stops_the_session(world, sim, amp, limit: dict,
                                                     reason: str) -> None:
    await _free(amp, 22)
    started = (await amp.call("POST", START_EVSE, evse=22,
                              json={"idTag": "B2B2B2B2", "stopConditions": limit})).json()
    assert started["success"] is True, started
    done = await _finished(amp, started["sessionId"])
    assert done["userId"] == 2 and done["reason"] == reason, done
    if "maxEnergyKwh" in limit:
        # reached; how far past depends on the simulated time factor, not on the core
        assert done["energy"] >= 500
    if "maxAmount" in limit:
        assert done["totalAmount"]["withTax"] >= 1.2


async def test_start_on_a_charge_point_picks_a_free_evse(world, sim, amp) -> None:
    started = (await amp.call("POST", START_CP, chargePoint=2, json={"userId": 1})).json()
    assert started["success"] is True and "sessionId" not in started, started
    session = started["authorizationId"]
    s = await _session(amp, session)
    assert s["chargePointId"] == 2 and s["idTag"] == "A1A1A1A1"
    assert (await amp.call("POST", STOP, chargePoint=2, session=session)).status_code == 202
    await _finished(amp, session)


async def test_disabled_tag_and_offline_charger_are_refused(world, sim, amp) -> None:
    listed = (await amp.ok(TAGS, params={"filter[idTagUid]": "B2B2B2B2"}))["data"]
    tag = listed[0]["id"]
    await amp.call("PATCH", TAG, idTag=tag, json={"status": "disabled"})
    try:
        refused = (await amp.call("POST", START_AT, chargePoint=3, evse=1,
                                  json={"idTag": "B2B2B2B2"})).json()
        assert refused["success"] is False and refused["errorCode"] == "ACCESS_RESTRICTED"
    finally:
        await amp.call("PATCH", TAG, idTag=tag, json={"status": "enabled"})
    offline = (await amp.call("POST", START_AT, chargePoint=4, evse=1,
                              json={"userId": 1})).json()
    assert offline["success"] is False and offline["errorCode"] == "INTERNAL_ISSUE"
    assert "offline" in offline["message"].lower()


@pytest.mark.parametrize(("body", "field"), [
    ({"userId": 1, "stopConditions": {"maxSocPercent": 0}}, "stopConditions.maxSocPercent"),
    ({"userId": 1, "stopConditions": {"maxEnergyKwh": 0.01}}, "stopConditions.maxEnergyKwh"),
    ({"userId": 1, "stopConditions": {"maxAmount": 0}}, "stopConditions.maxAmount"),
    ({"userId": 1, "stopConditions": {"maxDurationMinutes": 1.5}},
     "stopConditions.maxDurationMinutes"),
    ({"userId": 999}, "userId"),
    ({}, "userId"),
    ({"idTag": "FFFFFFFF"}, "idTag"),
    ({"userId": 2, "idTag": "A1A1A1A1"}, "idTag"),
    ({"userId": "one"}, "userId"),
    ({"userId": 1, "paymentMethodId": "not-hers"}, "paymentMethodId"),
    ({"userId": 1, "chargingProfile": {"stackLevel": 1}}, "chargingProfile"),
])
async def test_bad_start_input_is_422(world, amp, body: dict, field: str) -> None:
    response = await amp.call("POST", START_AT, chargePoint=3, evse=2, json=body)
    assert response.status_code == 422 and field in response.json()["errors"], response.text


async def test_unknown_targets_are_404(world, amp) -> None:
    assert (await amp.call("POST", START_AT, chargePoint=99, evse=1,
                           json={"userId": 1})).status_code == 404
    assert (await amp.call("POST", START_AT, chargePoint=1, evse=9,
                           json={"userId": 1})).status_code == 404
    assert (await amp.call("POST", START_EVSE, evse=12345, json={"userId": 1})).status_code == 404
    assert (await amp.call("POST", STOP, chargePoint=1, session=987654)).status_code == 404
