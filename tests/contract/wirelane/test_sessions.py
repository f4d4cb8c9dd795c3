"""``…/sessions`` and ``…/sessions/{sessionId}``: the organisation's sessions with every
documented parameter."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.clients.wirelane import Wirelane
from tests.contract.wirelane import document
from tests.contract.wirelane.conftest import Organisation

STATUSES = ("initial", "authorization_pending", "start_accepted", "start_pending", "started",
            "stop_accepted", "stop_pending", "stopped", "closed", "canceled", "error",
            "error_consecutive_start")


def moment(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")


def test_sessions_have_the_documented_fields_newest_first(wl: Wirelane, admin: str) -> None:
    sessions = wl.ok("/sessions", admin, {"page_size": "200"})
    assert sessions, "the demo members have charged before"
    members = {m["id"] for m in wl.ok("/members", admin)}
    for s in sessions:
        document.check("session", s)
        assert s["status"] in STATUSES
        assert s["customer_id"] in members
        assert s["customer_membership_owner"] == "DEMOTENANT"
    begins = [moment(s["session_begin"]) for s in sessions]
    assert begins == sorted(begins, reverse=True)
    closed = [s for s in sessions if s["status"] == "closed"]
    assert closed and all(s["kwh"] is not None and s["kwh"] >= 0 for s in closed)
    assert any(s["price"] for s in closed) and all(0 <= (s["tax_rate"] or 0) < 1 for s in closed)


def test_one_session(wl: Wirelane, admin: str) -> None:
    first = wl.ok("/sessions", admin, {"page_size": "1"})[0]
    one = wl.ok(f"/sessions/{first['session_id']}", admin)
    document.check("session", one)
    assert one == first
    r = wl.get("/sessions/00000000-0000-4000-8000-000000000000", admin)
    assert r.status_code == 404 and r.json()["parameter"] == "sessionId"


def test_session_filters(wl: Wirelane, admin: str) -> None:
    everything = wl.ok("/sessions", admin, {"page_size": "5000"})
    closed = wl.ok("/sessions", admin, [("status", "closed"), ("page_size", "5000")])
    assert {s["session_id"] for s in closed} == {
        s["session_id"] for s in everything if s["status"] == "closed"}
    assert wl.ok("/sessions", admin, [("status", "canceled")]) == []
    middle = moment(everything[len(everything) // 2]["session_begin"])
    since = middle.strftime("%Y-%m-%dT%H:%M:%S+0000")
    later = wl.ok("/sessions", admin, {"date_picker_since": since, "page_size": "5000"})
    assert later and all(moment(s["session_begin"]) >= middle for s in later)
    earlier = wl.ok("/sessions", admin, {"date_picker_until": since, "page_size": "5000"})
    assert all(moment(s["session_begin"]) < middle for s in earlier)
    assert len(later) + len(earlier) == len(everything)
    point = everything[0]
    by_code = wl.ok("/sessions", admin, [("charge_point_id", point["charge_point_id"])])
    assert by_code and all(s["charge_point_id"] == point["charge_point_id"] for s in by_code)
    by_id = wl.ok("/sessions", admin, {"charging_point_id": point["charging_point_id"]})
    assert {s["session_id"] for s in by_id} == {s["session_id"] for s in by_code}
    by_evse = wl.ok("/sessions", admin, {"charging_point_id": point["evseid"]})
    assert {s["session_id"] for s in by_evse} == {s["session_id"] for s in by_code}
    found = wl.ok("/sessions", admin, {"search": point["session_id"]})
    assert [s["session_id"] for s in found] == [point["session_id"]]
    mine = wl.ok("/sessions", admin, [("organization_type", "emp"), ("page_size", "5000")])
    assert len(mine) == len(everything)  # DEMOTENANT owns no stations with foreign sessions
    owned = wl.ok("/sessions", admin, [("owner_id", point["owner"]), ("page_size", "5000")])
    assert owned and all(s["owner"] == point["owner"] for s in owned)


@pytest.mark.parametrize(("order_by", "key"), [
    ("kwh", lambda s: s["kwh"] or 0), ("sessionBegin", lambda s: moment(s["session_begin"])),
    ("evseid", lambda s: s["evseid"]), ("price", lambda s: s["price"] or 0),
])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_session_ordering(wl: Wirelane, admin: str, order_by: str, key: object,
                          direction: str) -> None:
    sessions = wl.ok("/sessions", admin, [("order_by", order_by), ("order_direction", direction),
                                          ("status", "closed"), ("page_size", "5000")])
    values = [key(s) for s in sessions]  # type: ignore[operator]
    assert values == sorted(values, reverse=direction == "desc")


def test_session_pages_are_disjoint_and_complete(wl: Wirelane, admin: str) -> None:
    everything = [s["session_id"] for s in wl.ok("/sessions", admin, {"page_size": "5000"})]
    pages = wl.all_pages("/sessions", admin, [], 9)
    ids = [s["session_id"] for page in pages for s in page]
    assert ids == everything and len(set(ids)) == len(ids)


@pytest.mark.parametrize(("params", "status", "parameter"), [
    ({"date_picker_since": "yesterday"}, 400, "date_picker_since"),
    ({"date_picker_until": "2026-13-45T10:00:00Z"}, 400, "date_picker_until"),
    ({"date_picker_since": "2026-02-01T00:00:00Z", "date_picker_until": "2026-01-01T00:00:00Z"},
     422, "date_picker_until"),
    ({"status": "running"}, 400, "status"),
    ({"order_by": "energy"}, 400, "order_by"),
    ({"organization_type": "oem"}, 400, "organization_type"),
    ({"charging_point_id": "a b"}, 400, "charging_point_id"),
    ({"page": "-3"}, 400, "page"),
])
def test_bad_session_parameters(wl: Wirelane, admin: str, params: dict, status: int,
                                parameter: str) -> None:
    r = wl.get("/sessions", admin, params)
    assert r.status_code == status, r.text
    assert r.json()["parameter"] == parameter


def test_another_organisation_sees_only_its_members_sessions(
        wl: Wirelane, admin: str, other_org: Organisation) -> None:
    token = wl.password_token(*other_org.admin, client=other_org.client)
    theirs = wl.ok("/sessions", token, {"page_size": "5000"}, organisation=other_org.organisation)
    assert {s["customer_email"] for s in theirs} <= {other_org.admin[0]}
    ours = wl.ok("/sessions", admin, {"page_size": "5000"})
    not_theirs = next(s for s in ours if s["customer_email"] != other_org.admin[0])
    r = wl.get(f"/sessions/{not_theirs['session_id']}", token,
               organisation=other_org.organisation)
    assert r.status_code == 404
