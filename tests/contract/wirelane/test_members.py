"""``…/members``, ``…/members/{accountId}`` and its payments and subscriptions."""

from __future__ import annotations

import pytest

from tests.clients.wirelane import Wirelane
from tests.contract.wirelane import document
from tests.contract.wirelane.conftest import Organisation

DEMO_MEMBERS = {"driver@example.com", "alex@example.com", "sam@example.com",
                "fleet@example.com"}


def test_members_are_listed_with_the_documented_fields(wl: Wirelane, admin: str) -> None:
    members = wl.ok("/members", admin)
    assert {m["email"] for m in members} >= DEMO_MEMBERS
    for m in members:
        document.check("member", m)
        assert m["status"] in document.enum_after("member_status", "Items Enum:")
        assert m["account"]["id"] == m["id"] and m["account"]["email"] == m["email"]


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_members_are_ordered_by_email(wl: Wirelane, admin: str, direction: str) -> None:
    emails = [m["email"] for m in wl.ok("/members", admin, {"order_by": "email",
                                                           "order_direction": direction})]
    assert emails == sorted(emails, reverse=direction == "desc")


def test_member_filters_and_search(wl: Wirelane, admin: str) -> None:
    active = wl.ok("/members", admin, [("member_status", "active")])
    assert active and all(m["status"] == "active" for m in active)
    assert wl.ok("/members", admin, [("member_status", "revoked")]) == []
    found = wl.ok("/members", admin, {"search": "alex@"})
    assert [m["email"] for m in found] == ["alex@example.com"]
    assert wl.ok("/members", admin, {"search": "nobody-at-all"}) == []


def test_member_pages_are_disjoint_and_complete(wl: Wirelane, admin: str) -> None:
    everyone = [m["id"] for m in wl.ok("/members", admin, {"order_by": "email"})]
    pages = wl.all_pages("/members", admin, [("order_by", "email")], 1)
    assert [p[0]["id"] for p in pages if p] == everyone


def test_one_member_its_payment_methods_and_subscription(wl: Wirelane, admin: str) -> None:
    driver = wl.ok("/members", admin, {"search": "driver@example.com"})[0]
    one = wl.ok(f"/members/{driver['id']}", admin)
    document.check("member", one)
    assert one == driver
    methods = wl.ok(f"/members/{driver['id']}/payments", admin)
    assert isinstance(methods, list) and methods, "the demo driver has a card on file"
    assert all(m["id"] and m["type"] for m in methods)
    subscription = wl.ok(f"/members/{driver['id']}/subscriptions", admin)
    document.check("subscription", subscription)
    assert subscription["account_id"] == driver["id"]
    assert subscription["plan_key"] == subscription["plan_key"].upper()


@pytest.mark.parametrize("tail", ["", "/payments", "/subscriptions"])
def test_unknown_or_malformed_members(wl: Wirelane, admin: str, tail: str) -> None:
    r = wl.get(f"/members/00000000-0000-4000-8000-000000000000{tail}", admin)
    assert r.status_code == 404 and r.json()["parameter"] == "accountId"
    r = wl.get(f"/members/not%20valid{tail}", admin)
    assert r.status_code == 400 and r.json()["parameter"] == "accountId"


@pytest.mark.parametrize(("params", "parameter"), [
    ({"member_status": "gone"}, "member_status"),
    ({"order_by": "created"}, "order_by"),
    ({"page_size": "-1"}, "page_size"),
])
def test_bad_member_parameters(wl: Wirelane, admin: str, params: dict, parameter: str) -> None:
    r = wl.get("/members", admin, params)
    assert r.status_code == 400 and r.json()["parameter"] == parameter


def test_members_of_another_organisation_are_not_there(wl: Wirelane, admin: str,
                                                        other_org: Organisation) -> None:
    token = wl.password_token(*other_org.admin, client=other_org.client)
    theirs = wl.ok("/members", token, organisation=other_org.organisation)
    assert [m["email"] for m in theirs] == [other_org.admin[0]]
    ours = {m["id"] for m in wl.ok("/members", admin)}
    driver = next(m for m in wl.ok("/members", admin) if m["email"] == "driver@example.com")
    assert driver["id"] in ours
    r = wl.get(f"/members/{driver['id']}", token, organisation=other_org.organisation)
    assert r.status_code == 404
