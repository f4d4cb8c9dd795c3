"""Every frame a charger sends is checked against OCPP-J and the OCPP 1.6 JSON schemas; what
fails gets the CALLERROR the specification names, is not stored, and the link survives."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from tests.core.ocpp.ocpp_client import RawCharger, iso


def _station(db, ident: str) -> dict:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        st = dict(conn.execute("SELECT * FROM stations WHERE uuid = ?", (ident,)).fetchone())
        st["connectors"] = [
            r["ocpp_status"]
            for r in conn.execute(
                "SELECT ocpp_status FROM connectors WHERE station_id = ? ORDER BY sort_order",
                (st["id"],),
            )
        ]
        return st
    finally:
        conn.close()


STATUS = {"connectorId": 1, "errorCode": "NoError", "status": "Available"}
METER = {"connectorId": 1, "meterValue": [{"timestamp": iso(), "sampledValue": [{"value": "1"}]}]}

CASES = [
    ("StatusNotification", {**STATUS, "status": "Hacked"}, "PropertyConstraintViolation"),
    ("StatusNotification", {**STATUS, "errorCode": "x" * 50_000}, "PropertyConstraintViolation"),
    ("StatusNotification", {**STATUS, "connectorId": "1"}, "TypeConstraintViolation"),
    ("StatusNotification", {"connectorId": 1, "status": "Available"},
     "OccurenceConstraintViolation"),
    ("StatusNotification", {**STATUS, "extra": 1}, "FormationViolation"),
    ("BootNotification", {"chargePointVendor": "v" * 50_000, "chargePointModel": "m"},
     "PropertyConstraintViolation"),
    ("MeterValues", {**METER, "connectorId": "one"}, "TypeConstraintViolation"),
    ("MeterValues", {"connectorId": 1, "meterValue": "lots"}, "TypeConstraintViolation"),
    ("Heartbeat", {"now": True}, "FormationViolation"),
    ("Heartbeat", [], "FormationViolation"),
    ("StartTransaction", {"connectorId": 1, "idTag": "A" * 21, "meterStart": 0,
                          "timestamp": iso()}, "PropertyConstraintViolation"),
    ("StartTransaction", {"connectorId": 1, "idTag": "A", "meterStart": 1.5,
                          "timestamp": iso()}, "TypeConstraintViolation"),
    ("Teleport", {}, "NotImplemented"),
    ("RemoteStartTransaction", {"idTag": "A"}, "NotSupported"),
]


@pytest.mark.parametrize(("action", "payload", "code"), CASES)
async def test_schema_violation_gets_its_callerror(ocpp_core, action, payload, code) -> None:
    url, store = ocpp_core
    ident = store.stations[0]
    c = await RawCharger.connect(url, ident)
    try:
        before = await asyncio.to_thread(_station, store.db, ident)
        answer = await c.call(action, payload)
        assert answer[0] == 4 and answer[2] == code, answer
        assert len(answer[3]) < 300  # a description, not an echo of what was sent
        assert (await c.call("Heartbeat", {}))[0] == 3  # the link survives
        after = await asyncio.to_thread(_station, store.db, ident)
        assert after["vendor"] == before["vendor"]
        assert after["connectors"] == before["connectors"]
    finally:
        await c.close()


async def test_malformed_frames_and_binary_keep_the_link(ocpp_core) -> None:
    url, store = ocpp_core
    c = await RawCharger.connect(url, store.stations[1])
    try:
        await c.send_raw('[2,"nan1","Heartbeat",{"x":NaN}]')
        assert (await c.recv())[:3] == [4, "nan1", "FormationViolation"]
        await c.send_raw('[2,"cut1","Heartbeat",{')
        assert (await c.recv())[:3] == [4, "cut1", "FormationViolation"]
        await c.send_raw('[2,"short","Heartbeat"]')
        assert (await c.recv())[:3] == [4, "short", "FormationViolation"]
        await c.send_raw(json.dumps([2, "bin1", "Heartbeat", {}]).encode())
        answer = await c.recv()
        assert answer[:3] == [4, "bin1", "FormationViolation"] and "binary" in answer[3]
        # no usable id: nothing to answer, the frame is dropped and the link stays
        for junk in ("not json", "{}", "[]", '[9,"t9","Heartbeat",{}]', b"\x00\xff"):
            await c.send_raw(junk)
        assert (await c.call("Heartbeat", {}))[0] == 3
        for action, status in (
            ("DiagnosticsStatusNotification", "Uploaded"),
            ("FirmwareStatusNotification", "Installed"),
        ):
            assert await c.ok(action, {"status": status}) == {}
    finally:
        await c.close()


async def test_a_garbage_frame_logs_only_a_bounded_prefix(ocpp_core) -> None:
    url, store = ocpp_core
    log_path = store.db.with_suffix(".log")
    c = await RawCharger.connect(url, store.stations[2])
    try:
        size = log_path.stat().st_size
        await c.send_raw('[2,"big1","DataTransfer",{"vendorId":"' + "x" * 500_000)
        assert (await c.recv())[:3] == [4, "big1", "FormationViolation"]
        await c.send_raw("y" * 500_000)
        await c.send_raw(json.dumps([2, "big2", "DataTransfer",
                                     {"vendorId": "org.voltra", "data": "z" * 200_000}]))
        assert (await c.recv())[:2] == [3, "big2"]
        assert (await c.call("Heartbeat", {}))[0] == 3
        grown = log_path.stat().st_size - size
        assert grown < 4096, log_path.read_text()[size : size + 2000]
    finally:
        await c.close()
