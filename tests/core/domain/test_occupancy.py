"""Occupancy: measured rates from sessions where there is history, profiles otherwise."""

from datetime import UTC, datetime, timedelta

from services.core.domain import occupancy
from services.core.store.db import to_iso, transaction

UNTIL = datetime(2026, 11, 16, tzinfo=UTC)  # a Monday


def _station(conn, sid, profile):
    conn.execute(
        "INSERT OR IGNORE INTO operators(id, name, party_id, country) VALUES (1,'A','AAA','DE')"
    )
    conn.execute(
        "INSERT OR IGNORE INTO sites(id, uuid, name, operator_id, country, latitude, longitude)"
        " VALUES (1, 's1', 'S', 1, 'DEU', 52.5, 13.4)"
    )
    conn.execute(
        "INSERT INTO stations(id, uuid, site_id, operator_id, label, country, latitude, longitude,"
        " occupancy_profile) VALUES (?, ?, 1, 1, 'x', 'DEU', 52.5, 13.4, ?)",
        (sid, f"u{sid}", profile),
    )
    conn.execute(
        "INSERT INTO connectors(id, station_id, sort_order, evse_id, plug_type, current_type,"
        " max_power_kw) VALUES (?, ?, 1, ?, 'TYPE2', 'AC', 22)",
        (sid, sid, f"DE*AAA*E{sid}*1"),
    )


def test_profiles_are_plausible():
    for p in occupancy.PROFILES:
        week = [occupancy.profile_rate(p, d, h) for d in range(7) for h in range(24)]
        assert all(0 <= r <= 1 for r in week) and max(week) > 0.3
    # offices are busy on weekday middays and quiet on Sundays
    assert occupancy.profile_rate(1, 2, 12) > 4 * occupancy.profile_rate(1, 6, 12)


def test_measured_rates_win_over_profile(conn):
    with transaction(conn):
        _station(conn, 1, 1)
        _station(conn, 2, 3)
        # every Monday 10:00-11:00 for the 8 weeks before UNTIL, the one connector is busy
        for w in range(1, 9):
            start = UNTIL - timedelta(weeks=w) + timedelta(hours=10)
            conn.execute(
                "INSERT INTO sessions(uuid, connector_id, station_id, state, auth_id,"
                " date_start, date_end, created_at) VALUES (?, 1, 1, 'finished', 'T', ?, ?, ?)",
                (f"s{w}", to_iso(start), to_iso(start + timedelta(hours=1)), to_iso(start)),
            )
        occupancy.recompute(conn, [1], until=UNTIL, weeks=8)
    measured = {(d, h): r for d, h, r in occupancy.rates(conn, [1])}
    assert measured[(0, 10)] == 1.0 and measured[(0, 11)] == 0.0 and measured[(3, 10)] == 0.0
    monday = occupancy.rates(conn, [2], weekday=0)
    assert [(d, h) for d, h, _ in monday] == [(0, h) for h in range(24)]
    assert [r for _, _, r in monday] == [occupancy.profile_rate(3, 0, h) for h in range(24)]
    both = {(d, h): r for d, h, r in occupancy.rates(conn, [1, 2])}
    assert both[(0, 10)] == round((1.0 + occupancy.profile_rate(3, 0, 10)) / 2, 4)
    assert occupancy.rates(conn, [999]) == []
