"""Charging survives faults: the charger loses its connection mid-session, the core restarts
mid-session. In both cases the charger keeps charging, queues what it could not send,
delivers it after reconnecting, and the session ends with every Wh accounted for."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from services.hardware.simulator import Simulator
from tests.clients.beenergised import Api
from tests.core.charging.world import PASSWORD, PER_KWH, START_FEE, seed
from tests.core_launcher import core_process, free_port
from tests.waits import WITHIN_S, eventually

SPEED = 600


def _rows_between(db: Path, session_id: int, start: str, end: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT COUNT(*) FROM meter_values WHERE session_id = ? AND ts > ? AND ts < ?",
            (session_id, start, end),
        ).fetchone()[0]
    finally:
        conn.close()


def _now() -> str:
    from services.core.store.db import utcnow

    return utcnow()


async def _start_charging(api: Api, connector: int, card: str) -> tuple[str, str]:
    res = await api.remote_start(connector, card)
    assert res["code"] == 200, res

    async def some_energy():
        s = await api.summary(res["session"])
        return (s["sumEnergy"] or 0) > 0.5

    await eventually(some_energy)
    return res["session"], res["transaction"]


async def _finished(api: Api, chargelog: str) -> dict:
    async def done():
        log = await api.chargelog(chargelog)
        return log if log["status"] == "stopped" else None

    return await eventually(done)


def _check_bill(log: dict, register_wh: int) -> None:
    assert log["meterEnd"] == register_wh, "energy lost between charger and chargelog"
    energy = (log["meterEnd"] - log["meterStart"]) / 1000
    assert log["energyConsumption"] == pytest.approx(energy, abs=1e-3)
    assert log["cost"]["total"] == pytest.approx(START_FEE + energy * PER_KWH, abs=0.011)


async def test_charger_disconnect_mid_session(tmp_path: Path) -> None:
    db = tmp_path / "core.sqlite3"
    seeded = seed(db, stations=1)
    st = seeded.stations[0]
    with core_process(db, stations=0, seed=None) as url:
        sim = Simulator(url, specs=seeded.specs(), speed=SPEED, seed=3)
        await sim.start()
        await sim.wait_online(within_s=WITHIN_S)
        api = await Api(url).login("a@example.com", PASSWORD)
        try:
            chargelog, tx = await _start_charging(
                api, seeded.connectors[st][0], seeded.users["a@example.com"]["cards"]["main"][0]
            )
            station = sim.station(st)
            before = _now()
            await station.disconnect(offline_s=1.5)
            stop = await api.remote_stop(tx)
            # the core knows the charger is gone and says so
            assert stop["status"] == "STOPPING" and stop["code"] == 202, stop
            assert station.connectors[1].tx is not None  # still charging while offline
            log = await _finished(api, chargelog)
            after = _now()
            _check_bill(log, station.connectors[1].meter_wh)
            assert station.boots == 2
            # values sampled while offline were delivered later
            assert _rows_between(db, int(tx), before, after) > 3
        finally:
            await api.close()
            await sim.stop()


async def test_core_restart_mid_session(tmp_path: Path) -> None:
    db = tmp_path / "core.sqlite3"
    seeded = seed(db, stations=1)
    st = seeded.stations[0]
    port = free_port()
    sim = None
    api = None
    try:
        with core_process(db, port=port, stations=0, seed=None) as url:
            sim = Simulator(url, specs=seeded.specs(), speed=SPEED, seed=5)
            await sim.start()
            await sim.wait_online(within_s=WITHIN_S)
            api = await Api(url).login("b@example.com", PASSWORD)
            chargelog, tx = await _start_charging(
                api, seeded.connectors[st][1], seeded.users["b@example.com"]["cards"]["main"][0]
            )
            down = _now()
        station = sim.station(st)
        # core is gone; the charger keeps charging and queues its meter values
        await eventually(lambda: _offline(station))
        queued_from = len(station.outbox)
        await eventually(lambda: _more_queued(station, queued_from + 3))
        with core_process(db, port=port, stations=0, seed=None) as url2:
            assert url2 == url
            await sim.wait_online(within_s=WITHIN_S)
            # the same session token works: sessions live in the store, not in memory
            stop = await api.remote_stop(tx)
            assert stop["status"] == "STOPPING", stop
            log = await _finished(api, chargelog)
            up = _now()
            _check_bill(log, station.connectors[2].meter_wh)
            assert _rows_between(db, int(tx), down, up) >= 3
            assert not station.outbox
    finally:
        if api is not None:
            await api.close()
        if sim is not None:
            await sim.stop()


async def _offline(station) -> bool:  # type: ignore[no-untyped-def]
    return not station.online.is_set()


async def _more_queued(station, n: int) -> bool:  # type: ignore[no-untyped-def]
    return len(station.outbox) >= n
