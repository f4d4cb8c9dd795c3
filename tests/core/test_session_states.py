"""The session state machine: its moves, and the store refusing the ones it does not allow."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from services.core.domain import charging
from services.core.domain.sessions import (
    TRANSITIONS,
    InvalidTransition,
    SessionState,
    check,
    sources,
)
from services.core.store.db import connect, migrate, to_iso

S = SessionState
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_every_state_has_its_moves_and_the_ends_are_ends() -> None:
    assert set(TRANSITIONS) == set(SessionState)
    assert TRANSITIONS[S.STOPPING] == {S.FINISHED}
    assert sources(S.ACCEPTED) == (S.REQUESTED,)
    assert set(sources(S.FAILED)) == {S.REQUESTED, S.ACCEPTED}
    assert check("charging", S.STOPPING) is S.STOPPING
    for old, new in (("finished", S.CHARGING), ("stopping", S.CHARGING),
                     ("charging", S.REQUESTED), ("failed", S.FINISHED)):
        with pytest.raises(InvalidTransition):
            check(old, new)


@pytest.fixture()
def conn() -> sqlite3.Connection:
    c = connect(":memory:")
    migrate(c)
    c.execute("INSERT INTO operators(id, name, party_id, country) VALUES (1, 'Op', 'VOL', 'DE')")
    c.execute("INSERT INTO sites(id, uuid, name, operator_id, country, latitude, longitude)"
              " VALUES (1, 'site-1', 'Site', 1, 'DEU', 52.5, 13.4)")
    c.execute("INSERT INTO stations(id, uuid, site_id, operator_id, label, country, latitude,"
              " longitude, connected) VALUES (1, 'st-1', 1, 1, 'S1', 'DEU', 52.5, 13.4, 1)")
    c.execute("INSERT INTO connectors(id, station_id, sort_order, evse_id, plug_type,"
              " current_type, max_power_kw, ocpp_status)"
              " VALUES (11, 1, 1, 'DE*VOL*E1*1', 'TYPE2', 'AC', 22, 'Available')")
    c.execute("INSERT INTO users(id, uuid, email, password_hash, created_at)"
              " VALUES (1, 'u1', 'a@example.com', 'x', ?)", (to_iso(T0),))
    c.execute("INSERT INTO cards(id, uuid, user_id, tag_id, number, card_type, status,"
              " created_at) VALUES (1, 'card-1', 1, 'AABBCCDD', 'N1', 'RFID', 'ACTIVE', ?)",
              (to_iso(T0),))
    return c


def test_a_stop_for_a_session_that_never_started_changes_nothing(conn) -> None:
    plan = charging.request_remote_start(
        conn, charging.StartRequest(user_id=1, connector_id=11, card_id=1), now=T0)
    s = charging.finish_transaction(conn, transaction_id=plan.session_id, meter_stop=5000,
                                    timestamp=T0)
    assert s["state"] == S.REQUESTED and s["energy_kwh"] is None
    outcome, _ = charging.request_stop(conn, plan.session_id, now=T0)
    assert outcome == "cancelled"
    assert charging.find_session(conn, plan.session_uuid)["state"] == S.FAILED
    # a cancelled start stays cancelled: stopping it again moves nothing
    assert charging.request_stop(conn, plan.session_id, now=T0)[0] == "already"
