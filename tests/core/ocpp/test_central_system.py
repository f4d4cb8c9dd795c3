"""The OCPP central system's own behaviour, with the core served in this process so the test
can drive the central system's outgoing commands directly: Authorize answers per card,
local RFID starts, UnlockConnector, ChangeAvailability, TriggerMessage, Reset, DataTransfer,
slow chargers, handshake rules."""

from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import websockets
from ocpp.v16 import call

from services.hardware.charger import SimStation
from services.hardware.credentials import demo_password
from services.hardware.ev import random_vehicle
from services.hardware.simulator import Simulator
from tests.clients.beenergised import Api
from tests.core.charging.world import PASSWORD, Seeded, seed
from tests.core_launcher import core_in_process
from tests.waits import WITHIN_S, eventually

SPEED = 600


@pytest.fixture(scope="module")
async def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[object, str, Seeded, Simulator, Path]]:
    db = tmp_path_factory.mktemp("ocpp") / "core.sqlite3"
    seeded = seed(db, stations=3)
    async with core_in_process(db) as (core, url):
        sim = Simulator(url, specs=seeded.specs(), speed=SPEED, seed=9)
        await sim.start()
        await sim.wait_online(within_s=WITHIN_S)
        try:
            yield core, url, seeded, sim, db
        finally:
            await sim.stop()


def _central(core):  # type: ignore[no-untyped-def]
    return core.gateway


async def test_authorize_answers_per_card(world) -> None:
    _core, _url, seeded, sim, _db = world
    st = sim.station(seeded.stations[0])
    client = st.client
    expected = {
        "A1A1A1A1": "Accepted",
        "B10CB10C": "Blocked",
        "E0E0E0E0": "Expired",
        "0BADC0DE": "Invalid",
        "EE00AABBCCDDEE": "Accepted",
    }
    for tag, status in expected.items():
        res = await client.call(call.Authorize(id_tag=tag))
        assert res.id_tag_info["status"] == status, tag


async def test_local_rfid_start_belongs_to_the_card_owner(world) -> None:
    _core, url, seeded, sim, db = world
    st = sim.station(seeded.stations[0])
    c = st.connectors[1]
    c.plug_in(random_vehicle(sim.rng))
    assert c.status == "Preparing"
    # a blocked card does not start anything
    assert await c.swipe("B10CB10C") == "Blocked"
    assert c.tx is None
    assert await c.swipe("B2B2B2B2") == "Accepted"
    await eventually(lambda: _has_tx_id(c))
    b = await Api(url).login("b@example.com", PASSWORD)
    try:
        logs = await b.data("{ chargelogsPaged { data { id status authId sessionId } } }")
        session_id = await asyncio.to_thread(_session_of_tx, db, c.tx.id)
        mine = [x for x in logs["chargelogsPaged"]["data"] if x["sessionId"] == str(session_id)]
        assert mine and mine[0]["status"] == "started" and mine[0]["authId"] == "B2B2B2B2"
        # the owner can stop a session started at the charger, too
        stop = await b.remote_stop(mine[0]["sessionId"])
        assert stop["status"] == "STOPPING"
        log = await eventually(lambda: _stopped(b, mine[0]["id"]))
        assert log["energyConsumption"] >= 0
    finally:
        await b.close()


async def _has_tx_id(c) -> bool:  # type: ignore[no-untyped-def]
    return c.tx is not None and bool(c.tx.id)


async def _stopped(api: Api, chargelog: str):  # type: ignore[no-untyped-def]
    log = await api.chargelog(chargelog)
    return log if log["status"] == "stopped" else None


async def test_unlock_change_availability_trigger(world) -> None:
    core, _url, seeded, sim, db = world
    ident = seeded.stations[1]
    st: SimStation = sim.station(ident)
    link = _central(core).link(ident)
    assert link is not None

    # ChangeAvailability Inoperative -> Unavailable, visible in the store
    assert await link.change_availability(2, operative=False) == "Accepted"
    await eventually(lambda: _db_status(db, ident, 2, "Unavailable"))
    assert await link.change_availability(2, operative=True) == "Accepted"
    await eventually(lambda: _db_status(db, ident, 2, "Available"))

    # UnlockConnector ends a running transaction and frees the connector
    c = st.connectors[1]
    c.plug_in(random_vehicle(sim.rng))
    assert await c.swipe("A1A1A1A1") == "Accepted"
    await eventually(lambda: _has_tx_id(c))
    tx = c.tx.id
    assert await link.unlock(1) == "Unlocked"
    await eventually(lambda: _db_session_state(db, tx, "finished"))
    assert c.vehicle is None

    # TriggerMessage: the charger re-reports its status
    assert await link.trigger_message("StatusNotification", 1) == "Accepted"
    assert await link.trigger_message("DiagnosticsStatusNotification") == "NotImplemented"


async def test_reset_reboots_and_reconnects(world) -> None:
    core, _url, seeded, sim, _db = world
    ident = seeded.stations[2]
    st = sim.station(ident)
    boots = st.boots
    link = _central(core).link(ident)
    assert await link.reset("Soft") == "Accepted"
    await eventually(lambda: _booted(st, boots + 1))
    new_link = _central(core).link(ident)
    assert new_link is not None and new_link is not link


async def _booted(st, n: int) -> bool:  # type: ignore[no-untyped-def]
    return st.boots >= n and st.online.is_set()


async def test_slow_charger_still_starts(world) -> None:
    _core, url, seeded, sim, _db = world
    ident = seeded.stations[2]
    await sim.station(ident).online.wait()
    sim.station(ident).faults.slow_s = 1.0
    a = await Api(url).login("a@example.com", PASSWORD)
    try:
        res = await a.remote_start(
            seeded.connectors[ident][1], seeded.users["a@example.com"]["cards"]["main"][0]
        )
        assert res["status"] == "ACCEPTED" and res["code"] == 200

        async def started():
            return (await a.attempt_status(res["id"]))["status"] == "STARTED"

        await eventually(started)
        stop = await a.remote_stop(res["transaction"])
        assert stop["status"] == "STOPPING"
        await eventually(lambda: _stopped(a, res["session"]))
    finally:
        sim.station(ident).faults.slow_s = 0.0
        await a.close()


async def test_data_transfer_and_handshake_rules(world) -> None:
    _core, url, seeded, sim, _db = world
    client = sim.station(seeded.stations[0]).client
    res = await client.call(call.DataTransfer(vendor_id="org.voltra", data="ping"))
    assert res.status == "Accepted" and res.data == "ping"
    res = await client.call(call.DataTransfer(vendor_id="com.example"))
    assert res.status == "UnknownVendorId"
    base = url.replace("http://", "ws://") + "/ocpp/"
    # no ocpp1.6 subprotocol offered: refused
    with pytest.raises(websockets.InvalidStatus):
        async with websockets.connect(base + seeded.stations[0], subprotocols=["ocpp2.0.1"]):
            pass
    # a malformed MeterValues gets a CallError, not silence, and the connection survives
    ident = seeded.stations[0]
    token = base64.b64encode(f"{ident}:{demo_password(ident)}".encode()).decode()
    async with websockets.connect(
        base + "x/" + ident.replace("-", "%2D"),
        subprotocols=["ocpp1.6"],
        additional_headers={"Authorization": f"Basic {token}"},
    ) as ws:
        assert ws.subprotocol == "ocpp1.6"
        await ws.send(json.dumps([2, "m1", "MeterValues", {"connectorId": "one"}]))
        answer = json.loads(await asyncio.wait_for(ws.recv(), WITHIN_S))
        assert answer[0] == 4 and answer[1] == "m1"
        await ws.send(json.dumps([2, "h1", "Heartbeat", {}]))
        answer = json.loads(await asyncio.wait_for(ws.recv(), WITHIN_S))
        assert answer[0] == 3 and "currentTime" in answer[2]


async def _db_status(db: Path, ident: str, number: int, status: str) -> bool:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(
            "SELECT c.ocpp_status FROM connectors c JOIN stations s ON s.id = c.station_id"
            " WHERE s.uuid = ? AND c.sort_order = ?",
            (ident, number),
        ).fetchone()
        return row is not None and row[0] == status
    finally:
        conn.close()


def _session_of_tx(db: Path, tx: int) -> int:
    """The session a charger knows by its OCPP transactionId."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id FROM sessions WHERE ocpp_tx_id = ?", (tx,)).fetchone()[0]
    finally:
        conn.close()


async def _db_session_state(db: Path, tx: int, state: str) -> bool:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT state FROM sessions WHERE ocpp_tx_id = ?", (tx,)).fetchone()
        return row is not None and row[0] == state
    finally:
        conn.close()
