"""Offers: how an API's price derives from a station's tariff, which stations it covers,
and that the store's SQL coverage keeps exactly the stations the domain rule covers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from services.core.demo import generate
from services.core.demo.offers import DEPOTS, GPJOULE_REGION, PER_DEPOT
from services.core.domain.errors import BadInput
from services.core.domain.offers import Coverage, Offer, Pricing, check, priced_connector
from services.core.domain.tariffs import Tariff, session_cost
from services.core.services.offers import offer_for
from services.core.store import offers as offer_store
from services.core.store.station_filter import StationFilter
from services.core.store.stations import stations_paged

BASE = Tariff(name="AC base", currency="EUR", start_fee=1.0, per_kwh=0.49, per_minute=0.02,
              parking_per_minute=0.1, parking_grace_minutes=30, tax_rate=19.0)


def test_a_mark_up_raises_every_unit_price_to_whole_cents() -> None:
    t = Offer("plugsurfing", "Roaming", pricing=Pricing(markup_percent=15)).price(BASE)
    assert (t.start_fee, t.per_kwh, t.per_minute, t.parking_per_minute) == (1.15, 0.56, 0.02, 0.12)
    assert (t.name, t.tax_rate, t.parking_grace_minutes) == ("Roaming", 19.0, 30)


def test_fixed_prices_replace_the_stations_only_in_the_offers_currency() -> None:
    offer = Offer("gpjoule", "Subscription",
                  pricing=Pricing(markup_percent=10, start_fee=0.0, per_kwh=0.39))
    eur = offer.price(BASE)
    assert (eur.start_fee, eur.per_kwh, eur.per_minute) == (0.0, 0.39, 0.02)
    chf = offer.price(Tariff(name="CH", currency="CHF", start_fee=1.0, per_kwh=0.60))
    assert (chf.currency, chf.start_fee, chf.per_kwh) == ("CHF", 1.1, 0.66)


def test_a_base_offer_bills_the_stations_tariff_unchanged() -> None:
    assert Offer("beenergised", "Direct").price(BASE) == BASE


def test_the_price_shown_is_the_price_billed() -> None:
    offer = Offer("plugsurfing", "Roaming", pricing=Pricing(markup_percent=20, start_fee=0.49))
    row = {"tariff_name": "AC base", "tariff_currency": "EUR", "start_fee": 1.0,
           "per_kwh": 0.49, "per_minute": 0.0, "parking_per_minute": 0.0,
           "parking_grace_minutes": 0, "tax_rate": 19.0, "free_of_charge": 0}
    shown = priced_connector(offer, row)
    assert (shown["start_fee"], shown["per_kwh"], shown["tariff_name"]) == (0.49, 0.59, "Roaming")
    start = datetime(2026, 11, 30, 12, tzinfo=UTC)
    bill = session_cost(offer.price(BASE), energy_kwh=10, start=start,
                        end=start + timedelta(minutes=30))
    assert bill.total == pytest.approx(0.49 + 10 * 0.59 + 30 * 0.02)
    free = {**row, "free_of_charge": 1}
    assert priced_connector(offer, free) is free


def test_coverage_by_operator_region_list_and_exclusion() -> None:
    cov = Coverage(operator_ids=frozenset({1}), regions=((52.0, 13.0, 53.0, 14.0),),
                   station_ids=frozenset({99}), excluded_operator_ids=frozenset({7}))
    assert cov.covers(1, 1, 48.1, 11.5)  # the operator's, anywhere
    assert cov.covers(2, 3, 52.5, 13.4)  # inside the region
    assert cov.covers(99, 3, 48.1, 11.5)  # listed
    assert not cov.covers(2, 3, 48.1, 11.5)
    assert not cov.covers(99, 7, 52.5, 13.4)  # excluded beats everything
    assert Coverage(everything=True).is_everything
    assert not Coverage(everything=True, excluded_operator_ids=frozenset({7})).is_everything


@pytest.mark.parametrize(("offer", "field"), [
    (Offer("nope", "x"), "api"),
    (Offer("gpjoule", " "), "name"),
    (Offer("gpjoule", "x", pricing=Pricing(markup_percent=-100)), "markup_percent"),
    (Offer("gpjoule", "x", pricing=Pricing(per_kwh=-0.1)), "per_kwh"),
    (Offer("gpjoule", "x", coverage=Coverage(regions=((53.0, 13.0, 52.0, 14.0),))), "regions"),
])  # fmt: skip
def test_an_offer_that_means_nothing_is_refused_naming_the_field(offer: Offer, field: str
                                                                 ) -> None:  # fmt: skip
    with pytest.raises(BadInput) as err:
        check(offer)
    assert err.value.field == field


@pytest.fixture(scope="module")
def demo() -> sqlite3.Connection:
    from services.core.store.db import connect, migrate

    c = connect(":memory:")
    migrate(c)
    generate(c, stations=3000, seed=42)
    return c


def _offer(conn: sqlite3.Connection, api: str) -> Offer:
    pid = conn.execute("SELECT partner_id FROM offers WHERE api = ?", (api,)).fetchone()[0]
    found = offer_store.offer_for(conn, api, pid)
    assert found is not None
    return found


@pytest.mark.parametrize("api", ["beenergised", "plugsurfing", "gpjoule", "wirelane", "ampeco"])
def test_the_stores_coverage_keeps_exactly_what_the_domain_covers(demo: sqlite3.Connection,
                                                                  api: str) -> None:
    offer = _offer(demo, api)
    listed = stations_paged(demo, offset=0, limit=10_000,
                            flt=StationFilter().covering(offer.coverage))
    every = stations_paged(demo, offset=0, limit=10_000)
    expected = {s["id"] for s in every.items if offer.covers_station(s)}
    assert {s["id"] for s in listed.items} == expected
    assert listed.total == len(expected) > 0


def test_the_demo_offers_differ_in_coverage(demo: sqlite3.Connection) -> None:
    total = demo.execute("SELECT COUNT(*) FROM stations").fetchone()[0]
    counts = {api: stations_paged(demo, offset=0, limit=1, flt=StationFilter().covering(
        _offer(demo, api).coverage)).total
        for api in ("beenergised", "plugsurfing", "gpjoule", "wirelane", "ampeco")}
    assert counts["beenergised"] == total
    assert total > counts["plugsurfing"] > counts["gpjoule"] > counts["wirelane"]
    assert counts["wirelane"] == PER_DEPOT * len(DEPOTS)
    s, w, n, e = GPJOULE_REGION
    inside = demo.execute("SELECT COUNT(*) FROM stations WHERE latitude BETWEEN ? AND ?"
                          " AND longitude BETWEEN ? AND ?", (s, n, w, e)).fetchone()[0]
    assert counts["gpjoule"] == inside
    voltra = demo.execute("SELECT COUNT(*) FROM stations s JOIN operators o"
                          " ON o.id = s.operator_id WHERE o.name = 'Voltra Charge'").fetchone()[0]
    assert counts["ampeco"] == voltra


def test_a_partner_always_covers_its_own_operator(demo: sqlite3.Connection) -> None:
    from services.core.services.partners import client_principal

    principal = client_principal(demo, "voltra-demo")
    assert principal is not None
    own = demo.execute("SELECT id FROM operators WHERE name = 'Spreestrom Mobil'").fetchone()[0]
    from dataclasses import replace
    seen = offer_for(demo, "wirelane", replace(principal, operator_id=own))
    assert seen is not None and own in seen.coverage.operator_ids


def test_without_offers_every_station_is_sold_at_its_base_price(conn: sqlite3.Connection
                                                                ) -> None:  # fmt: skip
    assert offer_for(conn, "gpjoule", None) is None


def test_an_offer_is_stored_and_read_back_per_audience(conn: sqlite3.Connection) -> None:
    from services.core.services.offers import set_offer

    conn.execute("INSERT INTO operators(id, name, party_id, country) VALUES (1, 'Op', 'OPX', 'DE')")
    api_wide = Offer("gpjoule", "Everyone", pricing=Pricing(markup_percent=5))
    own = Offer("gpjoule", "Own", partner_id=None, coverage=Coverage(
        operator_ids=frozenset({1}), regions=((52.0, 13.0, 53.0, 14.0),)),
        pricing=Pricing(per_kwh=0.3, start_fee=0.0))
    set_offer(conn, api_wide)
    stored = offer_for(conn, "gpjoule", None)
    assert stored is not None and stored.name == "Everyone" and stored.pricing == api_wide.pricing
    set_offer(conn, own)  # replaces the API's offer: one per audience
    again = offer_for(conn, "gpjoule", None)
    assert again is not None and (again.name, again.coverage, again.pricing) == (
        "Own", own.coverage, own.pricing)
    with pytest.raises(BadInput) as err:
        set_offer(conn, Offer("gpjoule", "Bad", pricing=Pricing(start_fee=-1)))
    assert err.value.field == "start_fee"
    assert offer_for(conn, "gpjoule", None) == again
