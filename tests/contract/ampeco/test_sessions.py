"""Sessions, consumption statistics and authorizations of the operator's users (the demo
users' history), paged completely and disjointly, read one by one, refused for another
operator; bad parameters answered 422 naming them."""

from __future__ import annotations

import pytest

from tests.contract.ampeco.client import Ampeco

SESSIONS = "/public-api/resources/sessions/v1.0"
SESSION = "/public-api/resources/sessions/v1.0/{session}"
STATS = "/public-api/resources/sessions/v1.0/{session}/consumption-stats"
AUTHS = "/public-api/resources/authorizations/v2.1"
AUTH = "/public-api/resources/authorizations/v2.1/{authorization}"


@pytest.fixture(scope="module")
def finished(amp: Ampeco) -> list[dict]:
    rows = amp.ok(SESSIONS, params={"filter[status]": "finished", "per_page": 50,
                                    "withAuthorization": "true", "cursor": ""})["data"]
    assert rows, "the demo users have a charging history"
    return rows


def test_listing_pages_are_complete_and_disjoint(amp: Ampeco, finished: list[dict]) -> None:
    user = finished[0]["userId"]
    everything = amp.all_pages(SESSIONS, params={"filter[userId]": user, "per_page": 7})
    ids = [int(s["id"]) for s in everything]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    assert {s["userId"] for s in everything} == {user}
    at_once = amp.ok(SESSIONS, params={"filter[userId]": user, "per_page": 100,
                                       "cursor": ""})["data"]
    if len(ids) <= 100:
        assert [int(s["id"]) for s in at_once] == ids


def test_finished_session_reads_as_listed(amp: Ampeco, finished: list[dict]) -> None:
    listed = finished[0]
    read = amp.ok(SESSION, session=listed["id"], params={"withAuthorization": "true"})["data"]
    assert read == listed
    assert read["status"] == "finished" and read["energy"] > 0
    assert read["energyConsumption"]["total"] == read["energy"]
    assert read["authorization"]["status"] == "accepted"
    assert read["totalAmount"]["withTax"] >= 0 and len(read["currency"]) == 3


def test_consumption_stats_rise(amp: Ampeco, finished: list[dict]) -> None:
    for listed in finished:
        points = amp.ok(STATS, session=listed["id"])["data"]
        if len(points) >= 2:
            energies = [p["energy"] for p in points if p["energy"] is not None]
            assert energies == sorted(energies) and len(points) <= 300
            return
    pytest.skip("no demo session with meter values")


def test_authorizations_name_their_sessions(amp: Ampeco, finished: list[dict]) -> None:
    listed = finished[0]
    auth = amp.ok(AUTH, authorization=listed["authorizationId"])["data"]
    assert auth["sessionIds"] == [int(listed["id"])]
    assert auth["idTagUid"] == listed["idTag"] and auth["userId"] == listed["userId"]
    page = amp.ok(AUTHS, params={"per_page": 5, "cursor": ""})
    assert len(page["data"]) == 5 and page["meta"]["next_cursor"]


@pytest.mark.parametrize(("query", "field"), [
    ({"per_page": "0"}, "per_page"),
    ({"filter[status]": "sleeping"}, "filter[status]"),
    ({"filter[startedAfter]": "yesterday"}, "filter[startedAfter]"),
    ({"filter[nonsense]": "1"}, "filter[nonsense]"),
    ({"withAuthorization": "maybe"}, "withAuthorization"),
    ({"clockAlignedInterval": "7"}, "clockAlignedInterval"),
])
def test_bad_listing_parameters_are_422(amp: Ampeco, query: dict, field: str) -> None:
    response = amp.get(SESSIONS, params=query)
    assert response.status_code == 422 and field in response.json()["errors"]


def test_unknown_and_foreign_sessions_are_404(amp: Ampeco, other_operator: Ampeco,
                                              finished: list[dict]) -> None:
    listed = finished[0]
    assert amp.get(SESSION, session=999999999).status_code == 404
    assert amp.get(SESSION, session="abc").status_code == 404
    assert other_operator.get(SESSION, session=listed["id"]).status_code == 404
    assert other_operator.get(STATS, session=listed["id"]).status_code == 404
    assert other_operator.get(AUTH, authorization=listed["id"]).status_code == 404
    assert other_operator.ok(SESSIONS, params={"cursor": ""})["data"] == []
