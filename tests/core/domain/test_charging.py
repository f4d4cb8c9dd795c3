"""The charging state machine on a real (in-memory) SQLite store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from services.core.api.beenergised import parsers, renderers
from services.core.domain import charging, history
from services.core.domain.charging import Failure
from services.core.store.db import connect, migrate, to_iso

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture()
def conn() -> sqlite3.Connection:
    c = connect(":memory:")
    migrate(c)
    c.execute("INSERT INTO operators(id, name, party_id, country) VALUES (1, 'Op', 'VOL', 'DE')")
    c.execute(
        "INSERT INTO tariffs(id, name, start_fee, per_kwh, per_minute, parking_per_minute,"
        " parking_grace_minutes, tax_rate) VALUES (1, 'Standard', 1.0, 0.5, 0, 0.1, 10, 19)"
    )
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
            " max_power_kw, tariff_id, ocpp_status) VALUES (?, 1, ?, ?, 'TYPE2', 'AC', 22, 1,"
            " 'Available')",
            (10 + n, n, f"DE*VOL*E1*{n}"),
        )
    for uid, email in ((1, "a@example.com"), (2, "b@example.com")):
        c.execute(
            "INSERT INTO users(id, uuid, email, password_hash, created_at)"
            " VALUES (?, ?, ?, 'x', ?)",
            (uid, f"u{uid}", email, to_iso(T0)),
        )
    cards = [
        (1, 1, "AABBCCDD", "ACTIVE", None),
        (2, 2, "11223344", "ACTIVE", None),
        (3, 1, "DEADBEEF", "INACTIVE", None),
        (4, 1, "CAFEBABE", "ACTIVE", "2025-12-31"),
    ]
    for cid, uid, tag, status, exp in cards:
        c.execute(
            "INSERT INTO cards(id, uuid, user_id, tag_id, number, card_type, status, expiry_date,"
            " created_at) VALUES (?, ?, ?, ?, ?, 'RFID', ?, ?, ?)",
            (cid, f"card-{cid}", uid, tag, f"N{cid}", status, exp, to_iso(T0)),
        )
    return c


def _start(conn, user=1, card=1, connector=11, tag_id=None, config=None):
    try:
        request = parsers.start_request(
            user_id=user, connector_id=connector, card_id=card, tag_id=tag_id, config=config,
            invoiced=True,
        )
        return charging.request_remote_start(conn, request, now=T0)
    except charging.ChargingError as exc:
        raise parsers.wire_charging_error(exc) from None


def test_full_remote_session_is_billed_from_the_meter(conn):
    plan = _start(conn)
    assert plan.failure is None and plan.session_id and plan.connector_no == 1
    charging.attempt_sent(conn, plan.attempt_id, now=T0)
    assert charging.attempt_accepted(conn, plan.attempt_id, now=T0)
    tx, status = charging.start_transaction(
        conn,
        station_id=1,
        connector_no=1,
        id_tag="aabbccdd",
        meter_start=1000,
        timestamp=T0 + timedelta(seconds=5),
        now=T0,
    )
    assert (tx, status) == (plan.session_id, "Accepted")
    att = charging.get_attempt(conn, plan.attempt_uuid)
    assert att["status"] == "STARTED" and att["session_uuid"] == plan.session_uuid
    rows = [
        (tx, to_iso(T0 + timedelta(minutes=m)), 1000 + 500 * m, 11000.0, 40 + m)
        for m in range(1, 21)
    ]
    assert charging.record_meter_values(conn, rows) == 20
    summary = renderers.meter_summary(history.meter_summary(conn, 1, plan.session_uuid))
    assert summary["sumEnergy"] == 10.0 and summary["currentPower"] == 11000
    assert summary["initialStateOfCharge"] == 41 and summary["currentStateOfCharge"] == 60
    # energy stopped at minute 20; the car stays 40 more minutes: 30 billable parking minutes
    end = T0 + timedelta(minutes=60)
    assert charging.request_stop(conn, tx)[0] == "stop"
    s = charging.finish_transaction(
        conn, transaction_id=tx, meter_stop=11000, timestamp=end, reason="Remote"
    )
    assert s["state"] == "finished" and s["energy_kwh"] == 10.0
    assert s["meter_start"] == 1000 and s["meter_end"] == 11000
    # 1.00 start + 10 kWh * 0.50 + 30 min * 0.10 = 9.00
    assert s["cost_total"] == pytest.approx(9.0)
    assert s["co2_kg"] == pytest.approx(5.4)
    items = conn.execute(
        "SELECT gross_amount FROM session_cost_items WHERE session_id = ?", (tx,)
    ).fetchall()
    assert sorted(i[0] for i in items) == [1.0, 3.0, 5.0]
    # a repeated StopTransaction changes nothing
    again = charging.finish_transaction(
        conn, transaction_id=tx, meter_stop=99999, timestamp=end + timedelta(hours=1)
    )
    assert again["energy_kwh"] == 10.0
    assert charging.request_stop(conn, tx)[0] == "already"


def test_second_start_on_the_same_connector_loses(conn):
    first = _start(conn)
    second = _start(conn, user=2, card=2)
    assert first.failure is None
    assert second.failure == Failure.CONNECTOR_OCCUPIED and second.session_id is None
    att = charging.get_attempt(conn, second.attempt_uuid)
    assert att["is_failure"] == 1 and att["status"] == "FAILED"
    # the database itself refuses a second active row
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO sessions(uuid, connector_id, station_id, state, auth_id, created_at)"
            " VALUES ('x', 11, 1, 'charging', 'T', 'now')"
        )
    # the other connector is free
    assert _start(conn, user=2, card=2, connector=12).failure is None


def test_cards_offline_and_fault_failures(conn):
    assert _start(conn, card=3).failure == Failure.CARD_BLOCKED
    assert _start(conn, card=4).failure == Failure.CARD_EXPIRED
    with pytest.raises(charging.ChargingError):
        _start(conn, card=2)  # someone else's card
    unknown = _start(conn, card=None, tag_id="0badc0de")
    assert unknown.failure == Failure.CARD_UNKNOWN and unknown.tag_id == "0BADC0DE"
    conn.execute("UPDATE connectors SET ocpp_status = 'Faulted' WHERE id = 11")
    assert _start(conn).failure == Failure.CONNECTOR_OUT_OF_ORDER
    conn.execute("UPDATE stations SET connected = 0")
    assert _start(conn, connector=12).failure == Failure.CHARGER_OFFLINE


def test_authorize_statuses(conn):
    assert charging.authorize_tag(conn, "aabbccdd", T0) == "Accepted"
    assert charging.authorize_tag(conn, "DEADBEEF", T0) == "Blocked"
    assert charging.authorize_tag(conn, "CAFEBABE", T0) == "Expired"
    assert charging.authorize_tag(conn, "0102030405", T0) == "Invalid"
    assert charging.authorize_tag(conn, charging.GUEST_TAG_PREFIX + "0011223344", T0) == "Accepted"


def test_rejected_and_no_vehicle(conn):
    plan = _start(conn)
    assert charging.fail_attempt(conn, plan.attempt_id, Failure.REJECTED)
    assert not charging.fail_attempt(conn, plan.attempt_id, Failure.NO_VEHICLE)
    s = conn.execute(
        "SELECT state, failure_reason FROM sessions WHERE id = ?", (plan.session_id,)
    ).fetchone()
    assert tuple(s) == ("failed", Failure.REJECTED)
    # the connector is free again
    plan2 = _start(conn)
    assert plan2.failure is None
    charging.attempt_accepted(conn, plan2.attempt_id, now=T0)
    later = T0 + timedelta(seconds=charging.DEFAULT_START_TIMEOUT_S + 1)
    assert charging.expired_attempts(conn, T0) == []
    assert charging.expired_attempts(conn, later) == [
        {"id": plan2.attempt_id, "reason": Failure.NO_VEHICLE}
    ]


def test_local_start_repeated_start_and_stale_session(conn):
    tx, st = charging.start_transaction(
        conn, station_id=1, connector_no=2, id_tag="11223344", meter_start=0, timestamp=T0, now=T0
    )
    assert st == "Accepted"
    row = conn.execute("SELECT user_id, state FROM sessions WHERE id = ?", (tx,)).fetchone()
    assert tuple(row) == (2, "charging")
    # the charger repeats StartTransaction after a reconnect: same transaction
    again, _ = charging.start_transaction(
        conn, station_id=1, connector_no=2, id_tag="11223344", meter_start=0, timestamp=T0, now=T0
    )
    assert again == tx
    charging.record_meter_values(conn, [(tx, to_iso(T0 + timedelta(minutes=5)), 2500, 7000, None)])
    # a different start on the same connector closes the stale one with its metered energy
    guest = charging.GUEST_TAG_PREFIX + "AABBCCDDEE"
    tx2, st2 = charging.start_transaction(
        conn,
        station_id=1,
        connector_no=2,
        id_tag=guest,
        meter_start=2500,
        timestamp=T0 + timedelta(minutes=9),
        now=T0,
    )
    assert st2 == "Accepted" and tx2 != tx
    old = conn.execute("SELECT state, energy_kwh FROM sessions WHERE id = ?", (tx,)).fetchone()
    assert tuple(old) == ("finished", 2.5)
    assert conn.execute("SELECT user_id FROM sessions WHERE id = ?", (tx2,)).fetchone()[0] is None
    assert (
        charging.start_transaction(
            conn, station_id=1, connector_no=1, id_tag="99999999", meter_start=0, timestamp=T0
        )[1]
        == "Invalid"
    )


def test_auto_stop_and_rate_package(conn):
    conn.execute(
        "INSERT INTO rate_options(id, uuid, name, tariff_id) VALUES (1, 'ro-1', 'Flex', 1)"
    )
    conn.execute(
        "INSERT INTO rate_packages(id, uuid, name, rate_option_id, amount, visible_runtime,"
        " automatic_stop) VALUES (1, 'pkg-1', '30 min', 1, 4.5, 30, 30)"
    )
    plan = _start(conn, config={"ratePackage": "pkg-1", "stopMinutes": 45})
    tx, _ = charging.start_transaction(
        conn, station_id=1, connector_no=1, id_tag="AABBCCDD", meter_start=0, timestamp=T0, now=T0
    )
    assert tx == plan.session_id
    assert charging.sessions_due_auto_stop(conn, T0 + timedelta(minutes=29)) == []
    assert charging.sessions_due_auto_stop(conn, T0 + timedelta(minutes=30)) == [tx]
    assert charging.sessions_due_auto_stop(conn, T0 + timedelta(seconds=30), minute_seconds=1) == [
        tx
    ]
    s = charging.finish_transaction(
        conn, transaction_id=tx, meter_stop=8000, timestamp=T0 + timedelta(minutes=30)
    )
    assert s["cost_total"] == 4.5 and s["rate_name"] == "30 min"
    with pytest.raises(charging.ChargingError, match=r"config\.ratePackage"):
        _start(conn, config={"ratePackage": "nope"})
    with pytest.raises(charging.ChargingError, match=r"config\.validUntil"):
        _start(conn, config={"validUntil": "tomorrow"})
    past = _start(conn, config={"validUntil": to_iso(T0 - timedelta(minutes=1))})
    assert past.failure == Failure.EXPIRED_BEFORE_START
    assert charging.find_session(conn, str(tx))["uuid"] == plan.session_uuid


def test_a_cancelled_remote_start_cannot_start_late(conn):
    plan = _start(conn)
    charging.attempt_accepted(conn, plan.attempt_id, now=T0)
    assert charging.request_stop(conn, plan.session_id, now=T0)[0] == "cancelled"
    tx, status = charging.start_transaction(
        conn,
        station_id=1,
        connector_no=1,
        id_tag="AABBCCDD",
        meter_start=0,
        timestamp=T0 + timedelta(seconds=20),
        now=T0 + timedelta(seconds=20),
    )
    assert (tx, status) == (0, "Invalid")
    # much later the same card starts normally
    tx, status = charging.start_transaction(
        conn,
        station_id=1,
        connector_no=1,
        id_tag="AABBCCDD",
        meter_start=0,
        timestamp=T0 + timedelta(hours=1),
        now=T0 + timedelta(hours=1),
    )
    assert status == "Accepted" and tx > 0


def test_lost_stop_transaction_is_closed_and_rebilled_if_it_turns_up(conn):
    tx, _ = charging.start_transaction(
        conn, station_id=1, connector_no=1, id_tag="AABBCCDD", meter_start=0, timestamp=T0, now=T0
    )
    charging.record_meter_values(
        conn, [(tx, to_iso(T0 + timedelta(minutes=10)), 4000, 11000, None)]
    )
    # Available reported before the last meter value: not stale
    assert charging.close_if_stale(conn, 1, 1, T0 + timedelta(minutes=5)) is None
    idle = T0 + timedelta(minutes=15)
    assert charging.close_if_stale(conn, 1, 1, idle, now=idle + timedelta(minutes=2)) == tx
    s = conn.execute(
        "SELECT state, energy_kwh, stop_reason FROM sessions WHERE id = ?", (tx,)
    ).fetchone()
    assert tuple(s) == ("finished", 4.0, charging.STALE_REASON)
    # the connector can be started again
    assert _start(conn, user=2, card=2).failure is None
    # the charger's StopTransaction arrives late after all: its register wins
    s = charging.finish_transaction(
        conn,
        transaction_id=tx,
        meter_stop=4500,
        timestamp=T0 + timedelta(minutes=12),
        reason="Local",
    )
    assert s["energy_kwh"] == 4.5 and s["stop_reason"] == "Local"
    again = charging.finish_transaction(
        conn, transaction_id=tx, meter_stop=9999, timestamp=T0 + timedelta(minutes=13)
    )
    assert again["energy_kwh"] == 4.5


def test_a_start_we_gave_up_on_is_revived_when_the_charger_starts_after_all(conn):
    plan = _start(conn)
    charging.attempt_sent(conn, plan.attempt_id, now=T0)
    assert charging.fail_attempt(conn, plan.attempt_id, Failure.NO_ANSWER, now=T0)
    tx, status = charging.start_transaction(
        conn,
        station_id=1,
        connector_no=1,
        id_tag="AABBCCDD",
        meter_start=10,
        timestamp=T0 + timedelta(seconds=40),
        now=T0 + timedelta(seconds=40),
    )
    assert (tx, status) == (plan.session_id, "Accepted")
    att = charging.get_attempt(conn, plan.attempt_uuid)
    assert (att["status"], att["is_failure"], att["failure_reason"]) == ("STARTED", 0, None)
    assert att["session_state"] == "charging"
