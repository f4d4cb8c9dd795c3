"""Impossible meter readings are dropped, never stored or billed, and never hold up anyone
else's readings, stops or history."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from services.core.domain import meter_checks as checks
from tests.clients.beenergised import AsyncGql
from tests.core.ocpp.ocpp_client import (
    TAG_A,
    TAG_B,
    RawCharger,
    iso,
    meter_rows,
    sample,
    seed,
    session_row,
)
from tests.core_launcher import core_in_process

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
AGO = timedelta(minutes=10)


def test_readings_against_connector_physics() -> None:
    start = checks.Reading(T0, 10_000)
    later = T0 + timedelta(minutes=10)  # 22 kW x 10 min = 3,667 Wh (+ tolerance)
    assert checks.energy_problem(start, checks.Reading(later, 13_600), 22, later) is None
    for wh, why in (
        (1e20, "beyond any meter"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (-5, "negative"),
        (9_999, "backwards"),
        (30_000, "exceeds what 22 kW"),
    ):
        problem = checks.energy_problem(start, checks.Reading(later, wh), 22, later)
        assert problem and why in problem, (wh, problem)
    future = T0 + timedelta(hours=1)
    assert "future" in checks.energy_problem(start, checks.Reading(future, 10_100), 22, T0)
    # a simulated charger running 60x faster than its clock is allowed 60x the energy
    assert checks.energy_problem(start, checks.Reading(later, 30_000), 22, later, 60) is None
    assert checks.power_ok(22_000, 22) and not checks.power_ok(1e9, 22)
    assert not checks.power_ok(float("nan"), 22) and not checks.soc_ok(101)


async def test_absurd_values_are_dropped_and_billing_stays_right(ocpp_core) -> None:
    url, store = ocpp_core
    own = store.stations[3]
    a = await RawCharger.connect(url, own, store.passwords[own])
    b = await RawCharger.connect(url, store.stations[0])
    gql = AsyncGql(url)
    try:
        now = datetime.now(UTC)
        tx = await a.start(1, TAG_A, 10_000, ts=iso(now - AGO))
        tx_b = await b.start(1, TAG_B, 500)

        async def meter(value: object, ts: datetime) -> None:
            msg = {"connectorId": 1, "transactionId": tx, "meterValue": sample(value, iso(ts))}
            assert (await a.call("MeterValues", msg))[0] == 3  # answered, not stored

        await meter(12_000, now - timedelta(minutes=5))
        for bad in ("1e20", "NaN", "Infinity", "-5", "11000", "50000"):
            await meter(bad, now - timedelta(minutes=4))
        await meter(12_500, now + timedelta(hours=2))  # a clock far ahead
        await meter(13_000, now - timedelta(minutes=3))

        # everyone else is unaffected: B stops normally, the driver's history loads
        res = await b.call(
            "StopTransaction", {"transactionId": tx_b, "meterStop": 1500, "timestamp": iso()}
        )
        assert res[0] == 3, res
        login = await gql.data(
            "mutation($u: String!, $p: String!) { initSession(username: $u, password: $p)"
            " { sessionToken } }",
            {"u": store.user_email, "p": store.user_password},
        )
        gql.token = login["initSession"]["sessionToken"]
        logs = await gql.data("{ chargelogsPaged { data { id status } } }")
        assert len(logs["chargelogsPaged"]["data"]) >= 2

        await a.ok(
            "StopTransaction", {"transactionId": tx, "meterStop": 14_000, "timestamp": iso()}
        )
        s = await asyncio.to_thread(session_row, store.db, tx)
        assert s["state"] == "finished" and s["energy_kwh"] == 4.0 and s["cost_total"] == 2.0
        energies = [r[1] for r in await asyncio.to_thread(meter_rows, store.db, s["id"])]
        assert energies == [12_000, 13_000]

        # an impossible meterStop still ends the session, billed from the last good reading
        now = datetime.now(UTC)
        tx2 = await a.start(2, TAG_A, 20_000, ts=iso(now - AGO))
        await a.ok(
            "MeterValues",
            {"connectorId": 2, "transactionId": tx2,
             "meterValue": sample(21_000, iso(now - timedelta(minutes=1)))},
        )
        await a.ok(
            "StopTransaction", {"transactionId": tx2, "meterStop": 10**15, "timestamp": iso()}
        )
        s2 = await asyncio.to_thread(session_row, store.db, tx2)
        assert s2["state"] == "finished" and s2["meter_end"] == 21_000 and s2["energy_kwh"] == 1.0
    finally:
        await gql.aclose()
        await a.close()
        await b.close()


async def test_one_unstorable_row_does_not_block_the_queue(tmp_path) -> None:
    store = seed(tmp_path / "core.sqlite3", stations=1)
    async with core_in_process(store.db) as (core, url):
        c = await RawCharger.connect(url, store.stations[0])
        try:
            tx = await c.start(1, TAG_A, 0)
            sid = (await asyncio.to_thread(session_row, store.db, tx))["id"]
            central = core.gateway
            # a row that passed every check but cannot be stored (fault injected)
            central.queue_meter_value((sid, iso(), 10**20, None, None))
            central.queue_meter_value((sid, iso(), 100, 1000.0, 50.0))
            await central.flush_meter_values()
            assert central._meter_rows == []
            assert [r[1] for r in await asyncio.to_thread(meter_rows, store.db, sid)] == [100]
            res = await c.call(
                "StopTransaction", {"transactionId": tx, "meterStop": 200, "timestamp": iso()}
            )
            assert res[0] == 3, res
            assert (await asyncio.to_thread(session_row, store.db, tx))["energy_kwh"] == 0.2
        finally:
            await c.close()

