"""``GET …/points`` and ``GET …/points/{pointTypeId}/{pointId}``: every documented parameter,
the documented fields, and refusals naming the parameter."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from services.core.store.geo import haversine_m
from tests.clients.wirelane import Wirelane
from tests.contract.wirelane import document

BERLIN = (52.52, 13.405)
POINT_EXTRA = ("payment_url",)  # in the ChargingPoint schema, not in its sample


def near(radius_m: int = 3000, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [("lat", str(BERLIN[0])), ("lon", str(BERLIN[1])), ("distance", str(radius_m)),
            *extra]


def flat(pages: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [p for page in pages for p in page]


def test_the_documented_example_request_answers_a_bare_array_of_points(
        wl: Wirelane, admin: str) -> None:
    # GET …/points?page=1&page_size=50, as in the document
    example = next(ln for ln in document.text().splitlines() if ln.startswith("GET https://"))
    query = example.split("?", 1)[1].split()[0]
    r = wl.http.get(wl.org_path("/points") + "?" + query,
                    headers={"Authorization": f"Bearer {admin}", "Accept": "application/json"})
    assert r.status_code == 200, r.text
    points = r.json()
    assert isinstance(points, list) and len(points) == 50
    for p in points:
        document.check("point", p, POINT_EXTRA)
        assert set(p["plug_types"]) <= set(document.enum_after("plug_types\nArray of strings",
                                                               "Items Enum:"))
        assert p["status"] in ("FREE", "IN_USE", "UNAVAILABLE", "UNKNOWN", "FAULTED",
                               "RESERVED", "CLOSED")
        assert p["charging_type"] in ("AC", "DC")
        assert p["distance"] is None  # no centre given
        assert len(p["country"]) == 2
        assert p["id"] == p["charging_point_id"]


def test_radius_results_lie_inside_and_come_nearest_first(wl: Wirelane, admin: str) -> None:
    points = wl.ok("/points", admin, near(2500, ("page_size", "500")))
    assert points, "the demo data has points in central Berlin"
    distances = [p["distance"] for p in points]
    assert distances == sorted(distances)
    for p in points:
        exact = haversine_m(BERLIN[0], BERLIN[1], p["latitude"], p["longitude"])
        assert p["distance"] <= 2500 and abs(p["distance"] - exact) < 1.0
    wider = wl.ok("/points", admin, near(5000, ("page_size", "2000")))
    inside = {p["id"] for p in wider if p["distance"] <= 2500}
    assert inside == {p["id"] for p in points}  # complete: nothing within 2.5 km is missing


def test_pages_are_disjoint_and_complete(wl: Wirelane, admin: str) -> None:
    everything = wl.ok("/points", admin, near(4000, ("page_size", "5000")))
    pages = wl.all_pages("/points", admin, near(4000), 7)
    ids = [p["id"] for p in flat(pages)]
    assert len(ids) == len(set(ids)), "a point on two pages"
    assert ids == [p["id"] for p in everything]
    assert len(pages) > 2


def test_box_results_lie_inside_the_box(wl: Wirelane, admin: str) -> None:
    south, west, north, east = 52.50, 13.36, 52.53, 13.42
    box = [("south_west_lat", str(south)), ("south_west_lon", str(west)),
           ("north_east_lat", str(north)), ("north_east_lon", str(east)),
           ("page_size", "3000")]
    points = wl.ok("/points", admin, box)
    assert points
    for p in points:
        assert south <= p["latitude"] <= north and west <= p["longitude"] <= east
    # every point of a wider radius search that lies in the box is there
    around = wl.ok("/points", admin, near(6000, ("page_size", "5000")))
    expected = {p["id"] for p in around
                if south <= p["latitude"] <= north and west <= p["longitude"] <= east}
    assert expected == {p["id"] for p in points}
    # sort_lat/sort_lon measure distances from another place and order by them
    sorted_box = wl.ok("/points", admin, [*box, ("sort_lat", "52.51"), ("sort_lon", "13.39")])
    d = [p["distance"] for p in sorted_box]
    assert d == sorted(d) and all(x is not None for x in d)


@pytest.mark.parametrize(("param", "value", "holds"), [
    ("plug_types", "CCS", lambda p: p["plug_types"] == ["CCS"]),
    ("plug_types", "TYPE_2,CHADEMO", lambda p: p["plug_types"][0] in ("TYPE_2", "CHADEMO")),
    ("charging_type", "DC", lambda p: p["charging_type"] == "DC"),
    ("charging_type", "AC", lambda p: p["charging_type"] == "AC"),
    ("max_power", "150", lambda p: p["power"] >= 150),
    ("auth_type", "card", lambda p: "card" in p["authentication_types"]),
    ("reservable", "0", lambda p: p["reservable"] is False),
    ("search", "Berlin", lambda p: True),
])
def test_filters_keep_only_matching_points(wl: Wirelane, admin: str, param: str, value: str,
                                           holds: Any) -> None:
    everything = wl.ok("/points", admin, near(3000, ("page_size", "5000")))
    points = wl.ok("/points", admin, near(3000, (param, value), ("page_size", "5000")))
    assert points, f"{param}={value} should match something in central Berlin"
    assert all(holds(p) for p in points), [p for p in points if not holds(p)][:1]
    if param != "search":
        assert {p["id"] for p in everything if holds(p)} == {p["id"] for p in points}


def test_plug_types_may_be_repeated(wl: Wirelane, admin: str) -> None:
    both = wl.ok("/points", admin, near(3000, ("plug_types", "CCS"), ("plug_types", "CHADEMO"),
                                        ("page_size", "5000")))
    assert {p["plug_types"][0] for p in both} == {"CCS", "CHADEMO"}


def test_values_no_point_has_find_nothing(wl: Wirelane, admin: str) -> None:
    assert wl.ok("/points", admin, near(3000, ("plug_types", "TYPE_3"))) == []
    assert wl.ok("/points", admin, near(3000, ("status", "CLOSED"))) == []
    assert wl.ok("/points", admin, near(3000, ("auth_type", "direct"),
                                        ("infrastructure_only", "0"),
                                        ("charging_station_id", "no-such-station"))) == []


def test_status_keeps_whole_stations(wl: Wirelane, admin: str) -> None:
    points = wl.ok("/points", admin, near(5000, ("status", "FREE"), ("page_size", "5000")))
    everything = wl.ok("/points", admin, near(5000, ("page_size", "5000")))
    by_station = Counter(p["charging_station_id"] for p in everything)
    kept = Counter(p["charging_station_id"] for p in points)
    assert kept
    for station, n in kept.items():
        assert n == by_station[station], "a station's points are returned together"
        assert any(p["status"] == "FREE" for p in points if p["charging_station_id"] == station)
    free_stations = {p["charging_station_id"] for p in everything if p["status"] == "FREE"}
    assert set(kept) == free_stations


def test_point_and_station_ids_select_exactly(wl: Wirelane, admin: str) -> None:
    sample = wl.ok("/points", admin, near(3000, ("page_size", "20")))
    one, other = sample[0], sample[-1]
    got = wl.ok("/points", admin, [("evseid", one["evseid"]), ("evseid", other["evseid"])])
    assert {p["id"] for p in got} == {one["id"], other["id"]}
    station = wl.ok("/points", admin, [("charging_station_id", one["charging_station_id"])])
    assert station and all(p["charging_station_id"] == one["charging_station_id"]
                           for p in station)
    owned = wl.ok("/points", admin, near(3000, ("owner_id", one["owner"]), ("page_size", "500")))
    assert owned and all(p["owner"] == one["owner"] for p in owned)


@pytest.mark.parametrize(("order_by", "key"), [
    ("power", lambda p: p["power"]), ("evseid", lambda p: p["evseid"]),
    ("latitude", lambda p: p["latitude"]), ("voltage", lambda p: p["voltage"]),
    ("distance", lambda p: p["distance"]), ("city", lambda p: p["city"]),
])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_ordering(wl: Wirelane, admin: str, order_by: str, key: Any, direction: str) -> None:
    points = wl.ok("/points", admin, near(3000, ("order_by", order_by),
                                        ("order_direction", direction), ("page_size", "300")))
    values = [key(p) for p in points]
    assert values == sorted(values, reverse=direction == "desc")


@pytest.mark.parametrize(("params", "status", "parameter"), [
    ({"lat": "north"}, 400, "lat"),
    ({"lat": "91", "lon": "13"}, 400, "lat"),
    ({"lat": "52.5"}, 422, "lon"),
    ({"distance": "1000"}, 422, "distance"),
    ({"lat": "52.5", "lon": "13.4", "distance": "-5"}, 400, "distance"),
    ({"lat": "52.5", "lon": "13.4", "distance": "99999999999"}, 400, "distance"),
    ({"north_east_lat": "52.6", "north_east_lon": "13.5"}, 422, "south_west_lat"),
    ({"north_east_lat": "52.4", "north_east_lon": "13.5", "south_west_lat": "52.5",
      "south_west_lon": "13.3"}, 422, "south_west_lat"),
    ({"sort_lat": "52.5"}, 422, "sort_lon"),
    ({"order_by": "distance"}, 422, "order_by"),
    ({"order_by": "price"}, 400, "order_by"),
    ({"order_direction": "up"}, 400, "order_direction"),
    ({"plug_types": "TYPE_9"}, 400, "plug_types"),
    ({"charging_type": "3PH"}, 400, "charging_type"),
    ({"status": "BROKEN"}, 400, "status"),
    ({"auth_type": "nfc"}, 400, "auth_type"),
    ({"max_power": "0"}, 400, "max_power"),
    ({"reservable": "yes"}, 400, "reservable"),
    ({"infrastructure_only": "2"}, 400, "infrastructure_only"),
    ({"page": "0"}, 400, "page"),
    ({"page": "first"}, 400, "page"),
    ({"page_size": "0"}, 400, "page_size"),
    ({"page_size": "1000001"}, 400, "page_size"),
    ({"search": "x" * 500}, 400, "search"),
])
def test_bad_parameters_are_refused_naming_them(wl: Wirelane, admin: str, params: dict,
                                                status: int, parameter: str) -> None:
    r = wl.get("/points", admin, params)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["parameter"] == parameter and body["status"] == status
    assert body["errors"][0]["parameter"] == parameter and body["errors"][0]["reason"]
    assert body["message"].startswith(parameter)


def test_one_point_by_each_kind_of_id(wl: Wirelane, admin: str) -> None:
    p = wl.ok("/points", admin, near(3000, ("page_size", "1")))[0]
    for kind, ident in (("id", p["id"]), ("charging_point_id", p["charging_point_id"]),
                        ("evseid", p["evseid"]), ("charge_point_id", p["charge_point_id"])):
        one = wl.ok(f"/points/{kind}/{ident}", admin)
        document.check("point", one, POINT_EXTRA)
        assert one["id"] == p["id"]
        assert one["distance"] is None


@pytest.mark.parametrize(("path", "status", "parameter"), [
    ("/points/id/999999999", 404, "pointId"),
    ("/points/evseid/DE*NONE*E1*1", 404, "pointId"),
    ("/points/serial/123", 400, "pointTypeId"),
    ("/points/id/1*2", 400, "pointId"),
    ("/points/id/a%20b", 400, "pointId"),
])
def test_unknown_or_malformed_point_ids(wl: Wirelane, admin: str, path: str, status: int,
                                        parameter: str) -> None:
    r = wl.get(path, admin)
    assert r.status_code == status, r.text
    assert r.json()["parameter"] == parameter


def test_unknown_paths_answer_in_the_apis_format(wl: Wirelane, admin: str) -> None:
    r = wl.get("/chargers", admin)
    assert r.status_code == 404
    assert r.json()["status"] == 404


def test_sort_point_moves_distances_but_not_the_radius(wl: Wirelane, admin: str) -> None:
    sort_at = (52.50, 13.45)
    plain = wl.ok("/points", admin, near(2000, ("page_size", "2000")))
    moved = wl.ok("/points", admin, near(2000, ("sort_lat", str(sort_at[0])),
                                        ("sort_lon", str(sort_at[1])), ("page_size", "2000")))
    assert {p["id"] for p in moved} == {p["id"] for p in plain}
    for p in moved:
        exact = haversine_m(sort_at[0], sort_at[1], p["latitude"], p["longitude"])
        assert abs(p["distance"] - exact) < 1.0
    assert [p["distance"] for p in moved] == sorted(p["distance"] for p in moved)
