"""Stations of several accounts merged: one connector per EVSE ID, one station per site,
each account's offer per connector cheapest first, ids that route back to their account."""

from __future__ import annotations

import pytest

from services.models import (
    Card,
    CardStatus,
    Connector,
    ConnectorStatus,
    Coordinates,
    Station,
    Tariff,
    TypicalSession,
)
from services.multi.ids import evse_key, ns, split
from services.multi.merging import Links, merge_stations
from services.multi.offers import (
    CARDS_UNKNOWN,
    NO_ACTIVE_CARD,
    NO_REMOTE_START,
    AccountFacts,
    cheapest_for_me,
    cheapest_start_offer,
)
from services.provider import Capability, InvalidInput

CAN_CHARGE = frozenset({Capability.SEARCH, Capability.CHARGING, Capability.CARDS})
CARD = Card(id="c1", uid="04AB", status=CardStatus.ACTIVE)
TYPICAL = TypicalSession(energy_kwh=30, minutes=45)


def station(sid, *connectors, lat=52.52, lon=13.40, name="Alexanderplatz", dist=1.0, **kw):
    return Station(id=sid, name=name, coordinates=Coordinates(latitude=lat, longitude=lon),
                   connectors=list(connectors), distance_km=dist, **kw)


def conn(cid, evse, per_kwh, status=ConnectorStatus.AVAILABLE):
    return Connector(id=cid, evse_id=evse, price=Tariff(per_kwh=per_kwh), status=status)


def facts(**kw):
    return {acc: f for acc, f in kw.items()}


def test_the_same_evse_id_is_one_connector_with_every_accounts_offer_cheapest_first():
    results = {
        "be-1": [station("S1", conn("k1", "DE*VOL*E1", 0.49), conn("k2", "DE*VOL*E2", 0.49))],
        "gp-1": [station("CP-9", conn("x7", "de*vol*e1", 0.39))],  # same charger, other ids
    }
    f = facts(**{"be-1": AccountFacts(CAN_CHARGE, (CARD,)),
                 "gp-1": AccountFacts(CAN_CHARGE, (CARD,))})
    links = Links()
    [merged] = merge_stations(results, ["be-1", "gp-1"], f, TYPICAL, links)
    assert merged.id == "be-1:S1"
    assert [c.id for c in merged.connectors] == ["be-1:k1", "be-1:k2"]
    e1 = merged.connectors[0]
    assert [(o.account_id, o.typical_cost.total) for o in e1.offers] == [
        ("gp-1", 11.7), ("be-1", 14.7)]
    assert [o.account_id for o in merged.connectors[1].offers] == ["be-1"]
    assert links.connectors["be-1:k1"] == {"be-1": "k1", "gp-1": "x7"}
    assert links.stations["be-1:S1"] == {"be-1": "S1", "gp-1": "CP-9"}
    # the station's offers: each account's best connector
    assert [(o.account_id, o.connector_id) for o in merged.offers] == [
        ("gp-1", "be-1:k1"), ("be-1", "be-1:k1")]


def test_why_an_account_cannot_start_is_said_per_account():
    results = {
        "wl-1": [station("P", conn("p1", "DE*VOL*E1", 0.30))],
        "be-1": [station("S", conn("k1", "DE*VOL*E1", 0.49))],
        "ps-1": [station("S", conn("k1", "DE*VOL*E1", 0.59))],
        "gp-1": [station("S", conn("k1", "DE*VOL*E1", 0.35), remote_start=False)],
    }
    blocked = Card(id="c2", uid="05", status=CardStatus.BLOCKED)
    f = facts(**{
        "wl-1": AccountFacts(frozenset({Capability.SEARCH}), ()),
        "be-1": AccountFacts(CAN_CHARGE, (blocked,)),
        "ps-1": AccountFacts(CAN_CHARGE, None),
        "gp-1": AccountFacts(CAN_CHARGE, (CARD,)),
    })
    [merged] = merge_stations(results, list(results), f, TYPICAL, Links())
    offers = {o.account_id: o for o in merged.connectors[0].offers}
    assert not any(o.can_start for o in offers.values())
    assert "cannot be started from the app" in offers["wl-1"].reason
    assert offers["be-1"].reason == NO_ACTIVE_CARD
    assert offers["ps-1"].reason == CARDS_UNKNOWN
    assert offers["gp-1"].reason == NO_REMOTE_START
    assert cheapest_start_offer(merged.connectors[0].offers) is None


def test_cheapest_start_skips_a_cheaper_account_that_cannot_start():
    results = {
        "wl-1": [station("P", conn("p1", "DE*VOL*E1", 0.20))],
        "be-1": [station("S", conn("k1", "DE*VOL*E1", 0.49))],
        "ps-1": [station("S", conn("k1", "DE*VOL*E1", 0.45))],
    }
    f = facts(**{"wl-1": AccountFacts(frozenset({Capability.SEARCH}), ()),
                 "be-1": AccountFacts(CAN_CHARGE, (CARD,)),
                 "ps-1": AccountFacts(CAN_CHARGE, (CARD,))})
    [merged] = merge_stations(results, list(results), f, TYPICAL, Links())
    offers = merged.connectors[0].offers
    assert [o.account_id for o in offers] == ["wl-1", "ps-1", "be-1"]
    assert cheapest_start_offer(offers).account_id == "ps-1"


def test_stations_without_evse_ids_merge_by_name_and_spot_only():
    a = station("A", Connector(id="a1"), name="Depot")
    near = station("B", Connector(id="b1"), name="depot", lat=52.52005)  # ~6 m
    far = station("C", Connector(id="c1"), name="Depot", lat=52.53)  # ~1 km
    other_name = station("D", Connector(id="d1"), name="Mall")
    results = {"x-1": [a], "y-1": [near, far, other_name]}
    merged = merge_stations(results, ["x-1", "y-1"], {}, TYPICAL, Links())
    assert sorted(s.id for s in merged) == ["x-1:A", "y-1:C", "y-1:D"]
    depot = next(s for s in merged if s.id == "x-1:A")
    assert [c.id for c in depot.connectors] == ["x-1:a1", "y-1:b1"]


def test_merged_station_is_nearest_first_and_summarises_merged_connectors():
    results = {
        "a-1": [station("far", conn("f", "E-F", 0.3), dist=3.0),
                station("near", conn("n", "E-N", 0.3, ConnectorStatus.OCCUPIED), dist=0.5)],
        "b-1": [station("n2", conn("n", "E-N", 0.3, ConnectorStatus.OCCUPIED),
                        conn("m", "E-M", 0.3), dist=0.4)],
    }
    merged = merge_stations(results, ["a-1", "b-1"], {}, TYPICAL, Links())
    assert [s.id for s in merged] == ["a-1:near", "a-1:far"]
    near = merged[0]
    assert near.distance_km == 0.4
    assert (near.status.status, near.status.available, near.status.total) == (
        ConnectorStatus.AVAILABLE, 1, 2)


def test_ids_keep_the_same_merged_id_across_searches():
    links = Links()
    first = {"b-1": [station("S", conn("k", "E1", 0.3))]}
    merge_stations(first, ["b-1"], {}, TYPICAL, links)
    both = {"a-1": [station("T", conn("j", "E1", 0.2))], **first}
    [merged] = merge_stations(both, ["a-1", "b-1"], {}, TYPICAL, links)
    # the station was handed out as b-1:S: a screen holding that id still finds it
    assert merged.id == "b-1:S" and merged.connectors[0].id == "b-1:k"
    assert links.stations["b-1:S"] == {"b-1": "S", "a-1": "T"}


def test_cheapest_for_me_orders_by_the_cheapest_account_that_can_start():
    f = facts(**{"a-1": AccountFacts(CAN_CHARGE, (CARD,)),
                 "w-1": AccountFacts(frozenset({Capability.SEARCH}), ())})
    results = {
        "a-1": [station("s1", conn("1", "E1", 0.50), dist=0.2),
                station("s2", conn("2", "E2", 0.30), dist=2.0, name="B", lat=52.6)],
        "w-1": [station("s3", conn("3", "E3", 0.10), dist=0.1, name="C", lat=52.7)],
    }
    merged = merge_stations(results, ["a-1", "w-1"], f, TYPICAL, Links())
    assert [s.id for s in merged] == ["w-1:s3", "a-1:s1", "a-1:s2"]
    assert [s.id for s in cheapest_for_me(merged)] == ["a-1:s2", "a-1:s1", "w-1:s3"]


def test_ids_split_back_and_refuse_ids_of_no_account():
    assert split(ns("gpjoule-1", "DE*VOL*E1:2")) == ("gpjoule-1", "DE*VOL*E1:2")
    with pytest.raises(InvalidInput) as bad:
        split("no-separator", "card_id")
    assert bad.value.field == "card_id"
    with pytest.raises(InvalidInput):
        split("Bad Account:x")
    assert evse_key("de*vol*e 1") == evse_key("DEVOLE1") == "DEVOLE1"
