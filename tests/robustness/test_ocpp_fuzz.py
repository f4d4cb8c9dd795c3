"""OCPP frame fuzzer against the real core over WebSocket (fixed seed, bounded).

While fuzzing connections throw malformed JSON, wrong types, wrong message type ids,
unknown actions, other chargers' transaction ids, NaN, deep nesting, huge and binary frames
at the core, a well-behaved charger alongside keeps charging: every one of its calls must be
answered in time, and its session's bill must come out exactly as its meter says.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import websockets

from tests.core.ocpp.ocpp_client import (
    PER_KWH,
    TAG_A,
    TAG_B,
    RawCharger,
    Store,
    iso,
    meter_rows,
    sample,
    seed,
    session_row,
)
from tests.core_launcher import core_process

SEED = 20261130
MAX_FRAME_BYTES = 2**20  # the core's WebSocket message limit
FRAMES = 3000
ACTIONS = [
    "BootNotification", "Heartbeat", "StatusNotification", "MeterValues", "StartTransaction",
    "StopTransaction", "Authorize", "DataTransfer", "DiagnosticsStatusNotification",
    "FirmwareStatusNotification", "RemoteStartTransaction", "Reset", "Teleport", "",
]
ODD_VALUES = [
    None, True, -1, 0, 2**31, 2**63, 10**30, 1.5, -0.0, "", "x" * 300, "NaN", "1e400", "-5",
    [], {}, [1, [2, [3]]], {"a": {"b": {}}}, "2026-13-45T99:99:99Z", "\u0000\ud7ff",
]


@pytest.fixture(scope="module")
def fuzz_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    db = tmp_path_factory.mktemp("fuzz") / "core.sqlite3"
    store = seed(db, stations=3)
    with core_process(db, stations=0) as url:
        yield url, store


def _payload(rnd: random.Random, victim_tx: int) -> object:
    base = {
        "connectorId": rnd.choice([0, 1, 2, 99, -1]),
        "transactionId": rnd.choice([victim_tx, victim_tx + 1, 0, -1]),
        "meterStop": rnd.choice([0, 10**12, -1, 10**15]),
        "meterStart": rnd.choice([0, -5, 10**13]),
        "timestamp": iso(),
        "idTag": rnd.choice([TAG_A, TAG_B, "x" * 25]),
        "status": rnd.choice(["Available", "Charging", "Hacked", "Uploaded"]),
        "errorCode": "NoError",
        "meterValue": sample(rnd.choice(["1e20", "NaN", "-1", "100", "Infinity"])),
        "vendorId": "org.voltra",
        "chargePointVendor": "v",
        "chargePointModel": "m",
    }
    keys = rnd.sample(sorted(base), rnd.randint(0, len(base)))
    payload = {k: base[k] for k in keys}
    for k in rnd.sample(keys, min(len(keys), rnd.randint(0, 3))):
        payload[k] = rnd.choice(ODD_VALUES)
    if rnd.random() < 0.1:
        return rnd.choice(ODD_VALUES)
    return payload


def _frame(rnd: random.Random, n: int, victim_tx: int) -> str | bytes:
    uid = f"f{n}"
    kind = rnd.random()
    valid = json.dumps([2, uid, rnd.choice(ACTIONS), _payload(rnd, victim_tx)])
    if kind < 0.45:
        return valid
    if kind < 0.60:
        return valid[: rnd.randint(0, len(valid))]  # truncated JSON
    if kind < 0.70:
        return json.dumps([rnd.choice([0, 1, 3, 4, 5, "2", None, 2.0]), uid, "Heartbeat", {}])
    if kind < 0.75:
        return valid.encode()  # binary frame
    if kind < 0.80:
        return valid.replace('"v"', "NaN").replace('"100"', "Infinity")
    if kind < 0.84:
        return "[" * rnd.randint(1000, 50_000)
    if kind < 0.87:
        return json.dumps([2, uid, "DataTransfer", {"vendorId": "org.voltra",
                                                  "data": "d" * rnd.randint(10**5, 6 * 10**5)}])
    if kind < 0.88:
        return "h" * (2 * 2**20)  # beyond the core's frame limit: the socket closes (1009)
    raw = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 200)))
    return raw.decode("latin-1") if rnd.random() < 0.5 else raw


async def _fuzzer(url: str, ident: str, victim_tx: int, rnd: random.Random) -> dict[str, int]:
    stats = {"sent": 0, "answered": 0, "reconnects": 0, "oversized": 0}
    c = await RawCharger.connect(url, ident)

    async def drain(ws) -> None:  # type: ignore[no-untyped-def]
        with contextlib.suppress(websockets.ConnectionClosed):
            async for _ in ws:
                stats["answered"] += 1

    reader = asyncio.create_task(drain(c.ws))
    try:
        for n in range(FRAMES):
            frame = _frame(rnd, n, victim_tx)
            oversized = len(frame) > MAX_FRAME_BYTES
            try:
                await c.send_raw(frame)
                stats["sent"] += 1
            except websockets.ConnectionClosed:
                assert oversized, f"the core dropped the connection after frame {n}"
            if oversized:
                stats["oversized"] += 1
                # the core refuses it at the WebSocket layer and closes: 1009 Message Too Big
                await asyncio.wait_for(reader, 20)
                assert c.ws.close_code in (1009, 1006), c.ws.close_code
                c = await RawCharger.connect(url, ident)
                reader = asyncio.create_task(drain(c.ws))
                stats["reconnects"] += 1
            else:
                assert not reader.done(), f"the core closed the connection after frame {n}"
            if n % 50 == 0:
                await asyncio.sleep(0)
    finally:
        await c.close()
        reader.cancel()
    return stats


async def test_fuzzed_frames_do_not_disturb_a_well_behaved_charger(fuzz_core) -> None:
    url, store = fuzz_core
    good = await RawCharger.connect(url, store.stations[0])
    await good.boot()
    meter_start = 50_000
    # Started an hour ago, samples one (charger) second apart at 18 kW: its meter values
    # arrive faster than they were taken, and a 22 kW connector can deliver the 10 kWh billed.
    began = datetime.now(UTC) - timedelta(hours=1)
    tx = await good.start(1, TAG_A, meter_start, ts=iso(began))
    wh = meter_start
    slowest = 0.0
    started = time.monotonic()
    fuzzers = [
        asyncio.create_task(_fuzzer(url, store.stations[k], tx, random.Random(SEED + k)))
        for k in (1, 2)
    ]
    try:
        while not all(f.done() for f in fuzzers):
            wh += 5
            taken = began + timedelta(seconds=(wh - meter_start) / 5)
            t0 = time.monotonic()
            await good.ok("MeterValues", {"connectorId": 1, "transactionId": tx,
                                          "meterValue": sample(wh, iso(taken))})
            await good.ok("Heartbeat", {})
            slowest = max(slowest, time.monotonic() - t0)
            assert time.monotonic() - started < 60, "fuzzing took too long"
            await asyncio.sleep(0.05)
        stats = [f.result() for f in fuzzers]
        assert all(s["sent"] >= FRAMES * 0.9 and s["answered"] > 0 for s in stats), stats
        assert all(s["reconnects"] == s["oversized"] for s in stats), stats
        assert slowest < 10, slowest
        assert wh < meter_start + 10_000
        res = await good.ok("StopTransaction", {"transactionId": tx,
                                                "meterStop": meter_start + 10_000,
                                                "timestamp": iso(), "idTag": TAG_A})
        assert res["idTagInfo"]["status"] == "Accepted"
        s = await asyncio.to_thread(session_row, store.db, tx)
        assert s["state"] == "finished" and s["energy_kwh"] == 10.0
        assert s["cost_total"] == pytest.approx(10.0 * PER_KWH)
        rows = await asyncio.to_thread(meter_rows, store.db, s["id"])
        assert max(r[1] for r in rows) <= wh  # nothing a fuzzer sent landed on this session
    finally:
        for f in fuzzers:
            f.cancel()
        await good.close()


def test_log_stays_bounded(fuzz_core) -> None:
    _url, store = fuzz_core
    log = Path(store.db).with_suffix(".log")
    # 2 x 3,000 frames, some of 600 kB: each line is a bounded prefix
    assert log.stat().st_size < 3 * FRAMES * 1200, log.stat().st_size
    longest = max(len(line) for line in log.read_text(errors="replace").splitlines())
    assert longest < 2000, longest
