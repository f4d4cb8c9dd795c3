"""Reservations end to end: the core's reservation service -> OCPP ReserveNow /
CancelReservation -> simulated chargers that hold the connector, admit only its holder, and
free it at expiry. A real core served in this process (so the test calls the service the
facades call), real WebSockets, real simulated chargers. A reservation minute lasts 1 s here
(``VOLTRA_MINUTE_SECONDS``)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.core.domain.charging import Failure, StartRequest
from services.core.domain.errors import BadInput, NotFound
from services.core.services import charging, reservations
from services.core.services.reservations import Refusal, ReservationRefused
from services.hardware.ev import Vehicle
from services.hardware.simulator import Simulator
from tests.clients.beenergised import Api
from tests.core.charging.served import served
from tests.core.charging.world import Seeded, reconnected
from tests.waits import eventually

SPEED = 60
A, B = 1, 2  # user ids of a@example.com and b@example.com in the seeded world
A_SECOND_CARD = "A2A2A2A2"


@pytest.fixture(scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[tuple[Any, str, Seeded, Simulator, Path]]:
    db = tmp_path_factory.mktemp("reservations") / "core.sqlite3"
    async with served(db, stations=6, speed=SPEED, env={"VOLTRA_MINUTE_SECONDS": "1"}) as w:
        w.one(
            "INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status,"
            " created_at) VALUES ('card-a-2', 1, ?, 'NO-A2', 'second', 'default', 'ACTIVE',"
            " '2026-01-01T00:00:00.000Z')",
            A_SECOND_CARD,
        )
        yield w.core, w.url, w.seeded, w.sim, w.db


def _row(db: Path, sql: str, *args: Any) -> Any:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchone()
    finally:
        conn.close()


async def _listed_status(url: str, station: str, connector_no: int) -> str | None:
    api = Api(url)
    try:
        d = await api.data(
            "query($id: ID!) { cp(id: $id) { connectors { sortOrder status { ocpp } } } }",
            {"id": station},
        )
    finally:
        await api.close()
    for c in d["cp"]["connectors"]:
        if int(c["sortOrder"]) == connector_no:
            return c["status"]["ocpp"]
    return None


async def _reservation(core: Any, rid: int, status: str) -> Any:
    r = await reservations.get(core, rid)
    return r if r.status == status else None


async def test_the_holder_starts_on_the_reserved_connector_and_uses_it(world) -> None:
    core, url, seeded, sim, db = world
    st = seeded.stations[0]
    c = sim.station(st).connectors[1]
    r = await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=1,
                                   minutes=600, card="A1A1A1A1")
    assert r.status == "accepted" and r.user_id == A and r.connector_no == 1
    assert r.tag_id == "A1A1A1A1" and (r.expires_at - r.created_at).total_seconds() == 600
    assert c.reservation is not None and c.reservation.id == r.id
    assert c.reservation.parent_id_tag == r.parent_tag
    await eventually(lambda: _is(c.status, "Reserved"))

    async def listed() -> bool:
        return await _listed_status(url, st, 1) == "Reserved"

    await eventually(listed)

    # another driver's remote start is refused by the core with the reason
    b_card = _row(db, "SELECT id FROM cards WHERE tag_id = 'B2B2B2B2'")[0]
    plan = await charging.start(
        core, StartRequest(user_id=B, connector_id=seeded.connectors[st][0], card_id=b_card),
        wait_s=5)
    assert plan.failure == Failure.CONNECTOR_RESERVED and plan.session_id is None
    # and by the charger itself, should a remote start with another tag reach it
    assert await core.gateway.link(st).remote_start(1, "B2B2B2B2") == "Rejected"
    # a local start with another card: the charger keeps the connector for its holder
    c.plug_in(Vehicle("test", 60.0, 11.0, 100.0, soc=30.0))
    assert await c.swipe("B2B2B2B2") == "Reserved"
    assert c.tx is None and c.status == "Reserved"

    card_id = _row(db, "SELECT id FROM cards WHERE tag_id = 'A1A1A1A1'")[0]
    plan = await charging.start(
        core, StartRequest(user_id=A, connector_id=seeded.connectors[st][0], card_id=card_id),
        wait_s=10)
    assert plan.failure is None, plan
    used = await eventually(lambda: _reservation(core, r.id, "used"))
    assert used.session_id == plan.session_id and used.ended_at is not None
    assert c.reservation is None and c.tx is not None
    stop = await charging.stop(core, A, plan.session_uuid, "session")
    assert stop.outcome == "stop"
    await eventually(lambda: _session_state(db, plan.session_id, "finished"))


async def test_any_card_of_the_holder_may_start_there(world) -> None:
    core, _url, seeded, sim, db = world
    st = seeded.stations[0]
    c = sim.station(st).connectors[2]
    r = await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=2,
                                   minutes=600, card="A1A1A1A1")
    assert r.status == "accepted"
    c.plug_in(Vehicle("test", 60.0, 11.0, 100.0, soc=30.0))
    # the second card is not the reserved one, but its parentIdTag (its driver) is
    assert await c.swipe(A_SECOND_CARD) == "Accepted"
    used = await eventually(lambda: _reservation(core, r.id, "used"))
    session = _row(db, "SELECT auth_id, user_id, state FROM sessions WHERE id = ?",
                   used.session_id)
    assert session == (A_SECOND_CARD, A, "charging")
    c.stop_transaction("Local")
    await eventually(lambda: _session_state(db, used.session_id, "finished"))


async def test_expiry_frees_the_connector_at_the_charger_and_in_the_core(world) -> None:
    core, url, seeded, sim, _db = world
    st = seeded.stations[1]
    c = sim.station(st).connectors[1]
    r = await reservations.reserve(core, user_id=B, station_uuid=st, connector_no=1,
                                   minutes=3)
    assert r.status == "accepted" and r.tag_id == "B2B2B2B2"  # the driver's active card
    assert c.reservation is not None and c.reservation.id == r.id
    expired = await eventually(lambda: _reservation(core, r.id, "expired"))
    assert expired.ended_at >= r.expires_at
    await eventually(lambda: _is(c.status, "Available"))
    assert c.reservation is None

    async def listed() -> bool:
        return await _listed_status(url, st, 1) == "Available"

    await eventually(listed)


async def test_the_core_expires_a_reservation_the_charger_says_nothing_about(world) -> None:
    core, url, seeded, sim, _db = world
    st = seeded.stations[2]
    station = sim.station(st)
    r = await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=1, minutes=6)
    assert r.status == "accepted"
    boots = station.boots
    await station.disconnect(offline_s=600)  # gone until after the expiry

    async def offline() -> bool:
        return not core.gateway.is_connected(st)

    await eventually(offline)
    assert (await reservations.get(core, r.id)).status == "accepted"  # nothing said yet
    expired = await eventually(lambda: _reservation(core, r.id, "expired"))
    assert expired.ended_at >= r.expires_at
    station.reconnect_now()
    await reconnected(url, station, boots)


async def test_a_cancel_the_charger_missed_reaches_it_when_it_is_back(world) -> None:
    core, url, seeded, sim, _db = world
    st = seeded.stations[4]
    station = sim.station(st)
    c = station.connectors[2]
    r = await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=2,
                                   minutes=600)
    boots = station.boots
    await station.disconnect(offline_s=600)

    async def offline() -> bool:
        return not core.gateway.is_connected(st)

    await eventually(offline)
    assert (await reservations.cancel(core, r.id, user_id=A)).status == "cancelled"
    assert c.reservation is not None  # the charger could not be told
    station.reconnect_now()
    await reconnected(url, station, boots)
    await eventually(lambda: _is(c.reservation, None))
    await eventually(lambda: _is(c.status, "Available"))


async def test_a_driver_cancels_only_their_own(world) -> None:
    core, url, seeded, sim, _db = world
    st = seeded.stations[1]
    c = sim.station(st).connectors[2]
    r = await reservations.reserve(core, user_id=A, connector_ref="DE*VOL*ET2*2", minutes=600)
    assert r.status == "accepted" and r.station_uuid == st and r.connector_no == 2
    with pytest.raises(NotFound) as err:
        await reservations.cancel(core, r.id, user_id=B)
    assert err.value.field == "reservation"
    with pytest.raises(NotFound):
        await reservations.get(core, r.id, user_id=B)
    assert [x.id for x in await reservations.list_for(core, user_id=B)
            if x.id == r.id] == []
    assert r.id in [x.id for x in await reservations.list_for(core, user_id=A)]
    await eventually(lambda: _is(c.status, "Reserved"))
    done = await reservations.cancel(core, r.id, user_id=A)
    assert done.status == "cancelled" and done.ended_at is not None
    await eventually(lambda: _is(c.status, "Available"))
    assert c.reservation is None
    again = await reservations.cancel(core, r.id, user_id=A)  # harmless
    assert again.status == "cancelled"

    # the connector can be reserved again as soon as the core has heard it is free (it
    # refuses one its charger last reported Reserved)
    async def free_in_the_core() -> bool:
        return await _listed_status(url, st, 2) == "Available"

    await eventually(free_in_the_core)
    other = await reservations.reserve(core, user_id=B, station_uuid=st, connector_no=2,
                                       minutes=600)
    assert other.status == "accepted"
    assert (await reservations.cancel(core, other.id)).status == "cancelled"  # the operator


async def test_refusals_name_their_reason(world) -> None:
    core, _url, seeded, sim, db = world
    st = seeded.stations[3]
    offline = seeded.stations[-1]
    with pytest.raises(ReservationRefused) as err:
        await reservations.reserve(core, user_id=A, station_uuid=offline, connector_no=1,
                                   minutes=10)
    assert err.value.refusal == Refusal.CHARGER_OFFLINE and err.value.answer is None

    for minutes in (0, 1441, 2.5, True):
        with pytest.raises(BadInput) as bad:
            await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=1,
                                       minutes=minutes)
        assert bad.value.field == "minutes"
    with pytest.raises(NotFound) as nf:
        await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=9,
                                   minutes=10)
    assert nf.value.field == "connector"
    with pytest.raises(BadInput) as blocked:
        await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=1,
                                   minutes=10, card="B10CB10C")
    assert blocked.value.field == "card"

    # occupied: a car is plugged in (Preparing)
    c1 = sim.station(st).connectors[1]
    c1.plug_in(Vehicle("test", 60.0, 11.0, 100.0, soc=30.0))
    await eventually(lambda: _db_status(db, st, 1, "Preparing"))
    with pytest.raises(ReservationRefused) as err:
        await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=1,
                                   minutes=10)
    assert err.value.refusal == Refusal.OCCUPIED
    c1.unplug()

    # already reserved, by someone else or by the same driver
    r = await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=1,
                                   minutes=600)
    for user in (A, B):
        with pytest.raises(ReservationRefused) as err:
            await reservations.reserve(core, user_id=user, station_uuid=st, connector_no=1,
                                       minutes=10)
        assert err.value.refusal == Refusal.ALREADY_RESERVED
    await reservations.cancel(core, r.id, user_id=A)

    # the charger's own answer: a connector it has just taken out of service
    c2 = sim.station(st).connectors[2]
    c2.inoperative = True  # before it could report it
    try:
        with pytest.raises(ReservationRefused) as err:
            await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=2,
                                       minutes=10)
        assert err.value.answer == "Unavailable"
        assert err.value.refusal == Refusal.UNAVAILABLE
        failed = err.value.reservation
        assert failed is not None and failed.status == "failed"
        assert (await reservations.get(core, failed.id, user_id=A)).status == "failed"
    finally:
        c2.inoperative = False

    # out of order as the core knows it
    sim.station(st).set_faulted(2, True)
    try:
        await eventually(lambda: _db_status(db, st, 2, "Faulted"))
        with pytest.raises(ReservationRefused) as err:
            await reservations.reserve(core, user_id=A, station_uuid=st, connector_no=2,
                                       minutes=10)
        assert err.value.refusal == Refusal.OUT_OF_ORDER
    finally:
        sim.station(st).set_faulted(2, False)


async def test_two_drivers_racing_for_one_connector(world) -> None:
    core, _url, seeded, _sim, _db = world
    st = seeded.stations[4]
    results = await asyncio.gather(
        *(reservations.reserve(core, user_id=u, station_uuid=st, connector_no=1, minutes=600)
          for u in (A, B, A, B)),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    assert len(won) == 1 and won[0].status == "accepted", results
    for r in results:
        if isinstance(r, BaseException):
            assert isinstance(r, ReservationRefused), r
            assert r.refusal == Refusal.ALREADY_RESERVED
    await reservations.cancel(core, won[0].id)


async def _is(value: Any, expected: Any) -> bool:
    return value == expected


async def _session_state(db: Path, session_id: int, state: str) -> bool:
    row = await asyncio.to_thread(_row, db, "SELECT state FROM sessions WHERE id = ?",
                                  session_id)
    return row is not None and row[0] == state


async def _db_status(db: Path, station: str, connector_no: int, status: str) -> bool:
    row = await asyncio.to_thread(
        _row, db,
        "SELECT c.ocpp_status FROM connectors c JOIN stations s ON s.id = c.station_id"
        " WHERE s.uuid = ? AND c.sort_order = ?",
        station, connector_no,
    )
    return row is not None and row[0] == status
