"""OIOI charging against simulated chargers: the document's session-start and session-stop
examples drive a real OCPP 1.6J charger through the core; the EVSE errors come back as the
document's 3xx codes; a charging key blocked over OIOI is refused at the charger.

A core of its own (demo data, 300 stations) with one demo station near Berlin simulated at
600x speed; another demo station stays unsimulated (offline).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.hardware.simulator import Simulator
from tests.clients.plugsurfing import CPO_KEY, AsyncOioi, Oioi, user_ref
from tests.contract.plugsurfing.doc_examples import examples
from tests.contract.plugsurfing.shapes import check_shape
from tests.contract.plugsurfing.world import DRIVER, TEST1, TEST2, fresh_uid, register
from tests.core_launcher import core_process
from tests.waits import WITHIN_S, eventually

EXAMPLES = {"session-start", "session-stop"}
SPEED = 600
STARTED = (0, 11, 12)  # success, charging, authorized (plug in): all successes


@pytest.fixture(scope="module")
def charging_core(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("oioi-charging") / "core.sqlite3"
    with core_process(db, stations=300, seed=42, env={"VOLTRA_REMOTE_START_TIMEOUT": "20"}
                      ) as url:
        yield url, db


def _stations(db: Path) -> list[dict[str, Any]]:
    """Two internal, paying demo stations near Berlin with two connectors or more:
    (uuid, connectors' EVSE ids by OCPP connector id)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(
            "SELECT s.id, s.uuid FROM stations s WHERE s.access_type = 'INTERNAL'"
            " AND s.latitude BETWEEN 52.3 AND 52.7 AND s.longitude BETWEEN 13.0 AND 13.8"
            " AND (SELECT COUNT(*) FROM connectors c WHERE c.station_id = s.id"
            "      AND c.free_of_charge = 0) >= 2 ORDER BY s.id LIMIT 2").fetchall()
        out = []
        for r in rows:
            evse = {c["sort_order"]: c["evse_id"] for c in conn.execute(
                "SELECT sort_order, evse_id FROM connectors WHERE station_id = ?", (r["id"],))}
            out.append({"uuid": r["uuid"], "evse": evse})
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
async def world(charging_core) -> AsyncIterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    url, db = charging_core
    live, offline = _stations(db)
    sim = Simulator(url, station_ids=[live["uuid"]], speed=SPEED, seed=12)
    await sim.start()
    await sim.wait_online(within_s=WITHIN_S)
    try:
        yield {"url": url, "sim": sim, "live": live, "offline": offline}
    finally:
        await sim.stop()


def _evco(url: str, creds: tuple[str, str]) -> tuple[str, str]:
    """(token, EVCO ID) of a user, as user-verify and user-get-details report them."""
    oioi = Oioi(url)
    try:
        token = oioi.sign_in(*creds)
        details = oioi.ok("user-get-details", {"user": user_ref(creds[0], token)})
        return token, details["user"]["evco-id"]
    finally:
        oioi.close()


def _written(kind: str, **values: Any) -> dict[str, Any]:
    fields = dict(examples()[kind].request[kind])
    fields["user"] = dict(fields["user"])
    for key, value in values.items():
        if key == "identifier":
            fields["user"]["identifier"] = value
        else:
            fields[key.replace("_", "-")] = value
    return fields


async def _session(api: AsyncOioi, token: str, email: str, session_id: str
                   ) -> dict[str, Any] | None:  # fmt: skip
    a = await api("user-get-recent-sessions", {"user": user_ref(email, token)})
    found = [s for s in a.body["user"]["sessions"] if s["external-session-id"] == session_id]
    return found[0] if found else None


async def test_document_examples_start_and_stop_a_charger(world) -> None:
    url, live, sim = world["url"], world["live"], world["sim"]
    token, evco = _evco(url, TEST1)
    api = AsyncOioi(url)
    try:
        start = await api("session-start", _written("session-start", identifier=evco,
                                                    connector_id=live["evse"][1]))
        assert start.status == 200 and start.code in STARTED, start
        # The answer has the documented "stoppable response" shape.
        check_shape(examples()["session-start"].responses[1], start.body, "session-start")
        session_id = start.body["session-start"]["session-id"]
        assert start.body["session-start"]["is-stoppable"] is True

        async def charging() -> bool:
            c = sim.station(live["uuid"]).connectors[1]
            return c.tx is not None and c.tx.id is not None

        await eventually(charging)

        async def metered() -> dict[str, Any] | None:
            found = await _session(api, token, TEST1[0], session_id)
            return found if found and (found["energy-consumed"] or 0) > 0.5 else None

        s = await eventually(metered)
        assert s["session-interval"]["start"] and s["session-interval"]["end"] is None
        assert s["connector-id"] and s["charging-station-id"]

        stop = await api("session-stop", _written("session-stop", identifier=evco,
                                                  connector_id=live["evse"][1],
                                                  session_id=session_id))
        assert stop.status == 200 and stop.code == 0, stop
        check_shape(examples()["session-stop"].responses[0], stop.body, "session-stop")

        async def ended() -> dict[str, Any] | None:
            found = await _session(api, token, TEST1[0], session_id)
            return found if found and found["session-interval"]["end"] else None

        done = await eventually(ended)
        assert done["energy-consumed"] is not None and float(done["cost"]) > 0
        # Stopping again is harmless.
        again = await api("session-stop", _written("session-stop", identifier=evco,
                                                   connector_id=live["evse"][1],
                                                   session_id=session_id))
        assert again.code == 0, again
    finally:
        await api.close()


async def test_evse_errors_have_the_documented_codes(world) -> None:
    url, live, offline, sim = world["url"], world["live"], world["offline"], world["sim"]
    _token, evco = _evco(url, TEST1)
    _dtoken, driver_evco = _evco(url, DRIVER)
    api = AsyncOioi(url)
    station = sim.station(live["uuid"])
    try:
        fields = _written("session-start", identifier=evco, connector_id=offline["evse"][1])
        a = await api("session-start", fields)
        assert a.code == 312 and a.status == 504, a  # the charger is not connected

        a = await api("session-start", _written("session-start", identifier=evco,
                                                connector_id="DE*VOL*E0000000*9"))
        assert a.code == 181 and a.status == 404, a

        station.set_faulted(2, True)

        async def faulted() -> bool:
            b = await api("station-get-by-ids", {"station-ids": [await _station_id(api, live)]})
            statuses = {c["external-id"]: c["status"] for c in b.body["stations"][0]["connectors"]}
            return statuses[live["evse"][2]] == "Offline"

        await eventually(faulted)
        a = await api("session-start", _written("session-start", identifier=evco,
                                                connector_id=live["evse"][2]))
        assert a.code == 310, a
        station.set_faulted(2, False)

        a = await api("session-start", _written("session-start", identifier=evco,
                                                connector_id=live["evse"][1]))
        assert a.code in STARTED, a
        mine = a.body["session-start"]["session-id"]
        await eventually(lambda: _charging(station, 1))
        b = await api("session-start", _written("session-start", identifier=driver_evco,
                                                connector_id=live["evse"][1]))
        assert b.code == 320 and b.status == 409, b
        # Someone else's session is not theirs to stop.
        c = await api("session-stop", _written("session-stop", identifier=driver_evco,
                                               connector_id=live["evse"][1], session_id=mine))
        assert c.code == 182, c
        done = await api("session-stop", _written("session-stop", identifier=evco,
                                                  connector_id=live["evse"][1],
                                                  session_id=mine))
        assert done.code == 0, done
        await eventually(lambda: _idle(station, 1))
    finally:
        await api.close()


async def test_a_user_without_payment_method_cannot_start(world) -> None:
    url, live = world["url"], world["live"]
    _token, evco = _evco(url, TEST2)
    api = AsyncOioi(url)
    try:
        a = await api("session-start", _written("session-start", identifier=evco,
                                                connector_id=live["evse"][1]))
        assert a.code == 193, a
    finally:
        await api.close()


async def test_a_key_blocked_over_oioi_is_refused_at_the_charger(world) -> None:
    url, live, sim = world["url"], world["live"], world["sim"]
    oioi = Oioi(url)
    uid = fresh_uid()
    try:
        user = register(oioi, "rfid")
        oioi.ok("user-add-rfid", {"user": user.ref(), "rfid": uid})
        connector = sim.station(live["uuid"]).connectors[2]
        assert await connector.swipe(uid) == "Accepted"
        oioi.ok("user-block-rfid", {"user": user.ref(), "rfid": uid})
        assert await connector.swipe(uid) == "Blocked"
        assert connector.tx is None
        oioi.ok("user-unblock-rfid", {"user": user.ref(), "rfid": uid})
        assert await connector.swipe(uid) == "Accepted"
    finally:
        oioi.close()


async def _station_id(api: AsyncOioi, live: dict[str, Any]) -> int:
    """The station's OIOI id, found the way a client finds it: by a surface search."""
    a = await api("station-get-surface", {"min-lat": 52.3, "max-lat": 52.7, "min-long": 13.0,
                                          "max-long": 13.8})
    ids = [s["id"] for s in a.body["stations"]]
    b = await api("station-get-by-ids", {"station-ids": ids[:10]})
    for s in b.body["stations"]:
        if any(c["external-id"] == live["evse"][1] for c in s["connectors"]):
            return s["id"]
    for chunk in range(10, len(ids), 10):
        b = await api("station-get-by-ids", {"station-ids": ids[chunk:chunk + 10]})
        for s in b.body["stations"]:
            if any(c["external-id"] == live["evse"][1] for c in s["connectors"]):
                return s["id"]
    raise AssertionError("the simulated station is not in the surface search")


async def _charging(station: Any, no: int) -> bool:
    c = station.connectors[no]
    return c.tx is not None and c.tx.id is not None


async def _idle(station: Any, no: int) -> bool:
    return station.connectors[no].tx is None


async def test_a_card_in_stock_moves_to_the_driver_who_adds_it(world) -> None:  # type: ignore[no-untyped-def]
    # The document's inactive UID that belongs to no user: adding it makes it the driver's.
    # On this module's own core: the session core keeps it in stock for test_cpo.
    oioi = Oioi(world["url"])
    try:
        first, second = register(oioi, "stock"), register(oioi, "stock")
        oioi.ok("user-add-rfid", {"user": first.ref(), "rfid": "0477BD22AA4880"})
        keys = oioi.ok("user-get-charging-keys", {"user": first.ref()})["user"]["charging-keys"]
        assert [(k["uid"], k["status"]) for k in keys] == [("0477BD22AA4880", "active")]
        taken = oioi("user-add-rfid", {"user": second.ref(), "rfid": "0477BD22AA4880"})
        assert (taken.code, taken.status) == (190, 400), taken
    finally:
        oioi.close()


async def test_a_whitelisted_uid_starts_at_the_charger_until_it_is_dropped(world) -> None:  # type: ignore[no-untyped-def]
    url, live, sim = world["url"], world["live"], world["sim"]
    cpo = Oioi(url, key=CPO_KEY)
    identifier = f"whitelist-test-{fresh_uid(16)}"
    uid = fresh_uid(20)
    connector = sim.station(live["uuid"]).connectors[2]
    try:
        assert await connector.swipe(uid) == "Invalid"
        posted = cpo("rfid-post", {"rfids": [uid], "partner-identifier": identifier})
        assert posted.body["rfid"] == {"processed": 1}, posted
        assert await connector.swipe(uid) == "Accepted"
        cpo("rfid-post", {"rfids": [], "partner-identifier": identifier})
        assert await connector.swipe(uid) == "Invalid"
    finally:
        cpo.close()
