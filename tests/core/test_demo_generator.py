"""The demo data generator: determinism, and the invariants the rest of Voltra relies on."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.core.demo import generate
from services.core.demo.catalog import STATUSES
from services.core.domain import field_crypto, tariffs
from services.core.domain.passwords import verify_password
from services.core.store import geo
from services.core.store.db import connect, from_iso, migrate
from services.core.store.migrations import expand_cells
from services.core.store.station_filter import FEATURES_SQL

ANCHOR = datetime(2026, 11, 21, tzinfo=UTC)
ASSETS = Path(__file__).resolve().parents[2] / "assets" / "stations"


def _seeded(n: int, seed: int):
    c = connect(":memory:")
    migrate(c)
    generate(c, stations=n, seed=seed, anchor=ANCHOR)
    return c


def _digest(conn) -> str:
    h = hashlib.sha256()
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE 'station_rtree_%' AND name NOT IN ('schema_migrations',"
        " 'partner_keys') ORDER BY name"
    )]  # fmt: skip
    for t in tables:
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')]
        # Random by design: scrypt salts, and each database's own keys (partner_keys) with
        # the credential hashes keyed by them.
        cols = [c for c in cols if (t, c) not in (("users", "password_hash"),
                                                  ("partner_credentials", "secret_hash"))]
        h.update(t.encode())
        sealed = field_crypto.SEALED_COLUMNS.get(t, ())
        for row in conn.execute(f'SELECT {", ".join(cols)} FROM "{t}" ORDER BY 1, 2'):
            # sealed fields carry a random IV: compare what they hold
            values = tuple(field_crypto.reveal(row[c]) if c in sealed else row[c] for c in cols)
            h.update(repr(values).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def demo():
    c = _seeded(3000, 42)
    yield c
    c.close()


def test_same_seed_same_data_other_seed_other_data():
    a, b, other = _seeded(400, 7), _seeded(400, 7), _seeded(400, 8)
    try:
        assert _digest(a) == _digest(b)
        assert _digest(a) != _digest(other)
        assert a.execute("SELECT COUNT(*) FROM stations").fetchone()[0] == 400
    finally:
        for c in (a, b, other):
            c.close()


def test_berlin_is_dense(demo):
    assert geo.count_near(demo, 52.52, 13.405, 10_000) >= 100


def test_refuses_a_seeded_store(demo):
    with pytest.raises(ValueError, match="stations"):
        generate(demo, stations=10)


def test_schema_objects_restored_and_consistent(demo):
    triggers = {r[0] for r in demo.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert {"stations_rtree_insert", "connectors_features_update"} <= triggers
    assert demo.execute("SELECT 1 FROM sqlite_master WHERE name = 'stations_site'").fetchone()
    assert demo.execute("PRAGMA foreign_key_check").fetchall() == []
    # features computed in Python during the bulk load equal the triggers' SQL
    mismatched = demo.execute(
        f"SELECT COUNT(*) FROM station_rtree r WHERE features <> (SELECT {FEATURES_SQL}"
        " FROM connectors c WHERE c.station_id = r.id)"
    ).fetchone()[0]
    assert mismatched == 0
    assert demo.execute("SELECT COUNT(*) FROM station_rtree").fetchone()[0] == 3000
    # the search grid holds every station once, in the cell its coordinates name
    assert demo.execute("SELECT SUM(n) FROM station_cell_counts").fetchone()[0] == 3000
    misplaced = demo.execute(
        "SELECT COUNT(*) FROM station_cells g JOIN stations s ON s.id = g.station_id"
        f" WHERE g.cell <> {expand_cells('CELL(s.latitude, s.longitude)')}"
        " OR g.latitude <> s.latitude"
    ).fetchone()[0]
    assert misplaced == 0
    for lat, lon, r in ((52.52, 13.405, 5000), (48.85, 2.35, 20_000), (52.52, 13.405, 80_000)):
        brute = sum(
            1
            for la, lo in demo.execute("SELECT latitude, longitude FROM stations")
            if geo.haversine_m(lat, lon, la, lo) <= r
        )
        assert geo.count_near(demo, lat, lon, r) == brute


def test_connectors_evse_ids_and_statuses(demo):
    rows = demo.execute(
        "SELECT c.evse_id, c.station_id, c.sort_order, c.simple_status, c.ocpp_status,"
        " o.party_id, o.country FROM connectors c JOIN stations s ON s.id = c.station_id"
        " JOIN operators o ON o.id = s.operator_id"
    ).fetchall()
    simple = {"Available", "Occupied", "Unavailable", "Faulted"}
    for evse, sid, n, status, _ocpp, party, cc in rows:
        assert re.fullmatch(r"[A-Z]{2}\*[A-Z0-9]{3}\*E\d+\*\d+", evse)
        assert evse == f"{cc}*{party}*E{sid}*{n}"
        assert status in simple
    seen = {r[3] for r in rows}
    assert {"Available", "Occupied", "Faulted"} <= seen
    assert {r[4] for r in rows} <= {s[0] for s in STATUSES}
    kinds = demo.execute(
        "SELECT DISTINCT plug_type, current_type, max_power_kw FROM connectors"
    ).fetchall()
    assert {k[0] for k in kinds} == {"TYPE2", "CCS", "CHADEMO", "SCHUKO"}
    assert {11.0, 22.0, 50.0, 150.0, 300.0} <= {k[2] for k in kinds}
    free = demo.execute("SELECT COUNT(*) FROM connectors WHERE free_of_charge = 1").fetchone()[0]
    assert free > 0


def test_stations_have_places_hours_and_images(demo):
    countries = {r[0] for r in demo.execute("SELECT DISTINCT country FROM stations")}
    assert countries == {"DEU", "AUT", "CHE", "NLD", "BEL", "LUX", "FRA", "DNK"}
    sizes = [r[0] for r in demo.execute("SELECT COUNT(*) FROM stations GROUP BY site_id")]
    assert min(sizes) >= 1 and max(sizes) <= 6 and max(sizes) > 1
    regular = 0
    for hours, images, address, zipcode in demo.execute(
        "SELECT opening_hours, images, address, zip FROM stations"
    ):
        h = json.loads(hours)
        if not h["twentyfourseven"]:
            regular += 1
            assert all(1 <= r["weekday"] <= 7 for r in h["regular"])
        for name in json.loads(images) if images else []:
            assert (ASSETS / name).is_file()
        assert address and zipcode
    assert regular > 100
    ops = demo.execute("SELECT party_id FROM operators").fetchall()
    assert all(re.fullmatch(r"[A-Z0-9]{3}", r[0]) for r in ops)
    pk = demo.execute("SELECT COUNT(*) FROM rate_packages WHERE automatic_stop > 0").fetchone()
    assert pk[0] >= 3


def test_demo_driver(demo):
    user = demo.execute("SELECT * FROM users WHERE email = 'driver@example.com'").fetchone()
    assert verify_password("driver-demo", user["password_hash"])
    assert not verify_password("wrong", user["password_hash"])
    cards = demo.execute(
        "SELECT card_type, status, rate_option_id, tag_id FROM cards WHERE user_id = ?",
        (user["id"],),
    ).fetchall()
    active = [c for c in cards if c["status"] == "ACTIVE"]
    assert len(active) >= 2 and any(c["status"] == "INACTIVE" for c in cards)
    assert (
        len({c["card_type"] for c in cards}) >= 2 and len({c["rate_option_id"] for c in cards}) >= 2
    )
    assert all(re.fullmatch(r"[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20}", c["tag_id"]) for c in cards)
    n = demo.execute(
        "SELECT COUNT(*), MIN(date_start), MAX(date_start) FROM sessions WHERE user_id = ?",
        (user["id"],),
    ).fetchone()
    assert n[0] >= 40
    assert (from_iso(n[2]) - from_iso(n[1])).days >= 150
    favs = demo.execute("SELECT COUNT(*) FROM favourites WHERE user_id = ?", (user["id"],))
    assert favs.fetchone()[0] >= 3
    contract = demo.execute(
        "SELECT kind, iban FROM contracts WHERE user_id = ?", (user["id"],)
    ).fetchone()
    assert contract["kind"] == "SEPA" and contract["iban"].startswith(field_crypto.PREFIX)
    iban = field_crypto.reveal(contract["iban"])
    assert iban.startswith("DE")
    assert int("".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])) % 97 == 1
    docs = demo.execute(
        "SELECT COUNT(*) FROM documents WHERE user_id = ? AND doc_type = 'invoice'", (user["id"],)
    ).fetchone()[0]
    assert docs >= 5
    meters = demo.execute(
        "SELECT COUNT(*) FROM meter_values m JOIN sessions s ON s.id = m.session_id"
        " WHERE s.user_id = ?", (user["id"],)
    ).fetchone()[0]  # fmt: skip
    assert meters > 2 * n[0]


def test_history_costs_equal_tariff_calculation(demo):
    rows = demo.execute(
        "SELECT s.*, c.free_of_charge FROM sessions s JOIN connectors c ON c.id = s.connector_id"
        " WHERE s.state = 'finished'"
    ).fetchall()
    assert len(rows) > 1000
    items_by: dict[int, list] = {}
    for it in demo.execute("SELECT * FROM session_cost_items ORDER BY id"):
        items_by.setdefault(it["session_id"], []).append(it)
    free_seen = paid_seen = 0
    for s in rows:
        assert s["meter_end"] - s["meter_start"] == round(s["energy_kwh"] * 1000)
        assert from_iso(s["date_start"]) < from_iso(s["charging_end"]) <= from_iso(s["date_end"])
        cost = tariffs.session_cost(
            s["tariff_snapshot"], energy_kwh=s["energy_kwh"], start=from_iso(s["date_start"]),
            end=from_iso(s["date_end"]), charging_end=from_iso(s["charging_end"]),
            free_of_charge=bool(s["free_of_charge"]),
        )  # fmt: skip
        assert (s["cost_total"], s["cost_net"], s["cost_tax"]) == (cost.total, cost.net, cost.tax)
        stored = [(i["description"], i["gross_amount"], i["net_amount"], i["tax_amount"])
                  for i in items_by.get(s["id"], [])]  # fmt: skip
        assert stored == [(i.description, i.gross_amount, i.net_amount, i.tax_amount)
                          for i in cost.items]  # fmt: skip
        assert s["co2_kg"] == tariffs.co2_saving_kg(s["energy_kwh"])
        free_seen += s["cost_total"] == 0
        paid_seen += s["cost_total"] > 0
    assert paid_seen > 1000


def test_occupancy_measured_near_berlin(demo):
    rows = demo.execute(
        "SELECT station_id, COUNT(*), MIN(rate), MAX(rate) FROM occupancy GROUP BY station_id"
    ).fetchall()
    assert len(rows) >= 10
    for _sid, n, lo, hi in rows:
        assert n == 168 and 0 <= lo <= hi <= 1
    sid = rows[0][0]
    lat, lon = demo.execute("SELECT latitude, longitude FROM stations WHERE id = ?",
                            (sid,)).fetchone()  # fmt: skip
    assert geo.haversine_m(52.52, 13.405, lat, lon) <= 12_000


def test_postcodes_belong_to_the_city(demo):
    """Every Berlin district (geonames lists Prenzlauer Berg and the others as places of
    their own) gets Berlin postcodes, Hamburg's districts Hamburg's, and a small town the
    postal region around it."""
    rows = demo.execute(
        "SELECT city, zip, latitude, longitude FROM stations WHERE country = 'DEU'"
    ).fetchall()
    near_berlin = [(c, z) for c, z, lat, lon in rows if abs(lat - 52.52) < 0.12
                   and abs(lon - 13.405) < 0.2]  # fmt: skip
    assert len(near_berlin) > 100
    assert all(10115 <= int(z) <= 14199 for _c, z in near_berlin), near_berlin[:5]
    assert not [z for _c, z in near_berlin if 11000 <= int(z) <= 12042], "Berlin has no 11xxx"
    assert {c for c, _z in near_berlin} - {"Berlin"}, "districts are named for themselves"
    near_hamburg = [z for _c, z, lat, lon in rows if abs(lat - 53.55) < 0.08
                    and abs(lon - 9.99) < 0.12]  # fmt: skip
    assert near_hamburg and all(20095 <= int(z) <= 22769 for z in near_hamburg)
    assert all(re.fullmatch(r"\d{5}", z) for _c, z, _la, _lo in rows)


def test_postcode_ranges_follow_the_region():
    from services.core.demo.postcodes import postcode_range

    berlin = postcode_range("DE", 52.5388, 13.4244, 1)  # Prenzlauer Berg
    assert berlin[0] == (10115, 10999) and berlin[-1] == (14050, 14199)
    assert postcode_range("DE", 53.55, 9.933, 2) == [(20095, 21149), (22041, 22769)]  # Altona
    [(first, last)] = postcode_range("DE", 54.09, 12.10, 3)  # Rostock: region 18
    assert first // 1000 == 18 and last - first == 19
    [(first, _)] = postcode_range("FR", 48.835, 2.241, 4)  # Boulogne: Hauts-de-Seine
    assert first // 1000 == 92
    assert postcode_range("LU", 49.61, 6.13, 5) is None
