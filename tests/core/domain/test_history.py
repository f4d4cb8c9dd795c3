"""History domain on an in-memory store: status mapping and filters, newest-first paging,
statistics over finished sessions only, meter summary of running vs finished sessions."""

from datetime import UTC, datetime, timedelta

import pytest

from services.core.api.beenergised import renderers
from services.core.domain import accounts, history, tariffs
from services.core.domain.errors import BadInput, NotFound
from services.core.store.db import to_iso, transaction, utcnow

T0 = datetime(2026, 3, 1, 8, tzinfo=UTC)


@pytest.fixture
def world(conn):
    a = accounts.register(conn, {"email": "a@example.com", "password": "secret-pw-1"})["id"]
    b = accounts.register(conn, {"email": "b@example.com", "password": "secret-pw-1"})["id"]
    with transaction(conn):
        conn.execute("INSERT INTO tariffs(id, name, per_kwh, tax_rate) VALUES (1, 'T', 0.5, 19)")
        conn.execute("INSERT INTO operators(id, name, party_id, country) VALUES (1,'O','OOO','DE')")
        conn.execute("INSERT INTO sites(id, uuid, name, operator_id, country, latitude, longitude)"
                     " VALUES (1, 's', 'S', 1, 'DEU', 52.5, 13.4)")
        conn.execute("INSERT INTO stations(id, uuid, site_id, operator_id, label, country,"
                     " latitude, longitude) VALUES (1, 'st', 1, 1, 'L', 'DEU', 52.5, 13.4)")
        for k in (1, 2):
            conn.execute("INSERT INTO connectors(id, station_id, sort_order, evse_id, plug_type,"
                         " current_type, max_power_kw, tariff_id) VALUES (?, 1, ?, ?, 'CCS',"
                         " 'DC', 150, 1)", (k, k, f"DE*OOO*E1*{k}"))
    snap = tariffs.snapshot({"name": "T", "per_kwh": 0.5, "tax_rate": 19})

    def add(uid, uuid, state, start, kwh=None, connector=1):
        with transaction(conn):
            return conn.execute(
                "INSERT INTO sessions(uuid, user_id, connector_id, station_id, state, auth_id,"
                " date_start, date_end, meter_start, energy_kwh, co2_kg, tariff_snapshot,"
                " currency, cost_total, cost_net, cost_tax, created_at)"
                " VALUES (?, ?, ?, 1, ?, 'TAG', ?, ?, 1000, ?, ?, ?, 'EUR', ?, ?, ?, ?)",
                (uuid, uid, connector, state, to_iso(start),
                 to_iso(start + timedelta(hours=1)) if state == "finished" else None, kwh,
                 tariffs.co2_saving_kg(kwh) if kwh else None, snap,
                 round(kwh * 0.5, 2) if kwh else None, None, None, utcnow())).lastrowid

    ids = {
        "old": add(a, "old", "finished", T0, 10.0),
        "mid": add(a, "mid", "finished", T0 + timedelta(days=10), 20.0),
        "failed": add(a, "failed", "failed", T0 + timedelta(days=11)),
        "live": add(a, "live", "charging", T0 + timedelta(days=12), connector=2),
        "other": add(b, "other", "finished", T0 + timedelta(days=5), 99.0),
    }
    return a, b, ids


def test_status_mapping():
    assert [history.chargelog_status(s) for s in
            ("requested", "accepted", "charging", "stopping", "finished", "failed")] == [
        "started", "started", "started", "started", "stopped", "failed"]


def test_list_newest_first_filters_and_isolation(conn, world):
    a, b, _ = world
    rows, total = history.list_sessions(conn, a, limit=10, offset=0)
    assert [r["uuid"] for r in rows] == ["live", "failed", "mid", "old"] and total == 4
    rows, total = history.list_sessions(conn, a, limit=10, offset=0, status="stopped")
    assert [r["uuid"] for r in rows] == ["failed", "mid", "old"]
    rows, _ = history.list_sessions(conn, a, limit=10, offset=0, status="started")
    assert [r["uuid"] for r in rows] == ["live"]
    rows, total = history.list_sessions(
        conn, a, limit=1, offset=1,
        timeframe={"start": T0 + timedelta(days=1), "end": T0 + timedelta(days=12)})
    assert [r["uuid"] for r in rows] == ["mid"] and total == 2
    with pytest.raises(BadInput) as e:
        history.list_sessions(conn, a, limit=1, offset=0, status="paused")
    assert e.value.field == "filters.status"
    with pytest.raises(NotFound):
        history.get_session(conn, b, "mid")
    assert history.get_session(conn, b, "other")["user_id"] == b


def test_statistics_count_finished_only(conn, world):
    a, _, _ = world
    stats = renderers.statistics(history.statistics(conn, a, None))
    assert stats == {"number": 2, "energyConsumption": 30.0,
                     "co2Saving": round(tariffs.co2_saving_kg(10) + tariffs.co2_saving_kg(20), 3)}


def test_meter_summary_and_live_chargelog(conn, world):
    a, _, ids = world
    with transaction(conn):
        conn.executemany(
            "INSERT INTO meter_values(session_id, ts, energy_wh, power_w, soc) VALUES (?,?,?,?,?)",
            [(ids["live"], to_iso(T0 + timedelta(days=12, minutes=m)), 1000 + 500 * m, p, s)
             for m, p, s in ((1, 50000.0, 20.0), (2, 50000.0, 22.0), (3, 42000.0, 24.0))])
    summary = renderers.meter_summary(history.meter_summary(conn, a, "live"))
    assert summary["sumEnergy"] == 1.5 and summary["currentPower"] == 42000
    assert summary["initialStateOfCharge"] == 20 and summary["currentStateOfCharge"] == 24
    assert summary["currentPowerLastChanged"] == to_iso(T0 + timedelta(days=12, minutes=3))
    row = history.get_session(conn, a, "live")
    log = renderers.chargelog(history.session_dict(conn, row))
    assert log["status"] == "started" and log["energyConsumption"] == 1.5
    assert log["meterEnd"] == 2500 and log["sessionId"] == str(ids["live"])
    live_cost = renderers.cost(
        history.cost_dict(conn, row, now=T0 + timedelta(days=12, minutes=3)))
    assert live_cost["total"] == 0.75  # 1.5 kWh x 0.50
    finished = renderers.meter_summary(history.meter_summary(conn, a, "mid"))
    assert finished["sumEnergy"] == 20.0 and finished["currentPower"] is None
