"""Metering a driver can watch and trust: the core sets each charger's sample interval and
asks for a first reading right after StartTransaction; the charger bills the register at the
instant of the stop. Real core process, real simulated charger over OCPP."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from services.hardware.simulator import Simulator
from tests.clients.beenergised import Api
from tests.core.charging.world import PASSWORD, seed
from tests.core_launcher import core_process
from tests.waits import WITHIN_S, eventually

# Six simulated seconds per real one: one simulated minute lasts 10 s, so the charger samples
# every 10 s (the interval the core configures) and a short session ends between samples.
SPEED = 6
SAMPLE_INTERVAL_S = 10


@pytest.fixture(scope="module")
def metering_core(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("metering") / "core.sqlite3"
    seeded = seed(db, stations=2)
    env = {"VOLTRA_OCPP_METER_INTERVAL": str(SAMPLE_INTERVAL_S)}
    with core_process(db, stations=0, seed=None, env=env) as url:
        yield url, seeded, db


@pytest.fixture(scope="module")
async def sim(metering_core) -> AsyncIterator[Simulator]:  # type: ignore[no-untyped-def]
    url, seeded, _db = metering_core
    s = Simulator(url, specs=seeded.specs(), speed=SPEED, seed=11)
    await s.start()
    await s.wait_online(within_s=WITHIN_S)
    yield s
    await s.stop()


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _first_reading(db, chargelog: str) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT s.date_start, MIN(m.ts) FROM sessions s JOIN meter_values m"
            " ON m.session_id = s.id WHERE s.uuid = ? GROUP BY s.id",
            (chargelog,),
        ).fetchone()


async def test_charger_takes_the_configured_sample_interval(metering_core, sim) -> None:
    _url, seeded, _db = metering_core
    station = sim.station(seeded.stations[0])

    async def configured() -> bool:
        return station.sample_interval_s == SAMPLE_INTERVAL_S

    await eventually(configured)
    assert station.meter_interval_real() == pytest.approx(SAMPLE_INTERVAL_S)


async def test_first_reading_at_once_and_the_bill_is_power_times_time(
    metering_core, sim
) -> None:
    url, seeded, db = metering_core
    st = seeded.stations[1]
    connector = seeded.connectors[st][0]  # AC: constant power while the car is far from full
    api = await Api(url).login("a@example.com", PASSWORD)
    card_uuid, _tag = seeded.users["a@example.com"]["cards"]["main"]
    try:
        res = await api.remote_start(connector, card_uuid)
        assert res["code"] == 200, res
        chargelog, tx = res["session"], res["transaction"]

        async def live_power():
            s = await api.summary(chargelog)
            return s if (s["currentPower"] or 0) > 0 else None

        live = await eventually(live_power)
        started, first = _first_reading(db, chargelog)
        # Charger clock on both sides; a periodic sample would come SAMPLE_INTERVAL_S later.
        lag = (_when(first) - _when(started)).total_seconds()
        assert 0 <= lag < SAMPLE_INTERVAL_S / 2, (started, first)

        sim_conn = sim.station(st).connectors[1]
        power_kw = sim_conn.power_w / 1000
        assert live["currentPower"] == pytest.approx(sim_conn.power_w, rel=0.01)
        await asyncio.sleep(5)  # charge a while, and stop before the next periodic sample
        stop = await api.remote_stop(tx)
        assert stop["code"] == 200, stop

        async def finished():
            log = await api.chargelog(chargelog)
            return log if log["status"] == "stopped" else None

        log = await eventually(finished)
        with sqlite3.connect(db) as conn:  # the charger's timestamps, to the millisecond
            began, ended = conn.execute(
                "SELECT date_start, date_end FROM sessions WHERE uuid = ?", (chargelog,)
            ).fetchone()
        hours = (_when(ended) - _when(began)).total_seconds() * SPEED / 3600
        expected_kwh = power_kw * hours
        assert expected_kwh > 0.02
        assert log["energyConsumption"] == pytest.approx(expected_kwh, rel=0.03, abs=0.002)
        assert log["meterEnd"] == sim_conn.meter_wh
    finally:
        await api.close()
