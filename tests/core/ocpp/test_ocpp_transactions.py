"""A charger reaches only its own transactions, and their ids do not give others away."""

from __future__ import annotations

import asyncio

from tests.core.ocpp.ocpp_client import (
    TAG_A,
    TAG_B,
    RawCharger,
    iso,
    meter_rows,
    sample,
    session_row,
)

ERROR = 4


async def test_another_chargers_transaction_is_refused_and_unchanged(ocpp_core) -> None:
    url, store = ocpp_core
    a = await RawCharger.connect(url, store.stations[0])
    b = await RawCharger.connect(url, store.stations[1])
    try:
        await a.boot()
        await b.boot()
        tx = await a.start(1, TAG_A, 1000)
        before = await asyncio.to_thread(session_row, store.db, tx)
        assert before is not None and before["state"] == "charging"

        stop = await b.call(
            "StopTransaction",
            {"transactionId": tx, "meterStop": 900_000, "timestamp": iso(), "reason": "Local"},
        )
        assert stop[0] == ERROR and stop[2] == "PropertyConstraintViolation", stop
        assert "transactionId" in stop[3]
        meter = await b.call(
            "MeterValues", {"connectorId": 1, "transactionId": tx, "meterValue": sample(1500)}
        )
        assert meter[0] == ERROR and meter[2] == "PropertyConstraintViolation", meter
        # its own charger, but the wrong connector
        wrong = await a.call(
            "MeterValues", {"connectorId": 2, "transactionId": tx, "meterValue": sample(1500)}
        )
        assert wrong[0] == ERROR and "connectorId" in wrong[3], wrong

        after = await asyncio.to_thread(session_row, store.db, tx)
        assert after["state"] == "charging" and after["meter_end"] is None

        # the owner still can; its StopTransaction stores whatever was queued first
        await a.ok(
            "MeterValues", {"connectorId": 1, "transactionId": tx, "meterValue": sample(1200)}
        )
        await a.ok(
            "StopTransaction",
            {"transactionId": tx, "meterStop": 1300, "timestamp": iso(), "reason": "Local"},
        )
        done = await asyncio.to_thread(session_row, store.db, tx)
        assert done["state"] == "finished" and done["energy_kwh"] == 0.3
        energies = [r[1] for r in await asyncio.to_thread(meter_rows, store.db, before["id"])]
        assert energies == [1200]  # none of the other charger's values
    finally:
        await a.close()
        await b.close()


async def test_transaction_ids_are_random_and_not_session_ids(ocpp_core) -> None:
    url, store = ocpp_core
    a = await RawCharger.connect(url, store.stations[0])
    b = await RawCharger.connect(url, store.stations[2])
    try:
        tx_a = await a.start(2, TAG_A, 0)
        tx_b = await b.start(1, TAG_B, 0)
        rows = [await asyncio.to_thread(session_row, store.db, t) for t in (tx_a, tx_b)]
        assert all(0 < t < 2**31 for t in (tx_a, tx_b))
        assert tx_a != rows[0]["id"] and tx_b != rows[1]["id"]
        assert abs(tx_a - tx_b) > 1
        # a repeated StartTransaction (reply lost) gets the same id back
        again = await a.start(2, TAG_A, 0, ts=rows[0]["date_start"])
        assert again == tx_a
        for c, t in ((a, tx_a), (b, tx_b)):
            await c.ok("StopTransaction", {"transactionId": t, "meterStop": 0, "timestamp": iso()})
    finally:
        await a.close()
        await b.close()
