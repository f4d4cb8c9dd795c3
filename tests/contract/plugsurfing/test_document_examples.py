"""Conformance: a client written from the OIOI document alone works unchanged.

Every example request of the document (tests/data holds a verbatim copy) is sent as written
to the real core over HTTP with the demo OEM (or CPO) key, with only ids, credentials and
UIDs replaced by real ones of this core (a user's token, a station id the API reported, a
fresh UID, so tests do not depend on each other). Each answer must carry the documented
result code and the shape of the documented example answer (``shapes.check_shape``).
Where an example's request finds nothing here (a box with no stations, an interval without
bills), a second request with real values checks the items' shape too.

session-start and session-stop need a charger; tests/contract/plugsurfing/test_charging.py
runs their examples against simulated chargers. The CPO role's examples run in
test_cpo.py.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.clients.plugsurfing import Answer, Oioi
from tests.contract.plugsurfing import test_charging, test_cpo
from tests.contract.plugsurfing.doc_examples import examples
from tests.contract.plugsurfing.shapes import check_shape
from tests.contract.plugsurfing.world import (
    BERLIN_BOX,
    DRIVER,
    TEST1,
    User,
    berlin_stations,
    fresh_uid,
    register,
    sign_in,
)


@pytest.fixture(scope="module")
def oioi(core_url: str) -> Iterator[Oioi]:
    client = Oioi(core_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def driver(oioi: Oioi) -> User:
    return sign_in(oioi, DRIVER)


def documented(kind: str, answer: Answer, which: int | None = None) -> None:
    """The answer has the documented code (0: success; 11/12 are its specific forms) and
    the shape of the example answer (the one with the same top-level keys, if several)."""
    ex = examples()[kind]
    assert answer.status == 200 and answer.code == 0, (kind, answer)
    assert answer.message
    responses = ex.responses
    if which is None:
        same = [r for r in responses if set(r) | {"result"} == set(answer.body)]
        doc = (same or responses)[0]
    else:
        doc = responses[which]
    check_shape(doc, answer.body, kind)


def written(kind: str, **replace: Callable[[dict[str, Any]], None] | Any) -> dict[str, Any]:
    """The example's fields with ``replace`` applied: a value, or a function that edits."""
    fields = copy.deepcopy(examples()[kind].request[kind])
    for key, value in replace.items():
        key = key.replace("_", "-")
        if callable(value):
            value(fields)
        else:
            assert key in fields, (kind, key)
            fields[key] = value
    return fields


def test_the_shape_check_can_fail() -> None:
    doc = copy.deepcopy(examples()["station-get-by-ids"].responses[0])
    # Lists are checked against their first item: station 1169 is the example's fullest
    # (1770 and 2057 write "times" as the string "[24h]" against the field list).
    doc["stations"] = [doc["stations"][1]]
    check_shape(doc, doc, "doc")
    bad = copy.deepcopy(doc)
    bad["stations"][0]["connectors"][0]["speed"] = 22.0
    with pytest.raises(AssertionError, match="string expected"):
        check_shape(doc, bad, "doc")
    bad = copy.deepcopy(doc)
    bad["stations"][0]["connectors"][0]["prices"]["charging-per-kwh"] = "0.3"
    with pytest.raises(AssertionError, match="price"):
        check_shape(doc, bad, "doc")
    bad = copy.deepcopy(doc)
    bad["stations"][0]["last-static-change"] = "2015-01-23 18:54:52"
    with pytest.raises(AssertionError, match="RFC 3339"):
        check_shape(doc, bad, "doc")
    bad = copy.deepcopy(doc)
    del bad["companies"][0]["contact"]
    with pytest.raises(AssertionError, match="missing"):
        check_shape(doc, bad, "doc")
    bad = copy.deepcopy(doc)
    bad["stations"][0]["isFreeCharge"] = False
    with pytest.raises(AssertionError, match="does not have"):
        check_shape(doc, bad, "doc")


def test_every_example_of_the_document_has_a_case() -> None:
    covered = set(CASES) | test_charging.EXAMPLES | test_cpo.EXAMPLES
    assert covered == set(examples()), set(examples()) ^ covered


# ------------------------------------------------------------------ users


def case_user_verify(oioi: Oioi) -> None:
    answer = oioi("user-verify", written("user-verify", username=TEST1[0], password=TEST1[1]))
    documented("user-verify", answer)
    assert len(answer.body["user"]["token"]) >= 16


def case_user_register(oioi: Oioi) -> None:
    email = f"name-{fresh_uid(8).lower()}@mail.com"
    answer = oioi("user-register", written("user-register", username=email, email=email))
    documented("user-register", answer)
    assert answer.body["user"]["evco-id"].startswith("DE*VOL*")


def case_user_reset(oioi: Oioi) -> None:
    user = register(oioi)
    documented("user-reset", oioi("user-reset", written("user-reset", identifier=user.email)))


def case_user_change_password(oioi: Oioi) -> None:
    # The example's new password has letters only, which the core's password rule refuses
    # (test_errors checks that); a conforming one is used here.
    user = register(oioi)
    fields = written("user-change-password", username=user.email,
                     current_password=user.password, new_password="Mynewpassword-1")
    documented("user-change-password", oioi("user-change-password", fields))
    assert oioi.sign_in(user.email, "Mynewpassword-1")


def case_user_get_details(oioi: Oioi) -> None:
    user = sign_in(oioi, DRIVER)
    answer = oioi("user-get-details", written("user-get-details", user=user.ref()))
    documented("user-get-details", answer)
    assert answer.body["user"]["first-name"] == "Dana"


def case_user_post_details(oioi: Oioi) -> None:
    user = register(oioi)
    answer = oioi("user-post-details", written("user-post-details", user=user.ref()))
    # The example's VAT number does not validate: the documented "success false" answer.
    documented("user-post-details", answer, which=1)
    assert "DE1234567" in answer.body["user-post-details"]["reason"]
    details = oioi.ok("user-get-details", {"user": user.ref()})["user"]
    assert details["first-name"] == "Firstname" and details["billing-name"] == "PlugSurfing GmbH"
    assert details["address"] == {"street": "Torgauer Str.", "street-number": "12 - 15",
                                  "zip": "10829", "city": "Berlin", "country": "DE"}
    assert details["vat"] is None and details["locale"] == "de"


def case_user_logout(oioi: Oioi) -> None:
    user = register(oioi)
    documented("user-logout", oioi("user-logout", written("user-logout", user=user.ref())))
    again = oioi("user-get-details", {"user": user.ref()})
    assert again.code == 145, again


def case_user_add_creditcard(oioi: Oioi) -> None:
    user = register(oioi)
    documented("user-add-creditcard",
               oioi("user-add-creditcard", written("user-add-creditcard", user=user.ref())))


def case_user_add_payment(oioi: Oioi) -> None:
    user = register(oioi)
    answer = oioi("user-add-payment", written("user-add-payment", user=user.ref()))
    documented("user-add-payment", answer)
    assert "/payments/methods/new?session=" in answer.body["user-add-payment"]["url"]


# ------------------------------------------------------------------ charging keys


def case_user_add_rfid(oioi: Oioi) -> None:
    user, uid = register(oioi), fresh_uid()
    documented("user-add-rfid",
               oioi("user-add-rfid", written("user-add-rfid", user=user.ref(), rfid=uid)))
    keys = oioi.ok("user-get-charging-keys", {"user": user.ref()})["user"]["charging-keys"]
    assert [k["uid"] for k in keys] == [uid]


def case_user_block_rfid(oioi: Oioi) -> None:
    user, uid = register(oioi), fresh_uid()
    oioi.ok("user-add-rfid", {"user": user.ref(), "rfid": uid})
    documented("user-block-rfid",
               oioi("user-block-rfid", written("user-block-rfid", user=user.ref(), rfid=uid)))
    keys = oioi.ok("user-get-charging-keys", {"user": user.ref()})["user"]["charging-keys"]
    assert [(k["uid"], k["status"]) for k in keys] == [(uid, "blocked")]


def case_user_unblock_rfid(oioi: Oioi) -> None:
    user, uid = register(oioi), fresh_uid()
    oioi.ok("user-add-rfid", {"user": user.ref(), "rfid": uid})
    oioi.ok("user-block-rfid", {"user": user.ref(), "rfid": uid})
    answer = oioi("user-unblock-rfid", written("user-unblock-rfid", user=user.ref(), rfid=uid))
    documented("user-unblock-rfid", answer)
    assert answer.body["user-unblock-rfid"] == {"success": True}


def case_user_get_charging_keys(oioi: Oioi) -> None:
    user = sign_in(oioi, TEST1)
    answer = oioi("user-get-charging-keys", written("user-get-charging-keys", user=user.ref()))
    documented("user-get-charging-keys", answer)
    keys = {k["uid"]: k["status"] for k in answer.body["user"]["charging-keys"]}
    assert keys["04523022AA4881"] == "active"


def case_user_charging_key_activate(oioi: Oioi) -> None:
    user, uid = register(oioi), fresh_uid()
    oioi.ok("user-add-rfid", {"user": user.ref(), "rfid": uid})
    oioi.ok("user-block-rfid", {"user": user.ref(), "rfid": uid})
    keys = oioi.ok("user-get-charging-keys", {"user": user.ref()})["user"]["charging-keys"]
    fields = written("user-charging-key-activate", user=user.ref(), evco_id=keys[0]["evco-id"])
    documented("user-charging-key-activate", oioi("user-charging-key-activate", fields))


# ------------------------------------------------------------------ history


def case_user_get_recent_sessions(oioi: Oioi) -> None:
    user = sign_in(oioi, DRIVER)
    answer = oioi("user-get-recent-sessions",
                  written("user-get-recent-sessions", user=user.ref()))
    documented("user-get-recent-sessions", answer)
    sessions = answer.body["user"]["sessions"]
    assert sessions and all(float(s["cost"]) >= 0 for s in sessions)


def case_user_get_recent_stations(oioi: Oioi) -> None:
    user = sign_in(oioi, DRIVER)
    answer = oioi("user-get-recent-stations",
                  written("user-get-recent-stations", user=user.ref()))
    # Reading: "stations" is an array of stations (the field list), where the example
    # nests that array in another one.
    doc = copy.deepcopy(examples()["user-get-recent-stations"].responses[0])
    doc["user"]["stations"] = doc["user"]["stations"][0]
    assert answer.status == 200 and answer.code == 0, answer
    check_shape(doc, answer.body, "user-get-recent-stations")
    assert len(answer.body["user"]["stations"]) == 2  # the example's limit


def case_user_get_bills(oioi: Oioi) -> None:
    user = sign_in(oioi, DRIVER)
    answer = oioi("user-get-bills", written("user-get-bills", user=user.ref()))
    documented("user-get-bills", answer)
    assert answer.body["user"]["bills"] == []  # nothing was billed in March 2015
    now = datetime.now(UTC)
    interval = {"start": (now - timedelta(days=400)).isoformat(), "end": now.isoformat()}
    answer = oioi("user-get-bills", written("user-get-bills", user=user.ref(),
                                            date_interval=interval))
    documented("user-get-bills", answer)
    bills = answer.body["user"]["bills"]
    assert bills and all(b["external-session-ids"] for b in bills)
    pdf = oioi.client.get(bills[0]["bill"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def case_vehicle_get_all(oioi: Oioi) -> None:
    answer = oioi("vehicle-get-all", written("vehicle-get-all"))
    documented("vehicle-get-all", answer)
    assert answer.body["vehicle-get-all"]["vehicles"]


# ------------------------------------------------------------------ stations


def case_station_get_surface(oioi: Oioi) -> None:
    berlin = berlin_stations(oioi)
    ids = oioi.ok("station-get-by-ids", {"station-ids": [berlin[0]["id"]]})
    operator = ids["stations"][0]["operator-company-id"]

    def real_ids(fields: dict[str, Any]) -> None:
        fields["filters"]["excludes"] = [berlin[0]["id"]]
        fields["filters"]["operator-ids"] = [operator]

    answer = oioi("station-get-surface", written("station-get-surface", filters=real_ids))
    documented("station-get-surface", answer)
    # The example's box (0..45 N, 30..40 E) holds no demo station, and no station here has
    # an owner type: the Berlin box with the example's other filters checks the items.
    fields = written("station-get-surface", filters=real_ids, **BERLIN_BOX)
    del fields["filters"]["company-types"]
    answer = oioi("station-get-surface", fields)
    documented("station-get-surface", answer)
    stations = answer.body["stations"]
    assert stations and berlin[0]["id"] not in [s["id"] for s in stations]


def case_station_get_by_ids(oioi: Oioi) -> None:
    ids = [s["id"] for s in berlin_stations(oioi)[:4]]
    answer = oioi("station-get-by-ids", written("station-get-by-ids", station_ids=ids))
    documented("station-get-by-ids", answer)
    assert sorted(s["id"] for s in answer.body["stations"]) == sorted(ids)
    operators = {s["operator-company-id"] for s in answer.body["stations"]}
    assert operators <= {c["id"] for c in answer.body["companies"]}


def case_station_get_usage(oioi: Oioi) -> None:
    station = berlin_stations(oioi)[0]["id"]
    answer = oioi("station-get-usage", written("station-get-usage", station_id=station))
    documented("station-get-usage", answer)


def case_company_get_images(oioi: Oioi) -> None:
    station = berlin_stations(oioi)[0]["id"]
    company = oioi.ok("station-get-by-ids", {"station-ids": [station]})["companies"][0]
    answer = oioi("company-get-images", written("company-get-images", company_id=company["id"]))
    documented("company-get-images", answer)
    assert answer.body["company"] == company["name"]


CASES: dict[str, Callable[[Oioi], None]] = {
    name[len("case_"):].replace("_", "-"): fn
    for name, fn in dict(globals()).items() if name.startswith("case_")
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_document_example(oioi: Oioi, kind: str) -> None:
    CASES[kind](oioi)
