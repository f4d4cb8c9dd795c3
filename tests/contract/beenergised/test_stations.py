"""Station queries against the real core process (``core_url``: seeded demo data, 3000
stations, seed 42) over HTTP, with the document's own example operations."""

from __future__ import annotations

import math
import re

import pytest

from tests.clients import http
from tests.clients.beenergised import Gql
from tests.contract.beenergised.doc_queries import doc_query

BERLIN = {"latitude": 52.52, "longitude": 13.405}
EVSE_ID = re.compile(r"^[A-Z]{2}\*[A-Z0-9]{3}\*E[A-Z0-9*]+$")


def _km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b_lon - a_lon) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def near(gql: Gql):  # type: ignore[no-untyped-def]
    query = doc_query("cpsPagedLocationBased", 3)

    def run(radius: float = 5.0, token: str | None = None, **variables: object) -> dict:
        body = gql.data(query, {"location": {**BERLIN, "radius": radius}, **variables},
                        token=token)
        return body["cpsPagedLocationBased"]

    return run


def test_demo_data_is_served(core_url: str) -> None:
    assert http.get(core_url + "/healthz").json()["stations"] == 3000


def test_berlin_search_is_within_radius_and_nearest_first(near) -> None:  # type: ignore[no-untyped-def]
    page = near(5.0, pagination={"limit": 50})
    assert page["pagination"]["totalCount"] >= 10, "the demo data puts plenty in Berlin"
    dist = [_km(BERLIN["latitude"], BERLIN["longitude"], cp["latitude"], cp["longitude"])
            for cp in page["data"]]
    assert all(d <= 5.0 + 1e-6 for d in dist)
    assert dist == sorted(dist)
    # wider radius finds at least as many; pages tile the ordered result exactly
    assert near(10.0)["pagination"]["totalCount"] >= page["pagination"]["totalCount"]
    first = near(5.0, pagination={"limit": 5, "offset": 0})["data"]
    second = near(5.0, pagination={"limit": 5, "offset": 5})["data"]
    assert [c["id"] for c in first + second] == [c["id"] for c in page["data"][:10]]


def test_connectors_and_statuses_follow_the_document(near) -> None:  # type: ignore[no-untyped-def]
    page = near(5.0, pagination={"limit": 20})
    for cp in page["data"]:
        assert cp["country"] and len(cp["country"]) == 3
        assert cp["status"]["simple"] in ("Available", "Unavailable", "Occupied")
        assert cp["accessType"] in ("INTERNAL", "ROAMING")
        assert cp["connectors"], cp["id"]
        for c in cp["connectors"]:
            assert EVSE_ID.match(c["evseId"]), c["evseId"]
            assert c["status"]["simple"] in ("Available", "Occupied", "Unavailable", "Faulted")
            assert c["status"]["connectorId"] == c["id"]
            assert c["connectorType"]["chargePointType"] in ("AC", "DC")
            assert c["connectorType"]["maxPowerRating"] in (3.7, 11.0, 22.0, 50.0, 150.0, 300.0) \
                or c["connectorType"]["maxPowerRating"] > 0


def test_filters_returned_by_filters_query_really_filter(gql: Gql, near) -> None:  # type: ignore[no-untyped-def]
    filters = gql.data(doc_query("filters"))["filters"]
    plug_of = {"TYPE2": "IEC_62196_T2", "CCS": "IEC_62196_T2_COMBO", "CHADEMO": "CHADEMO",
               "SCHUKO": "DOMESTIC_F"}
    for flt in filters:
        for option in flt["options"]:
            page = near(25.0, filter=[{"slug": flt["slug"], "options": [option["slug"]]}])
            for cp in page["data"]:
                types = [c["connectorType"] for c in cp["connectors"]]
                if flt["slug"] == "TYPE_OF_CURRENT":
                    assert option["slug"] in {t["chargePointType"] for t in types}
                elif flt["slug"] == "FILTER_BY_CONNECTOR_TYPE":
                    assert plug_of[option["slug"]] in {t["standard"] for t in types}
    dc = near(25.0, filter=[{"slug": "TYPE_OF_CURRENT", "options": ["DC"]}])
    everything = near(25.0)
    assert 0 < dc["pagination"]["totalCount"] < everything["pagination"]["totalCount"]


def test_free_of_charge(near) -> None:  # type: ignore[no-untyped-def]
    page = near(50.0, freeOfCharge=True)
    for cp in page["data"]:
        assert any(c["freeOfCharge"] for c in cp["connectors"])


def test_station_data_is_public_and_works_with_anonymous_session(gql: Gql, near) -> None:  # type: ignore[no-untyped-def]
    anon = gql.data(doc_query("initAnonymousSession"))["initAnonymousSession"]["sessionToken"]
    with_anon = near(5.0, token=anon)
    without = near(5.0)
    assert [c["id"] for c in with_anon["data"]] == [c["id"] for c in without["data"]]
    assert all(cp["isFavoured"] is False for cp in with_anon["data"])


def test_demo_driver_cards_and_favourites(gql: Gql, near) -> None:  # type: ignore[no-untyped-def]
    login = gql.data(doc_query("initSession"), {"username": "driver@example.com",
                                                "password": "driver-demo"})
    token = login["initSession"]["sessionToken"]
    favourites = gql.data(doc_query("getFavouriteCps"), token=token)["getFavouriteCps"]
    assert favourites, "the demo driver has favourites"
    fav = favourites[0]
    radius = _km(BERLIN["latitude"], BERLIN["longitude"], fav["latitude"], fav["longitude"]) + 1
    page = near(radius, token=token, pagination={"limit": 100})
    flags = {cp["id"]: cp["isFavoured"] for cp in page["data"]}
    if fav["id"] in flags:
        assert flags[fav["id"]] is True
    cp = gql.data(doc_query("cp"), {"id": fav["id"]}, token=token)["cp"]
    assert cp["isFavoured"] is True
    cards = gql.data(doc_query("cardsPaged"), {"pagination": {"limit": 50}},
                     token=token)["cardsPaged"]["data"]
    active = [c for c in cards if c["status"] == "active"]
    assert len(active) >= 2
    usable = near(5.0, tagId=active[0]["tagId"])
    assert usable["pagination"]["totalCount"] > 0
    if active[0]["type"] not in ("roaming", "emsp"):
        assert all(c["accessType"] == "INTERNAL" for c in usable["data"])
    inactive = [c for c in cards if c["status"] == "inactive"]
    if inactive:
        assert near(5.0, tagId=inactive[0]["tagId"])["pagination"]["totalCount"] == 0


def test_images_are_served(core_url: str, near) -> None:  # type: ignore[no-untyped-def]
    urls = [img["url"] for cp in near(10.0, pagination={"limit": 50})["data"]
            for img in cp["images"]]
    assert urls, "demo stations have images"
    r = http.get(urls[0])
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/")


def test_connector_by_evse_id_roundtrip(gql: Gql, near) -> None:  # type: ignore[no-untyped-def]
    connector = near(5.0)["data"][0]["connectors"][0]
    found = gql.data(doc_query("connectorByEvseId", 3), {"evseId": connector["evseId"]}
                     )["connectorByEvseId"]
    assert found["id"] == connector["id"]
    again = gql.data(doc_query("connector", 3), {"id": connector["id"]})["connector"]
    assert again["evseId"] == connector["evseId"]


def test_locations_and_sites_group_stations(gql: Gql) -> None:
    loc = {"location": {**BERLIN, "radius": 5.0}, "pagination": {"limit": 100}}
    sites = gql.data(doc_query("sitesPagedLocationBased", 3), loc)["sitesPagedLocationBased"]
    locations = gql.data(doc_query("locationsLocationBased", 2), loc)["locationsLocationBased"]
    assert sites["pagination"]["totalCount"] == locations["pagination"]["totalCount"] > 0
    for site, location in zip(sites["data"], locations["locations"], strict=True):
        if len(site["cps"]) == 1:
            assert location["type"] == "Cp" and location["id"] == site["cps"][0]["id"]
        else:
            assert location["type"] == "Site" and location["id"] == site["id"]
            assert len(location["connectors"]) == sum(len(cp["connectors"]) for cp in site["cps"])
