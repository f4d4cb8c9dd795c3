"""Charging over GP JOULE CONNECT end to end: remoteStart -> core -> OCPP 1.6J -> simulated
charger -> meter values -> remoteStop -> the session with its energy and cost, the same
session the be.ENERGISED API shows. Refusals come back in ``status``/``message``; a card
deactivated through ``updateCard`` is refused by the charger itself (OCPP Authorize) and
for remote starts. Real core process, real WebSockets, real simulated chargers; only the
clock runs faster (--speed)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import pytest
from ocpp.v16 import call

from services.core.services.partners import create_credential
from services.core.store import partners as partner_store
from services.core.store.db import connect, transaction
from services.hardware.simulator import Simulator
from tests.clients.beenergised import Api
from tests.clients.gpjoule import AsyncGpj
from tests.contract.gpjoule.document import doc_query
from tests.core.charging.world import PASSWORD, PER_KWH, START_FEE, TAX, Seeded, seed
from tests.core_launcher import core_process
from tests.waits import WITHIN_S, eventually

SPEED = 600  # one simulated minute per 0.1 s
KEY = "gpjoule-charging-test-key"
START = doc_query("remoteStart")
STOP = doc_query("remoteStop")
SESSION = doc_query("getChargingSession")
SESSIONS = doc_query("getChargingSessions")
UPDATE = doc_query("updateCard")
CONTACTS = "{ getContacts { id email } }"


@pytest.fixture(scope="module")
def charging_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded]]:
    db = tmp_path_factory.mktemp("gpjoule-charging") / "core.sqlite3"
    seeded = seed(db, stations=5)
    conn = connect(db)
    try:
        partner = create_credential(conn, "gpjoule", "charging partner", secret=KEY).partner
        with transaction(conn):
            for user_id in (1, 2):  # a@ and b@example.com
                partner_store.add_member(conn, partner.id, user_id)
    finally:
        conn.close()
    with core_process(db, stations=0, seed=None,
                      env={"VOLTRA_REMOTE_START_TIMEOUT": "20"}) as url:  # fmt: skip
        yield url, seeded


@pytest.fixture(scope="module")
async def sim(charging_core: tuple[str, Seeded]) -> AsyncIterator[Simulator]:
    url, seeded = charging_core
    # The last station stays unsimulated: it is the offline charger.
    s = Simulator(url, specs=seeded.specs(seeded.stations[:-1]), speed=SPEED, seed=11)
    await s.start()
    await s.wait_online(within_s=WITHIN_S)
    yield s
    await s.stop()


@pytest.fixture
async def gpj(charging_core: tuple[str, Seeded]) -> AsyncIterator[AsyncGpj]:
    client = AsyncGpj(charging_core[0], KEY)
    yield client
    await client.close()


async def _start(gpj: AsyncGpj, connector: int | str, tag: str) -> dict[str, Any]:
    return (await gpj.data(START, {"connectorId": str(connector), "tagId": tag}))["remoteStart"]


async def _session(gpj: AsyncGpj, session: str) -> dict[str, Any]:
    return (await gpj.data(SESSION, {"id": session}))["getChargingSession"]


async def test_start_charge_stop_bills_the_metered_energy(charging_core, sim, gpj) -> None:
    url, seeded = charging_core
    st = seeded.stations[0]
    connector = seeded.connectors[st][0]  # AC 22 kW
    started = await _start(gpj, connector, "a1a1a1a1")
    assert started["status"] in ("PENDING", "ACCEPTED", "STARTED") and started["session"], started
    session = started["session"]

    async def charging() -> dict[str, Any] | None:
        s = await _session(gpj, session)
        return s if (s["meterTotal"] or 0) > 300 else None

    early = await eventually(charging)
    assert early["status"] == "ACTIVE" and early["endTime"] is None
    later = await eventually(lambda: _grown(gpj, session, early["meterTotal"]))
    assert later["costs"] >= early["costs"] > 0

    # Someone else's start on the busy connector is refused in the answer.
    busy = await _start(gpj, connector, "B2B2B2B2")
    assert busy["status"] == "OCCUPIED" and busy["session"] is None, busy
    assert "occupied" in busy["message"].lower()

    contacts = (await gpj.data(CONTACTS))["getContacts"]
    a = next(c["id"] for c in contacts if c["email"] == "a@example.com")
    running = (await gpj.data(SESSIONS, {"contactId": a, "active": True}))["getChargingSessions"]
    assert [s["id"] for s in running] == [session]

    stop = (await gpj.data(STOP, {"session": session}))["remoteStop"]
    assert stop["session"] == session and stop["status"] in ("STOPPING", "STOPPED"), stop

    async def stopped() -> dict[str, Any] | None:
        s = await _session(gpj, session)
        return s if s["status"] == "STOPPED" else None

    done = await eventually(stopped)
    energy_kwh = done["meterTotal"] / 1000
    assert done["meterTotal"] == done["meterEnd"] - done["meterStart"] > 300
    assert done["costs"] == pytest.approx(START_FEE + energy_kwh * PER_KWH, abs=0.011)
    assert done["costs"] == pytest.approx(done["costsNet"] + done["taxAmount"], abs=1e-9)
    assert done["taxAmount"] == pytest.approx(done["costs"] * TAX / (100 + TAX), abs=0.011)
    assert done["currency"] == "EUR" and done["tariff"] == "Test AC/DC"
    assert done["cardId"] == "A1A1A1A1"
    took = datetime.fromisoformat(done["endTime"]) - datetime.fromisoformat(done["startTime"])
    assert abs(done["duration"] - took.total_seconds()) <= 1, done
    assert done["connector"] == {"connectorId": str(connector), "connectorType": "Type 2",
                                 "evse": "DE*VOL*ET1*1"}  # fmt: skip
    again = (await gpj.data(STOP, {"session": session}))["remoteStop"]
    assert again["status"] == "STOPPED"

    # The same session, the same bill, through the driver's own API.
    api = await Api(url).login("a@example.com", PASSWORD)
    try:
        log = await api.chargelog(session)
    finally:
        await api.close()
    assert log["meterEnd"] == done["meterEnd"] and log["meterStart"] == done["meterStart"]
    assert log["cost"]["total"] == pytest.approx(done["costs"], abs=1e-9)


async def _grown(gpj: AsyncGpj, session: str, than: int) -> dict[str, Any] | None:
    s = await _session(gpj, session)
    return s if s["meterTotal"] > than else None


async def test_a_deactivated_card_is_refused_at_the_charger(charging_core, sim, gpj) -> None:
    _url, seeded = charging_core
    st = seeded.stations[1]
    client = sim.station(st).client

    async def authorize(tag: str) -> str:
        res = await client.call(call.Authorize(id_tag=tag))
        return res.id_tag_info["status"]

    assert await authorize("B2B2B2B2") == "Accepted"
    off = (await gpj.data(UPDATE, {"tagId": "B2B2B2B2", "active": False}))["updateCard"]
    assert off["active"] is False
    try:
        assert await authorize("B2B2B2B2") == "Blocked"
        refused = await _start(gpj, seeded.connectors[st][0], "B2B2B2B2")
        assert refused["status"] == "CARD_BLOCKED" and refused["session"] is None, refused
        assert "blocked" in refused["message"].lower()
    finally:
        await gpj.data(UPDATE, {"tagId": "B2B2B2B2", "active": True})
    assert await authorize("B2B2B2B2") == "Accepted"


async def _refused(gpj: AsyncGpj, res: dict[str, Any], status: str, word: str) -> None:
    """A start the charger turns down: normally within remoteStart's wait, so the answer
    says why; on a machine too busy for that, the start was answered as pending and its
    session must end without ever charging."""
    if res["session"] is None:
        assert res["status"] == status and word in res["message"].lower(), res
        return
    assert res["status"] in ("PENDING", "ACCEPTED"), res

    async def ended() -> dict[str, Any] | None:
        s = await _session(gpj, res["session"])
        return s if s["status"] == "STOPPED" else None

    s = await eventually(ended)
    assert s["startTime"] is None and s["meterTotal"] is None and s["costs"] == 0, s


async def test_refusals_come_back_in_status_and_message(charging_core, sim, gpj) -> None:
    _url, seeded = charging_core
    offline = seeded.stations[-1]
    res = await _start(gpj, seeded.connectors[offline][0], "B2B2B2B2")
    assert (res["status"], res["session"]) == ("OFFLINE", None) and "offline" in res["message"]

    st = seeded.stations[2]
    station = sim.station(st)
    station.faults.no_vehicle = True
    try:
        res = await _start(gpj, seeded.connectors[st][0], "B2B2B2B2")
    finally:
        station.faults.no_vehicle = False
    await _refused(gpj, res, "NO_VEHICLE", "vehicle")

    st = seeded.stations[3]
    sim.station(st).faults.reject_remote_start = True
    try:
        res = await _start(gpj, "DE*VOL*ET4*2", "B2B2B2B2")  # by EVSE ID
    finally:
        sim.station(st).faults.reject_remote_start = False
    await _refused(gpj, res, "REJECTED", "refused")

    body = await gpj(START, {"connectorId": "DE*VOL*NOPE", "tagId": "B2B2B2B2"})
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "connectorId"}
    body = await gpj(START, {"connectorId": "  ", "tagId": "B2B2B2B2"})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "connectorId"}
