"""Users and id tags of the operator through the AMPECO API: created, read, changed,
listed page by page, deleted; bad input refused naming the field; another operator's token
sees none of them; a disabled tag is refused at the charger (OCPP Authorize)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from services.core.domain.charging import authorize_tag
from services.core.store.db import connect
from tests.contract.ampeco.client import Ampeco
from tests.contract.ampeco.document_parts import built_in_form

USERS = "/public-api/resources/users/v1.1"
USER = "/public-api/resources/users/v1.1/{user}"
TAGS = "/public-api/resources/id-tags/v2.0"
TAG = "/public-api/resources/id-tags/v2.0/{idTag}"
DETAILS = "/public-api/resources/users/v1.0/{user}/invoice-details"
METHODS = "/public-api/resources/users/v1.0/{user}/payment-methods"


def new_user(amp: Ampeco, **extra: object) -> dict:
    email = f"amp-{uuid.uuid4().hex[:10]}@example.com"
    response = amp.call("POST", USERS, json={"email": email, "password": "secret1",
                                             "first_name": "Ada", "last_name": "Lovelace",
                                             "country": "DE", "locale": "de", **extra})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def new_tag(amp: Ampeco, user_id: int, **extra: object) -> dict:
    uid = uuid.uuid4().hex[:14].upper()
    response = amp.call("POST", TAGS, json={"idTagUid": uid, "status": "enabled",
                                            "type": "rfid", "userId": user_id, **extra})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def test_user_is_created_read_updated_and_listed(amp: Ampeco) -> None:
    created = new_user(amp, externalId="crm-1")
    assert created["firstName"] == "Ada" and created["locale"] == "de"
    assert created["status"] == "enabled" and created["externalId"] == "crm-1"
    read = amp.ok(USER, user=created["id"])["data"]
    assert read == created
    changed = amp.call("PATCH", USER, user=created["id"],
                       json={"last_name": "Byron", "post_code": "10115", "city": "Berlin"})
    assert changed.status_code == 200
    assert changed.json()["data"]["lastName"] == "Byron"
    assert changed.json()["data"]["postCode"] == "10115"
    found = amp.ok(USERS, params={"filter[email]": created["email"], "cursor": ""})["data"]
    assert [u["id"] for u in found] == [created["id"]]


def test_user_input_is_refused_naming_the_field(amp: Ampeco) -> None:
    short = amp.call("POST", USERS, json={"email": "x@example.com", "password": "abc"})
    assert short.status_code == 422 and "password" in short.json()["errors"]
    bad_mail = amp.call("POST", USERS, json={"email": "not-an-address", "password": "secret1"})
    assert bad_mail.status_code == 422 and "email" in bad_mail.json()["errors"]
    taken = new_user(amp)
    again = amp.call("POST", USERS, json={"email": taken["email"], "password": "secret1"})
    assert again.status_code == 422 and "email" in again.json()["errors"]
    country = amp.call("PATCH", USER, user=taken["id"], json={"country": "Germany"})
    assert country.status_code == 422 and "country" in country.json()["errors"]


def test_users_listing_pages_are_complete_and_disjoint(amp: Ampeco) -> None:
    for _ in range(3):
        new_user(amp)
    everyone = amp.all_pages(USERS, params={"per_page": 2})
    ids = [int(u["id"]) for u in everyone]
    assert len(ids) == len(set(ids)) >= 3
    assert ids == sorted(ids)
    paged = amp.ok(USERS, params={"per_page": 2, "page": 2})
    assert paged["meta"]["current_page"] == 2 and len(paged["data"]) == 2
    assert [int(u["id"]) for u in paged["data"]] == ids[2:4]


def test_invoice_details_are_kept_and_included(amp: Ampeco) -> None:
    user = new_user(amp)
    empty = built_in_form(amp, "GET", DETAILS, "", user=user["id"])
    assert empty["requireInvoice"] is False and empty["invoiceType"] == "individual"
    written = built_in_form(amp, "POST", DETAILS, "", user=user["id"],
                            json={"requireInvoice": True, "invoiceType": "company",
                                  "companyName": "Analytical Engines Ltd", "country": "GB"})
    assert written["companyName"] == "Analytical Engines Ltd"
    assert built_in_form(amp, "GET", DETAILS, "", user=user["id"])["requireInvoice"] is True
    included = built_in_form(amp, "GET", USER, "data/invoiceDetails", user=user["id"],
                             params={"include[]": "invoiceDetails"})
    assert included["data"]["invoiceDetails"]["invoiceType"] == "company"
    refused = amp.call("POST", DETAILS, user=user["id"], json={"invoiceType": "company"})
    assert refused.status_code == 422 and "requireInvoice" in refused.json()["errors"]


def test_payment_methods_of_a_new_user_are_an_empty_page(amp: Ampeco) -> None:
    user = new_user(amp)
    body = amp.ok(METHODS, user=user["id"])
    assert body["data"] == [] and body["meta"]["total"] == 0
    missing = amp.get(METHODS + "/{paymentMethodId}", user=user["id"], paymentMethodId="nope")
    assert missing.status_code == 404


def test_id_tag_lifecycle(amp: Ampeco, core_db: Path) -> None:
    user = new_user(amp)
    tag = new_tag(amp, int(user["id"]), idLabel="Company car", externalId="fleet-7")
    assert tag["status"] == "enabled" and tag["userId"] == int(user["id"])
    assert amp.ok(TAG, idTag=tag["id"])["data"]["idLabel"] == "Company car"
    conn = connect(core_db)
    try:
        assert authorize_tag(conn, tag["idTagUid"]) == "Accepted"
        for status in ("disabled", "suspended"):
            changed = amp.call("PATCH", TAG, idTag=tag["id"],
                               json={"status": status, "idLabel": "Blocked car"})
            assert changed.status_code == 200
            assert changed.json()["data"]["status"] == status
            assert authorize_tag(conn, tag["idTagUid"]) == "Blocked"
        amp.call("PATCH", TAG, idTag=tag["id"], json={"status": "enabled"})
        assert authorize_tag(conn, tag["idTagUid"]) == "Accepted"
        listed = amp.ok(TAGS, params={"filter[userId]": user["id"]})["data"]
        assert [t["id"] for t in listed] == [tag["id"]]
        assert amp.call("DELETE", TAG, idTag=tag["id"]).status_code == 204
        assert authorize_tag(conn, tag["idTagUid"]) == "Invalid"
    finally:
        conn.close()
    assert amp.get(TAG, idTag=tag["id"]).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "enabled", "type": "rfid"}, "idTagUid"),
    ({"idTagUid": "AB12", "status": "lost", "type": "rfid"}, "status"),
    ({"idTagUid": "AB12", "status": "enabled", "type": "mac_address"}, "type"),
    ({"idTagUid": "AB 12", "status": "enabled", "type": "rfid", "userId": 1}, "idTagUid"),
    ({"idTagUid": "AB12", "status": "enabled", "type": "rfid"}, "userId"),
    ({"idTagUid": "AB12", "status": "enabled", "type": "rfid", "userId": 999999999}, "userId"),
    ({"idTagUid": "AB12", "status": "enabled", "type": "rfid", "userId": 1,
      "expireAt": "tomorrow"}, "expireAt"),
])
def test_id_tag_input_is_refused_naming_the_field(amp: Ampeco, body: dict, field: str) -> None:
    response = amp.call("POST", TAGS, json=body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_duplicate_uid_is_refused(amp: Ampeco) -> None:
    user = new_user(amp)
    tag = new_tag(amp, int(user["id"]))
    again = amp.call("POST", TAGS, json={"idTagUid": tag["idTagUid"].lower(), "status": "enabled",
                                         "type": "rfid", "userId": int(user["id"])})
    assert again.status_code == 422 and "idTagUid" in again.json()["errors"]


def test_listing_parameters_are_checked(amp: Ampeco) -> None:
    assert amp.get(TAGS, params={"per_page": 101}).status_code == 422
    assert amp.get(TAGS, params={"filter[colour]": "red"}).status_code == 422
    assert amp.get(TAGS, params={"filter[status]": "lost"}).status_code == 422
    assert amp.get(TAGS, params={"cursor": "not-ours"}).status_code == 422


def test_another_operator_sees_none_of_them(amp: Ampeco, other_operator: Ampeco) -> None:
    user = new_user(amp)
    tag = new_tag(amp, int(user["id"]))
    assert other_operator.get(USER, user=user["id"]).status_code == 404
    assert other_operator.get(TAG, idTag=tag["id"]).status_code == 404
    assert other_operator.get(DETAILS, user=user["id"]).status_code == 404
    ids = {u["id"] for u in other_operator.all_pages(USERS)}
    assert user["id"] not in ids
    # update and delete of a tag: 404 (the document lists none for them; see README)
    headers = {"Authorization": f"Bearer {other_operator.token}"}
    patched = other_operator.http.patch(TAG.format(idTag=tag["id"]), json={"status": "disabled"},
                                        headers=headers)
    deleted = other_operator.http.delete(TAG.format(idTag=tag["id"]), headers=headers)
    assert (patched.status_code, deleted.status_code) == (404, 404)
    assert set(patched.json()) == {"message"}
    assert amp.ok(TAG, idTag=tag["id"])["data"]["status"] == "enabled"
    foreign = other_operator.call("POST", TAGS, json={"idTagUid": "F00D01", "status": "enabled",
                                                      "type": "rfid", "userId": int(user["id"])})
    assert foreign.status_code == 422 and "userId" in foreign.json()["errors"]


def test_no_token_is_401(amp: Ampeco) -> None:
    assert amp.get(USERS, token=None).status_code == 401
    assert amp.get(TAGS, token="wrong").status_code == 401
