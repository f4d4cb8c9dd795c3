"""Direct payment charging end to end: initDirectPaymentCharging -> the core's hosted
payment page -> payment -> the core starts charging over OCPP on a simulated charger ->
directPaymentChargingStatus STARTED with the chargelog -> remoteStop -> FINISHED.

Real core subprocess, real hosted payment page over HTTP, real simulated charger over OCPP.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib

import httpx
import pytest

from services.hardware.simulator import Simulator
from tests.clients.beenergised import HTTP_TIMEOUT_S, Api
from tests.contract.beenergised.accounts import DIRECT_STATUS, INIT_DIRECT
from tests.core.charging import world
from tests.core_launcher import core_process
from tests.waits import WITHIN_S, eventually

SPEED = 600
CARD_FORM = {"holder": "Ann Tester", "number": "4111111111111111", "expiry_month": "12",
             "expiry_year": "2035", "cvc": "123"}


@pytest.fixture(scope="module")
def paying_core(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("direct") / "core.sqlite3"
    seeded = world.seed(db, stations=2)
    rate = str(uuidlib.uuid4())
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO rate_options(uuid, name, tariff_id) VALUES (?, 'Ad hoc', 1)",
                     (rate,))
    conn.close()
    with core_process(db, stations=0, seed=None,
                      env={"VOLTRA_REMOTE_START_TIMEOUT": "20"}) as url:
        yield url, seeded, rate


async def test_pay_then_charge_then_stop(paying_core) -> None:
    url, seeded, rate = paying_core
    station = seeded.stations[0]
    connector = seeded.connectors[station][0]
    sim = Simulator(url, specs=seeded.specs([station]), speed=SPEED, seed=3)
    await sim.start()
    api = await Api(url).login("b@example.com", world.PASSWORD)
    try:
        await sim.wait_online(within_s=WITHIN_S)
        tx = (await api.data(INIT_DIRECT, {"connectorId": str(connector),
                                           "rateId": rate}))["initDirectPaymentCharging"]
        evse = f"DE*VOL*ET1*{connector % 10}"

        async def status():
            return (await api.data(DIRECT_STATUS, {"evseId": evse, "transactionId": tx["id"]}
                                   ))["directPaymentChargingStatus"]

        assert (await status())["status"] == "OPEN"
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as http:
            page = await http.post(tx["absoluteLink"], data=CARD_FORM)
        assert page.status_code == 200
        assert "STARTED" in page.text, page.text

        started = await status()
        assert started["status"] == "STARTED" and started["chargeLogId"]
        log = await api.chargelog(started["chargeLogId"])
        assert log["status"] == "started"

        async def charging():
            s = await api.summary(started["chargeLogId"])
            return s if (s["sumEnergy"] or 0) > 0.5 else None

        await eventually(charging)
        await api.remote_stop(log["sessionId"])

        async def finished():
            s = await status()
            return s if s["status"] == "FINISHED" else None

        done = await eventually(finished)
        assert done["chargeLogId"] == started["chargeLogId"]
        final = await api.chargelog(started["chargeLogId"])
        assert final["status"] == "stopped" and final["energyConsumption"] > 0.5
        assert final["cost"]["total"] > 0
    finally:
        await api.close()
        await sim.stop()
