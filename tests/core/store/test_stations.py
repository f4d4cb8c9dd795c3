"""Station queries against brute force on a small random set (triggers keep the R*Tree)."""

from __future__ import annotations

import random

import pytest

from services.core.api.beenergised import parsers
from services.core.store import connectors as connector_store
from services.core.store import geo, station_filter
from services.core.store import stations as st
from services.core.store.db import transaction

PLUGS = [
    ("TYPE2", "AC", 11),
    ("TYPE2", "AC", 22),
    ("CCS", "DC", 50),
    ("CCS", "DC", 150),
    ("CHADEMO", "DC", 50),
    ("SCHUKO", "AC", 3.7),
    ("CCS", "DC", 300),
]
STATUSES = ["Available", "Occupied", "Faulted", "Unavailable"]
CENTRE = (52.52, 13.405)


@pytest.fixture
def db(conn):
    rnd = random.Random(7)
    with transaction(conn):
        conn.execute("INSERT INTO operators(id, name, party_id, country) VALUES (1,'A','AAA','DE')")
        conn.execute("INSERT INTO operators(id, name, party_id, country) VALUES (2,'B','BBB','DE')")
        conn.execute("INSERT INTO tariffs(id, name, per_kwh) VALUES (1, 'T', 0.5)")
        conn.execute(
            "INSERT INTO sites(id, uuid, name, operator_id, country, latitude, longitude)"
            " VALUES (1, 's1', 'Site', 1, 'DEU', 52.5, 13.4)"
        )
        conn_id = 0
        for sid in range(1, 801):
            # dense core plus a sparse ring, and a few exactly duplicated positions
            if sid % 50 == 0:
                lat, lon = CENTRE[0] + 0.01, CENTRE[1]
            else:
                lat = CENTRE[0] + rnd.gauss(0, 0.05)
                lon = CENTRE[1] + rnd.gauss(0, 0.08)
            op = 1 + sid % 2
            conn.execute(
                "INSERT INTO stations(id, uuid, site_id, operator_id, label, country, latitude,"
                " longitude) VALUES (?, ?, 1, ?, ?, 'DEU', ?, ?)",
                (sid, f"u{sid}", op, f"S{sid}", lat, lon),
            )
            for n in range(1, rnd.randint(1, 3) + 1):
                conn_id += 1
                plug, cur, kw = rnd.choice(PLUGS)
                conn.execute(
                    "INSERT INTO connectors(id, station_id, sort_order, evse_id, plug_type,"
                    " current_type, max_power_kw, tariff_id, free_of_charge, simple_status)"
                    " VALUES (?,?,?,?,?,?,?,1,?,?)",
                    (
                        conn_id,
                        sid,
                        n,
                        f"DE*AAA*E{sid}*{n}",
                        plug,
                        cur,
                        kw,
                        int(rnd.random() < 0.1),
                        rnd.choice(STATUSES),
                    ),
                )
    return conn


def brute(conn, lat, lon, radius, pred=lambda sid: True):
    out = []
    for sid, la, lo in conn.execute("SELECT id, latitude, longitude FROM stations"):
        d = geo.haversine_m(lat, lon, la, lo)
        if d <= radius and pred(sid):
            out.append((d, sid))
    return sorted(out)


def connectors(conn):
    by: dict[int, list] = {}
    for r in conn.execute("SELECT * FROM connectors"):
        by.setdefault(r["station_id"], []).append(r)
    return by


@pytest.mark.parametrize("radius", [0, 300, 2000, 5000, 12000, 400_000])
def test_radius_matches_brute_force(db, radius):
    rnd = random.Random(radius)
    for _ in range(5):
        lat = CENTRE[0] + rnd.uniform(-0.05, 0.05)
        lon = CENTRE[1] + rnd.uniform(-0.05, 0.05)
        expected = brute(db, lat, lon, radius)
        assert geo.count_near(db, lat, lon, radius) == len(expected)
        page = geo.stations_near(db, lat, lon, radius, limit=1000)
        assert page.total == len(expected)
        assert [r["id"] for r in page.items] == [sid for _, sid in expected]
        assert all(
            abs(r["distance_m"] - d) < 1e-6 for r, (d, _) in zip(page.items, expected, strict=True)
        )


def test_boundary_is_exact(db):
    # a radius that lands exactly on a station: it is inside (<=), a hair less excludes it
    lat, lon = 52.53, 13.41
    d, sid = brute(db, lat, lon, 5000)[-1]
    assert sid in [s for _, s in geo.near_ids(db, lat, lon, d, limit=1000)[1]]
    assert sid not in [s for _, s in geo.near_ids(db, lat, lon, d - 0.01, limit=1000)[1]]
    assert geo.count_near(db, lat, lon, d) - geo.count_near(db, lat, lon, d - 0.01) >= 1


def test_paging_is_ordered_and_complete(db):
    lat, lon = CENTRE
    expected = [sid for _, sid in brute(db, lat, lon, 5000)]
    assert len(expected) > 120
    got, offset = [], 0
    while True:
        page = geo.stations_near(db, lat, lon, 5000, offset=offset, limit=50)
        assert page.total == len(expected)
        got += [r["id"] for r in page.items]
        distances = [r["distance_m"] for r in page.items]
        assert distances == sorted(distances)
        if page.is_last_page:
            break
        offset += 50
    assert got == expected
    beyond = geo.stations_near(db, lat, lon, 5000, offset=len(expected) + 5, limit=50)
    assert beyond.items == [] and beyond.is_last_page


def test_unordered_is_by_id(db):
    lat, lon = CENTRE
    expected = sorted(sid for _, sid in brute(db, lat, lon, 4000))
    page = geo.stations_near(db, lat, lon, 4000, offset=10, limit=20, ordered=False)
    assert [r["id"] for r in page.items] == expected[10:30]


def test_filters_match_connectors(db):
    lat, lon = CENTRE
    by = connectors(db)

    def has(sid, cond):
        return any(cond(c) for c in by.get(sid, []))

    cases = [
        (
            parsers.station_filter([{"slug": "TYPE_OF_CURRENT", "options": ["DC"]}]),
            lambda s: has(s, lambda c: c["current_type"] == "DC"),
        ),
        (
            parsers.station_filter(
                [{"slug": "FILTER_BY_CONNECTOR_TYPE", "options": ["CHADEMO", "SCHUKO"]}]
            ),
            lambda s: has(s, lambda c: c["plug_type"] in ("CHADEMO", "SCHUKO")),
        ),
        (
            parsers.station_filter(
                [
                    {"slug": "POWER_CLASS", "options": ["FROM_150_KW"]},
                    {"slug": "TYPE_OF_CURRENT", "options": ["DC"]},
                ]
            ),
            lambda s: has(s, lambda c: c["max_power_kw"] >= 150),
        ),
        (
            parsers.station_filter([{"slug": "POWER_CLASS", "options": ["UP_TO_22_KW"]}]),
            lambda s: has(s, lambda c: c["max_power_kw"] <= 22),
        ),
        (
            station_filter.StationFilter.build(free_of_charge=True),
            lambda s: has(s, lambda c: c["free_of_charge"]),
        ),
        (
            station_filter.StationFilter.build(available_only=True),
            lambda s: has(s, lambda c: c["simple_status"] == "Available"),
        ),
        (station_filter.StationFilter.build(operator_ids=[2]), lambda s: s % 2 == 1),
    ]
    for flt, pred in cases:
        expected = [sid for _, sid in brute(db, lat, lon, 6000, pred)]
        page = geo.stations_near(db, lat, lon, 6000, limit=1000, flt=flt)
        assert [r["id"] for r in page.items] == expected
        assert 0 < page.total == len(expected)


def test_features_follow_status_changes(db):
    lat, lon = CENTRE
    flt = station_filter.StationFilter.build(available_only=True)
    before = geo.count_near(db, lat, lon, 50_000, flt)
    with transaction(db):
        db.execute("UPDATE connectors SET simple_status = 'Occupied'")
    assert geo.count_near(db, lat, lon, 50_000, flt) == 0
    with transaction(db):
        db.execute("UPDATE connectors SET simple_status = 'Available' WHERE id % 2 = 0")
    after = geo.count_near(db, lat, lon, 50_000, flt)
    assert after > 0 and before != 0


def test_bad_filters_name_the_field(db):
    with pytest.raises(station_filter.FilterError) as e:
        parsers.station_filter([{"slug": "COLOUR", "options": []}])
    assert e.value.field == "filter[0].slug"
    with pytest.raises(station_filter.FilterError) as e:
        parsers.station_filter([{"slug": "POWER_CLASS", "options": ["WARP"]}])
    assert "WARP" in str(e.value)
    with pytest.raises(station_filter.FilterError) as e:
        geo.count_near(db, 95, 0, 10)
    assert e.value.field == "location.latitude"


def test_bbox_and_lookups(db):
    s, w, n, e = 52.50, 13.35, 52.55, 13.45
    expected = sorted(
        r[0]
        for r in db.execute(
            "SELECT id FROM stations WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?",
            (s, n, w, e),
        )
    )
    page = geo.stations_in_bbox(db, s, w, n, e, offset=5, limit=10)
    assert page.total == len(expected) > 20
    assert [r["id"] for r in page.items] == expected[5:15]
    rows = st.stations_by_ids(db, [5, 3, 999999, 4])
    assert [r["id"] for r in rows] == [5, 3, 4]
    assert rows[0]["site_uuid"] == "s1" and rows[0]["operator_party_id"] in ("AAA", "BBB")
    assert st.station_by_uuid(db, "u7")["id"] == 7
    assert st.station_by_uuid(db, "nope") is None
    cons = connector_store.connectors_of_stations(db, [1, 2, 3])
    assert set(cons) == {1, 2, 3}
    assert all(c["station_id"] == sid for sid, lst in cons.items() for c in lst)
    assert [c["sort_order"] for c in cons[1]] == sorted(c["sort_order"] for c in cons[1])
    evse = cons[2][0]["evse_id"]
    assert connector_store.connector_by_evse_id(db, evse)["id"] == cons[2][0]["id"]
    assert connector_store.connector_by_evse_id(db, evse)["per_kwh"] == 0.5
    assert connector_store.connector_by_id(db, cons[3][0]["id"])["station_uuid"] == "u3"


def test_sites_near(db):
    page = geo.sites_near(db, *CENTRE, 50_000)
    assert page.total == 1 and page.items[0]["uuid"] == "s1"
    assert page.items[0]["distance_m"] == brute(db, *CENTRE, 50_000)[0][0]


def test_counts_follow_moves_and_deletes(db):
    lat, lon = CENTRE
    with transaction(db):
        db.execute("UPDATE stations SET latitude = latitude + 0.2 WHERE id % 3 = 0")
        db.execute("DELETE FROM connectors WHERE station_id % 7 = 0")
        db.execute("DELETE FROM stations WHERE id % 7 = 0")
    for radius in (3000, 15000, 40000):
        expected = brute(db, lat, lon, radius)
        assert geo.count_near(db, lat, lon, radius) == len(expected)
        page = geo.stations_near(db, lat, lon, radius, limit=30)
        assert [r["id"] for r in page.items] == [sid for _, sid in expected[:30]]
    assert db.execute("SELECT SUM(n) FROM station_cell_counts").fetchone()[0] == db.execute(
        "SELECT COUNT(*) FROM stations"
    ).fetchone()[0]


def test_many_ties_at_one_spot(db):
    # 300 stations on the same spot: the nearest-k search must keep all ties it needs
    # (ordered by id) however many candidates share the cut-off distance.
    with transaction(db):
        for sid in range(5000, 5300):
            db.execute(
                "INSERT INTO stations(id, uuid, site_id, operator_id, label, country, latitude,"
                " longitude) VALUES (?, ?, 1, 1, 'tie', 'DEU', 52.6, 13.5)",
                (sid, f"t{sid}"),
            )
    expected = [sid for _, sid in brute(db, 52.6001, 13.5001, 20_000)]
    for offset in (0, 50, 280):
        page = geo.stations_near(db, 52.6001, 13.5001, 20_000, offset=offset, limit=50)
        assert page.total == len(expected)
        assert [r["id"] for r in page.items] == expected[offset : offset + 50]
    assert expected[:300] == list(range(5000, 5300))


def test_refresh_features_matches_triggers(db):
    before = db.execute("SELECT id, features FROM station_rtree ORDER BY id").fetchall()
    with transaction(db):
        db.execute("UPDATE station_rtree SET features = 0")
        st.refresh_features(db, [1, 2, 3])
    partial = dict(db.execute("SELECT id, features FROM station_rtree").fetchall())
    assert partial[4] == 0 and [partial[i] for i in (1, 2, 3)] == [f for _, f in before[:3]]
    with transaction(db):
        st.refresh_features(db)
    assert db.execute("SELECT id, features FROM station_rtree ORDER BY id").fetchall() == before
    assert any(f for _, f in before)
