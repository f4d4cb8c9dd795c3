"""Behaviour of the catalogue on the demo core: cursor and page paging complete and
disjoint in both directions, filters that really narrow, ids that lead from one operation to
another, and a token that sees only its operator's network."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.ampeco.client import Ampeco
from tests.contract.ampeco.openapi_check import check_response

R = "/public-api/resources"
LOCATIONS = f"{R}/locations/v2.0"
CHARGE_POINTS = f"{R}/charge-points/v2.0"
EVSES = f"{R}/evses/v2.1"
DEMO_OPERATOR = 1  # Voltra Charge, the demo token's operator


def follow(amp: Ampeco, template: str, link: str) -> dict[str, Any]:
    response = amp.http.get(link, headers={"Authorization": f"Bearer {amp.token}"})
    check_response("GET", template, response)
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def all_evses(amp: Ampeco) -> list[dict[str, Any]]:
    return amp.all_pages(EVSES, params={"per_page": 100})


def test_cursor_pages_of_locations_are_complete_and_disjoint(amp: Ampeco) -> None:
    pages = []
    body = amp.ok(LOCATIONS, params={"per_page": 37, "cursor": ""})
    pages.append([item["id"] for item in body["data"]])
    while body["links"]["next"]:
        assert body["meta"]["next_cursor"] in body["links"]["next"]
        body = follow(amp, LOCATIONS, body["links"]["next"])
        pages.append([item["id"] for item in body["data"]])
    ids = [i for page in pages for i in page]
    assert len(ids) == len(set(ids)), "a location appears on two pages"
    assert ids == sorted(ids)
    assert all(len(page) == 37 for page in pages[:-1]) and 0 < len(pages[-1]) <= 37
    assert body["meta"]["next_cursor"] is None
    # the operator's whole network: every location of every listed charge point is here
    stations = amp.all_pages(CHARGE_POINTS)
    assert {s["locationId"] for s in stations} == set(ids)


def test_prev_links_walk_back_over_the_same_pages(amp: Ampeco) -> None:
    forward = [amp.ok(EVSES, params={"per_page": 25, "cursor": ""})]
    for _ in range(3):
        forward.append(follow(amp, EVSES, forward[-1]["links"]["next"]))
    assert forward[0]["links"]["prev"] is None
    back = forward[-1]
    for expected in reversed(forward[:-1]):
        back = follow(amp, EVSES, back["links"]["prev"])
        assert [e["id"] for e in back["data"]] == [e["id"] for e in expected["data"]]


def test_evse_listing_is_every_outlet_of_every_charge_point(amp: Ampeco,
                                                           all_evses: list[dict[str, Any]]
                                                           ) -> None:  # fmt: skip
    ids = [e["id"] for e in all_evses]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    stations = {e["chargePointId"] for e in all_evses}
    one = sorted(stations)[len(stations) // 2]
    nested = amp.all_pages(f"{CHARGE_POINTS}/{{chargePoint}}/evses", chargePoint=one)
    assert {e["id"] for e in nested} == {e["id"] for e in all_evses if e["chargePointId"] == one}
    assert [e["networkId"] for e in nested] == [str(n) for n in range(1, len(nested) + 1)]


def test_page_form_pages_are_complete_and_disjoint(amp: Ampeco) -> None:
    everything = amp.ok(f"{R}/faqs/v2.0")
    total = everything["meta"]["total"]
    seen: list[int] = []
    for page in range(1, everything["meta"]["last_page"] + 3):
        body = amp.ok(f"{R}/faqs/v2.0", params={"page": page, "per_page": 4})
        assert body["meta"]["current_page"] == page and body["meta"]["total"] == total
        seen += [f["id"] for f in body["data"]]
        if body["links"]["next"] is None:
            break
    assert sorted(seen) == [f["id"] for f in everything["data"]] and len(seen) == total
    beyond = amp.ok(f"{R}/faqs/v2.0", params={"page": 99, "per_page": 4})
    assert beyond["data"] == [] and beyond["meta"]["from"] is None


def test_filters_narrow_the_listings(amp: Ampeco, all_evses: list[dict[str, Any]]) -> None:
    dc = amp.all_pages(EVSES, params={"filter[currentType]": "dc"})
    assert dc and {e["currentType"] for e in dc} == {"dc"}
    assert {e["id"] for e in dc} == {e["id"] for e in all_evses if e["currentType"] == "dc"}
    target = all_evses[7]
    by_reference = amp.ok(EVSES, params={"filter[physicalReference]": target["physicalReference"]})
    assert [e["id"] for e in by_reference["data"]] == [target["id"]]
    station = amp.ok(f"{CHARGE_POINTS}/{{chargePoint}}", chargePoint=target["chargePointId"])
    by_location = amp.all_pages(CHARGE_POINTS, params={
        "filter[locationId]": station["data"]["locationId"]})
    assert target["chargePointId"] in {s["id"] for s in by_location}
    assert {s["locationId"] for s in by_location} == {station["data"]["locationId"]}
    by_network_id = amp.ok(CHARGE_POINTS, params={
        "filter[networkId]": station["data"]["network"]["id"]})
    assert [s["id"] for s in by_network_id["data"]] == [target["chargePointId"]]
    never = amp.all_pages(CHARGE_POINTS, params={"filter[networkStatus]": "never_connected"})
    assert {s["networkStatus"] for s in never} <= {"never_connected"}
    german = amp.all_pages(LOCATIONS, params={"filter[country]": "DE"})
    assert german and {loc["country"] for loc in german} == {"DE"}
    city = german[0]["city"]
    in_city = amp.all_pages(LOCATIONS, params={"filter[city]": city})
    assert in_city and {loc["city"] for loc in in_city} == {city}
    assert amp.ok(LOCATIONS, params={"filter[country]": "JP"})["data"] == []


def test_another_operator_id_in_the_filter_selects_nothing(amp: Ampeco) -> None:
    for path in (LOCATIONS, CHARGE_POINTS, EVSES, f"{R}/tariffs/v1.0", f"{R}/faqs/v2.0"):
        assert amp.ok(path, params={"filter[operatorId]": "2"})["data"] == [], path
        assert amp.ok(path, params={"filter[operatorId]": str(DEMO_OPERATOR)})["data"], path


def test_ids_lead_from_one_operation_to_the_next(amp: Ampeco,
                                                all_evses: list[dict[str, Any]]) -> None:
    evse = all_evses[3]
    station = amp.ok(f"{CHARGE_POINTS}/{{chargePoint}}", chargePoint=evse["chargePointId"])
    location = amp.ok(f"{LOCATIONS}/{{location}}", location=station["data"]["locationId"])
    assert location["data"]["operatorId"] == station["data"]["operatorId"] == DEMO_OPERATOR
    status = amp.ok(f"{R}/charge-points/v1.0/{{chargePoint}}/status",
                    chargePoint=evse["chargePointId"])
    assert evse["id"] in {e["id"] for e in status["data"]["evses"]}
    read = amp.ok(f"{EVSES}/{{evse}}", params={"include[]": "connectors"}, evse=evse["id"])
    nested = amp.ok(f"{CHARGE_POINTS}/{{chargePoint}}/evses/{{evse}}", chargePoint=evse[
        "chargePointId"], evse=evse["id"], params={"include[]": "connectors"})
    assert {k: v for k, v in read["data"].items() if k != "chargePointId"} == nested["data"]
    connector = read["data"]["connectors"][0]
    assert amp.ok(f"{CHARGE_POINTS}/{{chargePoint}}/evses/{{evse}}/connectors/{{connector}}",
                  chargePoint=evse["chargePointId"], evse=evse["id"],
                  connector=connector["id"])["data"] == connector
    group = amp.ok(f"{R}/tariff-groups/v1.0/{{tariffGroup}}", tariffGroup=evse["tariffGroupId"])
    tariff = amp.ok(f"{R}/tariffs/v1.0/{{tariff}}", tariff=group["data"]["tariffIds"][0])
    taxes = {t["id"] for t in amp.ok(f"{R}/taxes/v2.0")["data"]}
    assert tariff["data"]["pricing"]["taxID"] in taxes
    currencies = {c["alphabeticCode"] for c in amp.ok(f"{R}/currencies/v2.0")["data"]}
    assert tariff["data"]["currency"] in currencies
    partner = amp.ok(f"{R}/partners/v2.0")["data"][0]
    groups = amp.ok(f"{R}/user-groups/v1.0", params={"filter[partnerId]": partner["id"]})
    assert [g["partnerId"] for g in groups["data"]] == [partner["id"]]
    plans = {p["id"] for p in amp.ok(f"{R}/subscription-plans/v2.0")["data"]}
    assert {s["planId"] for s in amp.ok(f"{R}/subscriptions/v1.0")["data"]} <= plans


def test_a_token_sees_only_its_operators_network(amp: Ampeco, other_operator: Ampeco,
                                                all_evses: list[dict[str, Any]]) -> None:
    theirs = other_operator.all_pages(EVSES)
    assert theirs, "the other operator has EVSEs in the demo catalogue"
    assert not {e["id"] for e in theirs} & {e["id"] for e in all_evses}
    assert {e["operatorId"] for e in theirs} != {DEMO_OPERATOR}
    mine = all_evses[0]
    for client, evse in ((other_operator, mine), (amp, theirs[0])):
        assert client.get(f"{EVSES}/{{evse}}", evse=evse["id"]).status_code == 404
        assert client.get(f"{CHARGE_POINTS}/{{chargePoint}}",
                          chargePoint=evse["chargePointId"]).status_code == 404
        assert client.get(f"{R}/charge-points/v1.0/{{chargePoint}}/status",
                          chargePoint=evse["chargePointId"]).status_code == 404
        assert client.get(f"{CHARGE_POINTS}/{{chargePoint}}/evses",
                          chargePoint=evse["chargePointId"]).status_code == 404
    their_locations = {s["locationId"] for s in other_operator.all_pages(CHARGE_POINTS)}
    location = min(their_locations)
    assert amp.get(f"{LOCATIONS}/{{location}}", location=location).status_code == 404
    assert location not in {loc["id"] for loc in amp.all_pages(LOCATIONS)}
    # the other operator's token has no users: no partners, groups or subscriptions
    assert other_operator.ok(f"{R}/subscriptions/v1.0")["data"] == []
    assert other_operator.ok(f"{R}/partners/v2.0")["data"] == []
    subscription = amp.ok(f"{R}/subscriptions/v1.0")["data"][0]["id"]
    assert other_operator.get(f"{R}/subscriptions/v1.0/{{subscription}}",
                              subscription=subscription).status_code == 404


def test_bad_input_of_strict_listings_names_the_parameter(amp: Ampeco) -> None:
    for params, field in (({"per_page": "0"}, "per_page"), ({"cursor": "bogus"}, "cursor"),
                          ({"filter[currentType]": "xx"}, "filter[currentType]"),
                          ({"filter[chargePointId]": "one"}, "filter[chargePointId]"),
                          ({"filter[lastUpdatedAfter]": "yesterday"},
                           "filter[lastUpdatedAfter]"),
                          ({"include[]": "everything"}, "include"),
                          ({"filter[colour]": "red"}, "filter[colour]")):
        response = amp.get(EVSES, params=params)
        assert response.status_code == 422, (params, response.text)
        assert list(response.json()["errors"]) == [field], response.text


def test_filters_of_the_operators_offer(amp: Ampeco) -> None:
    subscriptions = amp.ok(f"{R}/subscriptions/v1.0")["data"]
    assert subscriptions, "the demo drivers have contracts"
    plan = subscriptions[0]["planId"]
    on_plan = amp.ok(f"{R}/subscriptions/v1.0", params={"filter[planId]": plan})["data"]
    assert on_plan and {s["planId"] for s in on_plan} == {plan}
    active = amp.ok(f"{R}/subscriptions/v1.0", params={"filter[status]": "active"})["data"]
    assert {s["status"] for s in active} <= {"active"}
    assert {s["id"] for s in active} == {s["id"] for s in subscriptions
                                         if s["status"] == "active"}
    later = amp.ok(f"{R}/subscriptions/v1.0", params={"filter[startedAfter]": "2100-01-01"})
    assert later["data"] == []
    terms = amp.ok(f"{R}/terms-and-policies/v2.0")["data"]
    assert [t["status"] for t in terms].count("active") == 1
    assert amp.ok(f"{R}/terms-and-policies/v2.0",
                  params={"filter[documentId]": "2"})["data"] == []
    assert amp.ok(f"{R}/terms-and-policies/v2.0",
                  params={"filter[validFrom]": "2100-01-01T00:00:00Z"})["data"] == []
    tariffs = amp.ok(f"{R}/tariffs/v1.0")["data"]
    one = amp.ok(f"{R}/tariffs/v1.0", params={"filter[tariffGroupId]": tariffs[0]["id"]})
    assert [t["id"] for t in one["data"]] == [tariffs[0]["id"]]
    assert amp.ok(f"{R}/user-groups/v1.0", params={"filter[noPartner]": "true"})["data"] == []
    assert amp.ok(f"{R}/partners/v2.0", params={"filter[search]": "zzz-nobody"})["data"] == []
    partner = amp.ok(f"{R}/partners/v2.0")["data"][0]
    found = amp.ok(f"{R}/partners/v2.0", params={"filter[externalId]": partner["externalId"]})
    assert [p["id"] for p in found["data"]] == [partner["id"]]


def test_contact_details_and_faqs_in_both_languages(amp: Ampeco) -> None:
    contact = amp.ok(f"{R}/contact-details/v2.0")
    assert "@" in contact["email"]
    faq = amp.ok(f"{R}/faqs/v2.0/{{faq}}", faq=1)["data"]
    assert {q["locale"] for q in faq["question"]} == {"en", "de"}
    assert amp.get(f"{R}/faqs/v2.0/{{faq}}", faq=999).status_code == 404
