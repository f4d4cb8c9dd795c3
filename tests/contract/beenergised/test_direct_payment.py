"""Direct payment charging end to end: initDirectPaymentCharging -> the core's hosted
payment page -> payment -> the core starts charging over OCPP on a simulated charger ->
directPaymentChargingStatus STARTED with the chargelog -> remoteStop -> FINISHED.

Needs the OCPP central system and the simulator (issue 3); skipped where they are absent.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib

import httpx
import pytest

pytest.importorskip("services.hardware.simulator")
support = pytest.importorskip("tests.core.charging.world")

from services.hardware.simulator import Simulator  # noqa: E402
from tests.contract.beenergised.accounts import DIRECT_STATUS, INIT_DIRECT  # noqa: E402

SPEED = 600
CARD_FORM = {"holder": "Ann Tester", "number": "4111111111111111", "expiry_month": "12",
             "expiry_year": "2035", "cvc": "123"}


@pytest.fixture(scope="module")
def paying_core(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("direct") / "core.sqlite3"
    seeded = support.seed(db, stations=2)
    rate = str(uuidlib.uuid4())
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO rate_options(uuid, name, tariff_id) VALUES (?, 'Ad hoc', 1)",
                     (rate,))
    conn.close()
    with support.core_on(db, support.free_port(), {"VOLTRA_REMOTE_START_TIMEOUT": "20"}) as url:
        yield url, seeded, rate


async def test_pay_then_charge_then_stop(paying_core) -> None:
    url, seeded, rate = paying_core
    station = seeded.stations[0]
    connector = seeded.connectors[station][0]
    sim = Simulator(url, specs=seeded.specs([station]), speed=SPEED, seed=3)
    await sim.start()
    api = await support.Api(url).login("b@example.com")
    try:
        await sim.wait_online()
        tx = (await api.data(INIT_DIRECT, {"connectorId": str(connector),
                                           "rateId": rate}))["initDirectPaymentCharging"]
        evse = f"DE*VOL*ET1*{connector % 10}"

        async def status():
            return (await api.data(DIRECT_STATUS, {"evseId": evse, "transactionId": tx["id"]}
                                   ))["directPaymentChargingStatus"]

        assert (await status())["status"] == "OPEN"
        async with httpx.AsyncClient(timeout=30) as http:
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

        await support.eventually(charging)
        await api.remote_stop(log["sessionId"])

        async def finished():
            s = await status()
            return s if s["status"] == "FINISHED" else None

        done = await support.eventually(finished)
        assert done["chargeLogId"] == started["chargeLogId"]
        final = await api.chargelog(started["chargeLogId"])
        assert final["status"] == "stopped" and final["energyConsumption"] > 0.5
        assert final["cost"]["total"] > 0
    finally:
        await api.close()
        await sim.stop()
