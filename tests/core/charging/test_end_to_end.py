"""Charging end to end: be.ENERGISED call -> core -> OCPP 1.6J -> simulated charger -> meter
values -> stop -> chargelog with the right energy and cost. Real core process, real
WebSockets, real simulated chargers; only the clock runs faster (--speed)."""

from __future__ import annotations

import asyncio
import base64
import sqlite3
from collections.abc import AsyncIterator

import pytest
import websockets

from services.core.demo import chargers as demo_chargers
from services.hardware.charger import StationSpec
from services.hardware.simulator import Simulator
from tests.clients.beenergised import Api
from tests.core.charging.world import PASSWORD, PER_KWH, START_FEE, seed
from tests.core_launcher import core_process
from tests.waits import WITHIN_S, eventually

SPEED = 600  # one simulated minute per 0.1 s


@pytest.fixture(scope="module")
def charging_core(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("charging") / "core.sqlite3"
    seeded = seed(db)
    # A "minute" of stopMinutes lasts 1 s here, so automatic stops happen within the test.
    env = {"VOLTRA_REMOTE_START_TIMEOUT": "20", "VOLTRA_MINUTE_SECONDS": "1"}
    with core_process(db, stations=0, seed=None, env=env) as url:
        seeded.db = db  # type: ignore[attr-defined]
        yield url, seeded


@pytest.fixture(scope="module")
async def sim(charging_core) -> AsyncIterator[Simulator]:  # type: ignore[no-untyped-def]
    url, seeded = charging_core
    # The last station stays unsimulated: it is the offline charger.
    s = Simulator(url, specs=seeded.specs(seeded.stations[:-1]), speed=SPEED, seed=7)
    await s.start()
    await s.wait_online(within_s=WITHIN_S)
    yield s
    await s.stop()


async def _api(url: str, email: str) -> Api:
    return await Api(url).login(email, PASSWORD)


def _basic(identity: str, password: str | None) -> dict[str, str] | None:
    if password is None:
        return None
    token = base64.b64encode(f"{identity}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _expected_cost(energy_kwh: float) -> float:
    return round(START_FEE + round(energy_kwh * PER_KWH, 2), 2)


async def test_remote_start_charge_stop_bills_the_metered_energy(charging_core, sim) -> None:
    url, seeded = charging_core
    st = seeded.stations[0]
    connector = seeded.connectors[st][0]  # AC 22 kW, OCPP connectorId 1
    a = await _api(url, "a@example.com")
    card_uuid, tag = seeded.users["a@example.com"]["cards"]["main"]
    try:
        res = await a.remote_start(connector, card_uuid)
        assert res["status"] == "ACCEPTED" and res["code"] == 200, res
        assert res["session"] and res["transaction"]
        chargelog, tx = res["session"], res["transaction"]

        async def charging():
            s = await a.summary(chargelog)
            return s if (s["sumEnergy"] or 0) > 1.0 else None

        live = await eventually(charging)
        assert live["currentPower"] and live["currentPower"] > 1000
        assert live["currentStateOfCharge"] >= live["initialStateOfCharge"]
        sim_conn = sim.station(st).connectors[1]
        assert sim_conn.status in ("Charging", "SuspendedEV")

        # someone else cannot stop it
        b = await _api(url, "b@example.com")
        body = await b.raw(
            "mutation($t: String) { remoteStop(transaction: $t) { status } }", {"t": tx}
        )
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        await b.close()

        stop = await a.remote_stop(tx)
        assert stop["status"] == "STOPPING" and stop["code"] == 200, stop

        async def finished():
            log = await a.chargelog(chargelog)
            return log if log["status"] == "stopped" else None

        log = await eventually(finished)
        # the charger's own register is the truth
        assert sim_conn.tx is None
        assert log["meterEnd"] == sim_conn.meter_wh
        energy = (log["meterEnd"] - log["meterStart"]) / 1000
        assert log["energyConsumption"] == pytest.approx(energy, abs=1e-3)
        assert energy > 1.0
        assert log["authId"] == tag
        assert log["cost"]["total"] == pytest.approx(_expected_cost(energy), abs=0.011)
        items = log["cost"]["costItems"]
        assert sum(i["grossAmount"] for i in items) == pytest.approx(log["cost"]["total"])
        assert {round(i["taxRate"]) for i in items} == {19}
        assert log["co2Saving"] > 0
        assert log["sessionId"] == tx

        # a double stop is harmless
        again = await a.remote_stop(tx)
        assert again["status"] == "STOPPED" and again["code"] == 200
        # and the connector is free again for the next driver
        await eventually(lambda: _status_is(sim_conn, "Available"))
    finally:
        await a.close()


async def _status_is(c, status: str) -> bool:  # type: ignore[no-untyped-def]
    return c.status == status


async def test_two_drivers_racing_for_one_connector(charging_core, sim) -> None:
    url, seeded = charging_core
    st = seeded.stations[1]
    connector = seeded.connectors[st][1]  # DC
    a = await _api(url, "a@example.com")
    b = await _api(url, "b@example.com")
    try:
        card_a = seeded.users["a@example.com"]["cards"]["main"][0]
        card_b = seeded.users["b@example.com"]["cards"]["main"][0]
        racers = [(a, card_a), (b, card_b), (a, card_a), (b, card_b)]
        results = await asyncio.gather(*(api.remote_start(connector, card)
                                         for api, card in racers))
        winners = [i for i, r in enumerate(results) if r["code"] == 200]
        assert len(winners) == 1, results
        for i, r in enumerate(results):
            if i != winners[0]:
                assert r["status"] == "FAILED" and r["code"] == 409, r
                assert r["message"].startswith("Connector occupied")
                assert r["transaction"] is None
        winner = racers[winners[0]][0]
        stop = await winner.remote_stop(results[winners[0]]["transaction"])
        # CANCELLED when the stop overtook the vehicle being plugged in
        assert stop["status"] in ("STOPPING", "CANCELLED")
    finally:
        await a.close()
        await b.close()


async def test_unknown_and_blocked_cards_fail_with_a_reason(charging_core, sim) -> None:
    url, seeded = charging_core
    connector = seeded.connectors[seeded.stations[2]][0]
    a = await _api(url, "a@example.com")
    try:
        unknown = await a.attempt(connector, "0BADC0DE")
        assert unknown["isFailure"] is True and unknown["status"] == "FAILED"
        assert unknown["failureReason"].startswith("Card unknown")
        blocked_tag = seeded.users["a@example.com"]["cards"]["blocked"][1]
        blocked = await a.attempt(connector, blocked_tag)
        assert blocked["failureReason"].startswith("Card blocked")
        # the attempt is readable later, by its owner only
        assert (await a.attempt_status(unknown["id"]))["failureReason"] == unknown["failureReason"]
        b = await _api(url, "b@example.com")
        body = await b.raw(
            "query($id: String!) { remoteStartAttemptStatus(id: $id) { id } }",
            {"id": unknown["id"]},
        )
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        await b.close()
    finally:
        await a.close()


async def test_charger_rejects_remote_start(charging_core, sim) -> None:
    url, seeded = charging_core
    st = seeded.stations[3]
    sim.station(st).faults.reject_remote_start = True
    a = await _api(url, "a@example.com")
    try:
        res = await a.remote_start(
            seeded.connectors[st][0], seeded.users["a@example.com"]["cards"]["main"][0]
        )
        assert res["status"] == "FAILED" and res["code"] == 422
        assert res["message"].startswith("Rejected by the charger")
        assert res["transaction"] is None
    finally:
        sim.station(st).faults.reject_remote_start = False
        await a.close()


async def test_no_vehicle_plugged_in(charging_core, sim) -> None:
    url, seeded = charging_core
    st = seeded.stations[4]
    sim.station(st).faults.no_vehicle = True
    a = await _api(url, "a@example.com")
    try:
        att = await a.attempt(
            seeded.connectors[st][0], seeded.users["a@example.com"]["cards"]["main"][1]
        )
        assert att["isFailure"] is False
        assert att["status"] in ("SENT", "ACCEPTED")

        async def failed():
            s = await a.attempt_status(att["id"])
            return s if s["isFailure"] else None

        final = await eventually(failed)
        assert final["failureReason"].startswith("No vehicle plugged in")
        assert final["chargeLogId"] is None and final["lastSentAt"]
    finally:
        sim.station(st).faults.no_vehicle = False
        await a.close()


async def test_offline_charger(charging_core, sim) -> None:
    url, seeded = charging_core
    st = seeded.stations[-1]
    a = await _api(url, "a@example.com")
    try:
        res = await a.remote_start(
            seeded.connectors[st][0], seeded.users["a@example.com"]["cards"]["main"][0]
        )
        assert res["status"] == "FAILED" and res["code"] == 503
        assert res["message"].startswith("Charger offline")
    finally:
        await a.close()


def test_unknown_identity_is_rejected(charging_core) -> None:
    import websockets.sync.client as wsc
    from websockets.exceptions import InvalidStatus

    url, _seeded = charging_core
    with pytest.raises(InvalidStatus):
        wsc.connect(url.replace("http", "ws") + "/ocpp/not-a-station", subprotocols=["ocpp1.6"])


async def test_stop_minutes_stops_the_session_by_itself(charging_core, sim) -> None:
    url, seeded = charging_core
    st = seeded.stations[2]
    a = await _api(url, "a@example.com")
    try:
        att = await a.attempt(
            seeded.connectors[st][1],
            seeded.users["a@example.com"]["cards"]["main"][1],
            {"stopMinutes": 2, "markedAsInvoiced": False},
        )
        assert att["isFailure"] is False, att

        async def started():
            s = await a.attempt_status(att["id"])
            return s if s["chargeLogId"] else None

        chargelog = (await started() or await eventually(started))["chargeLogId"]

        async def stopped():
            log = await a.chargelog(chargelog)
            return log if log["status"] == "stopped" else None

        log = await eventually(stopped)
        assert log["energyConsumption"] > 0
        assert sim.station(st).connectors[2].tx is None
        conn = sqlite3.connect(seeded.db)
        row = conn.execute(
            "SELECT stop_reason, invoiced FROM sessions WHERE uuid = ?", (chargelog,)
        ).fetchone()
        conn.close()
        assert row == ("Remote", 0)
    finally:
        await a.close()


async def test_background_drivers_charge_with_guest_cards(charging_core) -> None:
    url, seeded = charging_core
    st = seeded.stations[5]
    others = Simulator(
        url, specs=seeded.specs([st]), speed=SPEED * 10, seed=11, drivers=True, occupancy=1.0
    )
    await others.start()
    try:
        await others.wait_online(within_s=WITHIN_S)

        async def guest_sessions():
            conn = sqlite3.connect(seeded.db)
            try:
                return conn.execute(
                    "SELECT COUNT(*) FROM sessions WHERE station_id = 6 AND user_id IS NULL"
                    " AND auth_id LIKE 'EE00%' AND state = 'finished' AND energy_kwh > 0"
                ).fetchone()[0]
            finally:
                conn.close()

        assert await eventually(guest_sessions) >= 1
    finally:
        await others.stop()


async def test_basic_auth_per_station(charging_core) -> None:
    from services.core.domain.passwords import hash_password

    url, seeded = charging_core
    st = seeded.stations[5]
    conn = sqlite3.connect(seeded.db)
    conn.execute(
        "UPDATE stations SET ocpp_password_hash = ? WHERE uuid = ?",
        (hash_password("s3cret-box"), st),
    )
    conn.commit()
    conn.close()
    ocpp_url = url.replace("http://", "ws://") + "/ocpp/" + st
    try:
        # The refusal is the handshake's own answer: no waiting for something not to happen.
        for password in ("nope", None):
            with pytest.raises(websockets.InvalidStatus) as refused:
                async with websockets.connect(ocpp_url, subprotocols=["ocpp1.6"],
                                              additional_headers=_basic(st, password)):
                    pass
            # Refused before the WebSocket opens: the core answers 403 (OCPP 1.6's security
            # whitepaper names 401; either is a refusal).
            assert refused.value.response.status_code in (401, 403)
        right = Simulator(url, specs=[StationSpec(st, password="s3cret-box")], speed=SPEED)
        await right.start()
        await right.wait_online(within_s=WITHIN_S)
        await right.stop()
    finally:
        conn = sqlite3.connect(seeded.db)
        conn.execute("UPDATE stations SET ocpp_password_hash = NULL WHERE uuid = ?", (st,))
        demo_chargers.provision(conn)
        conn.commit()
        conn.close()


async def test_status_feed_capabilities_and_catalog(charging_core, sim) -> None:
    """Faulted/Available reach feedStatusUpdate subscribers; hasRemoteCommands follows the
    connection; the simulator can find its stations through the public API by id."""
    from tests.clients.beenergised import WsClient

    url, seeded = charging_core
    st = seeded.stations[3]
    connector = seeded.connectors[st][1]
    a = await _api(url, "a@example.com")
    caps_q = "query($id: String!) { cpCapabilities(id: $id) { hasRemoteCommands } }"
    try:
        assert (await a.data(caps_q, {"id": st}))["cpCapabilities"]["hasRemoteCommands"] is True
        offline = seeded.stations[5]
        assert (await a.data(caps_q, {"id": offline}))["cpCapabilities"][
            "hasRemoteCommands"
        ] is False
        async with WsClient.connect(url, {"Authorization": f"Bearer {a.token}"}) as ws:
            await ws.subscribe(
                "s1",
                "subscription($c: [ID]!) { feedStatusUpdate(connectors: $c)"
                " { connectorId ocpp calculated simple } }",
                {"c": [str(connector)]},
            )
            sim.station(st).set_faulted(2, True)
            ev = (await ws.next("s1"))["data"]["feedStatusUpdate"]
            assert ev == {
                "connectorId": str(connector),
                "ocpp": "Faulted",
                "calculated": "Faulted",
                "simple": "Faulted",
            }
            sim.station(st).set_faulted(2, False)
            ev = (await ws.next("s1"))["data"]["feedStatusUpdate"]
            assert ev["ocpp"] == "Available" and ev["simple"] == "Available"
            await ws.complete("s1")
        # the catalog: the same station found by id over GraphQL, connectors included
        by_id = Simulator(url, [offline], speed=SPEED)
        await by_id.start()
        try:
            await by_id.wait_online(within_s=WITHIN_S)
            spec = by_id.station(offline).spec
            assert [(c.number, c.current_type, c.max_kw) for c in spec.connectors] == [
                (1, "AC", 22.0),
                (2, "DC", 150.0),
            ]
            assert (await a.data(caps_q, {"id": offline}))["cpCapabilities"][
                "hasRemoteCommands"
            ] is True
        finally:
            await by_id.stop()

        async def disconnected():
            d = await a.data(caps_q, {"id": offline})
            return not d["cpCapabilities"]["hasRemoteCommands"]

        await eventually(disconnected)
    finally:
        await a.close()


async def test_auto_card_and_start_without_invoicing(charging_core, sim) -> None:
    url, seeded = charging_core
    st = seeded.stations[4]
    a = await _api(url, "a@example.com")
    try:
        d = await a.data(
            "mutation($a: Authorization, $c: String) { remoteStartWithoutInvoicing("
            "authorization: $a, connector: $c) { status code session transaction } }",
            {"a": {"identifier": "", "type": "AUTO"}, "c": str(seeded.connectors[st][1])})
        res = d["remoteStartWithoutInvoicing"]
        assert res["code"] == 200, res
        conn = sqlite3.connect(seeded.db)
        row = conn.execute("SELECT auth_id, invoiced FROM sessions WHERE uuid = ?",
                           (res["session"],)).fetchone()
        conn.close()
        # AUTO picked the driver's first card that can charge (not the blocked one)
        assert row == ("A1A1A1A1", 0)
        await a.remote_stop(res["transaction"])
        # the connector argument is checked
        body = await a.raw("mutation { remoteStart(connector: \"999999\") { status } }")
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert "connector" in body["errors"][0]["message"]
        body = await a.raw("mutation { remoteStop(transaction: \"\") { status } }")
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        # no login, no charging
        body = await Api(url).raw("mutation { remoteStop(transaction: \"1\") { status } }")
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    finally:
        await a.close()
