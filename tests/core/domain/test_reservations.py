"""Reservation rules on a real (in-memory) SQLite store: what may be reserved, how the
charger's answer, a cancel, the clock and a start end a reservation."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from services.core.domain import charging, reservations
from services.core.domain.charging import Failure, StartRequest
from services.core.domain.errors import BadInput, NotFound
from services.core.domain.reservations import Refusal, ReservationRefused
from services.core.store.db import connect, migrate, to_iso

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture()
def conn() -> sqlite3.Connection:
    c = connect(":memory:")
    migrate(c)
    c.execute("INSERT INTO operators(id, name, party_id, country) VALUES (1, 'Op', 'VOL', 'DE')")
    c.execute(
        "INSERT INTO sites(id, uuid, name, operator_id, country, latitude, longitude)"
        " VALUES (1, 'site-1', 'Site', 1, 'DEU', 52.5, 13.4)"
    )
    c.execute(
        "INSERT INTO stations(id, uuid, site_id, operator_id, label, country, latitude, longitude,"
        " connected) VALUES (1, 'st-1', 1, 1, 'S1', 'DEU', 52.5, 13.4, 1)"
    )
    for n in (1, 2):
        c.execute(
            "INSERT INTO connectors(id, station_id, sort_order, evse_id, plug_type, current_type,"
            " max_power_kw, ocpp_status) VALUES (?, 1, ?, ?, 'TYPE2', 'AC', 22, 'Available')",
            (10 + n, n, f"DE*VOL*E1*{n}"),
        )
    for uid in (1, 2):
        c.execute(
            "INSERT INTO users(id, uuid, email, password_hash, created_at)"
            " VALUES (?, ?, ?, 'x', ?)",
            (uid, f"u{uid}", f"u{uid}@example.com", to_iso(T0)),
        )
    for cid, uid, tag in ((1, 1, "AABBCCDD"), (2, 2, "11223344"), (3, 1, "A2A2A2A2")):
        c.execute(
            "INSERT INTO cards(id, uuid, user_id, tag_id, number, card_type, status, created_at)"
            " VALUES (?, ?, ?, ?, ?, 'RFID', 'ACTIVE', ?)",
            (cid, f"card-{cid}", uid, tag, f"N{cid}", to_iso(T0)),
        )
    return c


def _reserve(conn: sqlite3.Connection, user: int = 1, connector: int = 11, minutes: int = 15,
             tag: str = "AABBCCDD") -> reservations.Reservation:
    return reservations.create(conn, user_id=user, connector_id=connector, card_id=None,
                               tag=tag, minutes=minutes, now=T0)


def test_a_reservation_holds_for_its_minutes_once_the_charger_accepts(conn) -> None:
    r = _reserve(conn, minutes=15)
    assert r.status == "pending" and r.expires_at == T0 + timedelta(minutes=15)
    assert r.parent_tag == reservations.parent_tag(1) and len(r.parent_tag) <= 20
    r = reservations.answered(conn, r.id, "Accepted", now=T0)
    assert r.status == "accepted" and r.charger_answer == "Accepted" and r.is_open
    assert reservations.expire_due(conn, T0 + timedelta(minutes=14)) == []
    assert reservations.expire_due(conn, T0 + timedelta(minutes=15)) == [r.id]
    ended = reservations.get(conn, r.id)
    assert ended.status == "expired" and ended.ended_at == T0 + timedelta(minutes=15)


@pytest.mark.parametrize(("answer", "reason"), [
    ("Faulted", Refusal.FAULTED), ("Occupied", Refusal.OCCUPIED),
    ("Rejected", Refusal.REJECTED), ("Unavailable", Refusal.UNAVAILABLE),
    (None, Refusal.NO_ANSWER),
])
def test_the_chargers_refusal_fails_it_and_frees_the_connector(conn, answer, reason) -> None:
    r = reservations.answered(conn, _reserve(conn).id, answer, now=T0)
    assert r.status == "failed" and r.failure_reason == reason and not r.is_open
    assert _reserve(conn).status == "pending"  # the connector may be reserved again


def test_what_cannot_be_reserved(conn) -> None:
    with pytest.raises(BadInput) as bad:
        _reserve(conn, minutes=0)
    assert bad.value.field == "minutes"
    with pytest.raises(NotFound):
        _reserve(conn, connector=99)
    _reserve(conn)
    with pytest.raises(ReservationRefused) as err:
        _reserve(conn, user=2, tag="11223344")
    assert err.value.refusal == Refusal.ALREADY_RESERVED and err.value.field == "connector"
    for status, refusal in (("Charging", Refusal.OCCUPIED), ("Preparing", Refusal.OCCUPIED),
                            ("Faulted", Refusal.OUT_OF_ORDER),
                            ("Unavailable", Refusal.OUT_OF_ORDER)):
        conn.execute("UPDATE connectors SET ocpp_status = ? WHERE id = 12", (status,))
        with pytest.raises(ReservationRefused) as err:
            _reserve(conn, connector=12)
        assert err.value.refusal == refusal, status
    conn.execute("UPDATE connectors SET ocpp_status = 'Available' WHERE id = 12")
    # a remote start waiting for the car holds the connector before the charger says so
    assert charging.request_remote_start(
        conn, StartRequest(user_id=2, connector_id=12, card_id=2), now=T0).failure is None
    with pytest.raises(ReservationRefused) as err:
        _reserve(conn, connector=12)
    assert err.value.refusal == Refusal.OCCUPIED
    conn.execute("UPDATE stations SET connected = 0")
    with pytest.raises(ReservationRefused) as err:
        _reserve(conn, connector=12)
    assert err.value.refusal == Refusal.CHARGER_OFFLINE


def test_only_the_holder_cancels_and_a_second_cancel_is_harmless(conn) -> None:
    r = _reserve(conn)
    with pytest.raises(NotFound):
        reservations.cancel(conn, r.id, 2, now=T0)
    done, was_open = reservations.cancel(conn, r.id, 1, now=T0)
    assert done.status == "cancelled" and was_open
    again, was_open = reservations.cancel(conn, r.id, None, now=T0)
    assert again.status == "cancelled" and not was_open


def test_the_start_it_lets_through_uses_it(conn) -> None:
    r = reservations.answered(conn, _reserve(conn).id, "Accepted", now=T0)
    conn.execute("UPDATE connectors SET ocpp_status = 'Reserved' WHERE id = 11")
    # another driver's remote start is refused; the holder's goes ahead
    other = charging.request_remote_start(
        conn, StartRequest(user_id=2, connector_id=11, card_id=2), now=T0)
    assert other.failure == Failure.CONNECTOR_RESERVED
    mine = charging.request_remote_start(
        conn, StartRequest(user_id=1, connector_id=11, card_id=3), now=T0)
    assert mine.failure is None
    # the charger names the reservation in StartTransaction, whichever card it admitted
    assert reservations.use(conn, station_id=1, connector_no=1, tag="A2A2A2A2",
                            reservation_id=r.id, session_id=int(mine.session_id),
                            now=T0) == r.id
    used = reservations.get(conn, r.id)
    assert used.status == "used" and used.session_id == mine.session_id
    assert reservations.use(conn, station_id=1, connector_no=1, tag="AABBCCDD",
                            reservation_id=r.id, session_id=int(mine.session_id)) is None


def test_a_start_by_a_stranger_leaves_it_open(conn) -> None:
    r = reservations.answered(conn, _reserve(conn).id, "Accepted", now=T0)
    assert reservations.use(conn, station_id=1, connector_no=1, tag="11223344",
                            reservation_id=None, session_id=1, now=T0) is None
    assert reservations.get(conn, r.id).status == "accepted"


def test_the_charger_freeing_the_connector_at_expiry_expires_it(conn) -> None:
    r = reservations.answered(conn, _reserve(conn, minutes=10).id, "Accepted", now=T0)
    # Available long before the expiry (a reboot, say) does not end it
    assert reservations.freed_by_charger(conn, 1, 1, now=T0 + timedelta(minutes=5)) is None
    # a charger clock a second ahead of ours still counts as the expiry
    at = T0 + timedelta(minutes=10) - timedelta(seconds=1)
    assert reservations.freed_by_charger(conn, 1, 1, now=at) == r.id
    assert reservations.get(conn, r.id).status == "expired"


def test_listing_is_per_driver_and_filters_by_status(conn) -> None:
    a = _reserve(conn)
    b = _reserve(conn, user=2, connector=12, tag="11223344")
    reservations.cancel(conn, b.id, 2, now=T0)
    assert [r.id for r in reservations.list_for(conn, user_id=1)] == [a.id]
    assert [r.id for r in reservations.list_for(conn)] == [a.id, b.id]
    assert [r.id for r in reservations.list_for(conn, status="cancelled")] == [b.id]
    assert [r.id for r in reservations.list_for(conn, after_id=a.id)] == [b.id]
    assert reservations.list_for(conn, user_ids=[]) == []
    with pytest.raises(BadInput) as bad:
        reservations.list_for(conn, status="active")
    assert bad.value.field == "status"
