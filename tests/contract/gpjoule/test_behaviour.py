"""GP JOULE CONNECT behaviour on the live core: keys, paging, EVSE lookup, live counts,
partner isolation, cards, prices and the cost arithmetic of sessions."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from services.core.api.gpjoule.parsers import DEFAULT_LIMIT, MAX_LIMIT
from tests.clients.gpjoule import NO_KEY, Gpj
from tests.contract.gpjoule.document import doc_query
from tests.contract.gpjoule.partner_world import PartnerWorld, add_partner

CHARGEPOINT_IDS = "query($o: Int, $l: Int) { getChargepoints(offset: $o, limit: $l) {" \
                  " count chargepoints { id } } }"  # fmt: skip
CONTACTS = "query($o: Int, $l: Int) { getContacts(offset: $o, limit: $l) { id email } }"
CARD = "query($t: String!) { getCard(tagId: $t) { tagId name active contact } }"
CARDS = "query($c: String!, $a: Boolean) { getCards(contactId: $c, active: $a) { tagId active } }"
UPDATE = "mutation($t: String!, $n: String, $a: Boolean) { updateCard(tagId: $t, name: $n," \
         " active: $a) { tagId name active } }"  # fmt: skip
PRICE = "query($c: ID!, $t: String) { getPrice(chargepoint: $c, tagId: $t) { currency name" \
        " price } }"  # fmt: skip
SESSION = "query($i: ID!) { getChargingSession(id: $i) { id } }"


@pytest.fixture(scope="module")
def gpj(core_url: str) -> Iterator[Gpj]:
    client = Gpj(core_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def other(core_db: Path, core_url: str) -> PartnerWorld:
    """A second partner with a contact and two cards of its own."""
    return add_partner(core_db, "isolation", cards={"Van": "0E1A2B3C4D01",
                                                    "Spare": "0E1A2B3C4D02"})


@pytest.fixture(scope="module")
def driver(gpj: Gpj) -> dict[str, Any]:
    contacts = gpj.data(CONTACTS, {"l": 10})["getContacts"]
    return next(c for c in contacts if c["email"] == "driver@example.com")


def _sessions(gpj: Gpj, contact: str, **args: Any) -> list[dict[str, Any]]:
    return gpj.data(doc_query("getChargingSessions"), {"contactId": contact, **args}
                    )["getChargingSessions"]  # fmt: skip


# ------------------------------------------------------------------ keys


@pytest.mark.parametrize("key", [NO_KEY, "", "not-a-key", "gpjoule-demo-key-2"])
def test_a_missing_or_unknown_key_is_refused(gpj: Gpj, key: Any) -> None:
    body = gpj("{ getChargepoints { count } }", key=key)
    assert gpj.last_status == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "api key" in body["errors"][0]["message"].lower()
    assert "data" not in body or body["data"] is None


def test_keys_from_the_command_line_work_until_revoked(gpj: Gpj, core_db: Path) -> None:
    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "services.core", "api-key", *args,
                               "--db", str(core_db)], capture_output=True, text=True,
                              check=True, timeout=120)  # fmt: skip
        return done.stdout

    out = cli("create", "--api", "gpjoule", "--name", "cli-partner")
    key = re.search(r"^key:\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    public_id = re.search(r"^id:\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    assert gpj.data("{ getChargepoints(limit: 1) { count } }", key=key)
    # A new partner has no contacts yet: it sees none of the demo partner's.
    assert gpj.data(CONTACTS, key=key)["getContacts"] == []
    cli("revoke", public_id)
    gpj("{ getChargepoints(limit: 1) { count } }", key=key)
    assert gpj.last_status == 401


# ------------------------------------------------------------------ chargepoints


@pytest.fixture(scope="module")
def everywhere(gpj: Gpj, other: PartnerWorld) -> Gpj:
    """A partner with no offer of its own: it sees every station at its base price (the
    demo key sees its region only)."""
    return gpj.with_key(other.key)


def test_paging_offset_limit_count(everywhere: Gpj, core_db: Path) -> None:
    gpj = everywhere
    with sqlite3.connect(core_db) as conn:
        stations = conn.execute("SELECT COUNT(*) FROM stations").fetchone()[0]
    first = gpj.data(CHARGEPOINT_IDS, {"o": 0, "l": 20})["getChargepoints"]
    a = gpj.data(CHARGEPOINT_IDS, {"o": 0, "l": 10})["getChargepoints"]
    b = gpj.data(CHARGEPOINT_IDS, {"o": 10, "l": 10})["getChargepoints"]
    # count: every chargepoint, whatever the page.
    assert first["count"] == a["count"] == b["count"] == stations
    assert a["chargepoints"] + b["chargepoints"] == first["chargepoints"]
    default = gpj.data(CHARGEPOINT_IDS)["getChargepoints"]
    assert len(default["chargepoints"]) == DEFAULT_LIMIT
    capped = gpj.data(CHARGEPOINT_IDS, {"o": 0, "l": 5000})["getChargepoints"]
    assert len(capped["chargepoints"]) == MAX_LIMIT
    tail = gpj.data(CHARGEPOINT_IDS, {"o": stations - 3, "l": 10})["getChargepoints"]
    assert len(tail["chargepoints"]) == 3
    past = gpj.data(CHARGEPOINT_IDS, {"o": stations + 5, "l": 10})["getChargepoints"]
    assert past == {"count": stations, "chargepoints": []}


@pytest.mark.parametrize(("args", "field"), [({"o": -1}, "offset"), ({"l": -5}, "limit")])
def test_negative_paging_is_refused_naming_the_argument(gpj: Gpj, args: dict, field: str
                                                         ) -> None:  # fmt: skip
    err = gpj.error(CHARGEPOINT_IDS, args)
    assert err["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert err["message"].startswith(f"{field}:")


def test_live_counts_add_up(gpj: Gpj) -> None:
    page = gpj.data(doc_query("getChargepoints"), {"limit": 300})["getChargepoints"]
    seen = set()
    for cp in page["chargepoints"]:
        statuses = [c["status"]["status"] for c in cp["connectors"]]
        seen.update(statuses)
        assert cp["connectorsTotal"] == len(statuses) > 0
        assert cp["connectorsFree"] == statuses.count("AVAILABLE")
        assert cp["connectorsOccupied"] == statuses.count("OCCUPIED")
        assert cp["connectorsUnavailable"] == len(statuses) - statuses.count(
            "AVAILABLE") - statuses.count("OCCUPIED")
    assert {"AVAILABLE", "OCCUPIED"} <= seen, seen


def test_lookup_by_evse(gpj: Gpj) -> None:
    q = doc_query("getChargepoint")
    cps = gpj.data(doc_query("getChargepoints"), {"limit": 50})["getChargepoints"]["chargepoints"]
    cp = next(c for c in cps if len(c["connectors"]) > 1)
    second = cp["connectors"][1]["evse"]
    assert gpj.data(q, {"evse": second})["getChargepoint"] == cp
    assert gpj.data(q, {"evse": second.lower()})["getChargepoint"]["id"] == cp["id"]
    assert gpj.data(q, {"id": cp["id"], "evse": second})["getChargepoint"]["id"] == cp["id"]
    other = next(c for c in cps if c["id"] != cp["id"])
    err = gpj.error(q, {"id": cp["id"], "evse": other["connectors"][0]["evse"]})
    assert err["extensions"] == {"code": "NOT_FOUND", "field": "evse"}
    err = gpj.error(q, {"evse": "DE*XXX*E0000000"})
    assert err["extensions"] == {"code": "NOT_FOUND", "field": "evse"}
    err = gpj.error(q, {"id": "7d0c1e4e-0000-4000-8000-000000000000"})
    assert err["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    err = gpj.error(q, {})
    assert err["extensions"]["code"] == "BAD_USER_INPUT"


# ------------------------------------------------------------------ isolation


def test_a_partner_sees_only_its_own_contacts(gpj: Gpj, other: PartnerWorld,
                                              driver: dict[str, Any]) -> None:  # fmt: skip
    mine = gpj.data(CONTACTS, key=other.key)["getContacts"]
    assert mine == [{"id": other.contact, "email": other.email}]
    demo = gpj.data(CONTACTS, {"l": 1000})["getContacts"]
    assert other.contact not in {c["id"] for c in demo}
    page = gpj.data(CONTACTS, {"o": 1, "l": 2})["getContacts"]
    assert page == demo[1:3]


def test_every_other_partners_id_is_not_found(gpj: Gpj, other: PartnerWorld,
                                              driver: dict[str, Any]) -> None:  # fmt: skip
    demo_tag = gpj.data(CARDS, {"c": driver["id"]})["getCards"][0]["tagId"]
    demo_session = _sessions(gpj, driver["id"], limit=1)[0]["id"]
    cp = gpj.data(CHARGEPOINT_IDS, {"l": 1})["getChargepoints"]["chargepoints"][0]["id"]
    me = gpj.with_key(other.key)
    refused = [
        (me, doc_query("getContact"), {"id": driver["id"]}, "id"),
        (me, CARDS, {"c": driver["id"]}, "contactId"),
        (me, doc_query("getChargingSessions"), {"contactId": driver["id"]}, "contactId"),
        (me, CARD, {"t": demo_tag}, "tagId"),
        (me, UPDATE, {"t": demo_tag, "a": False}, "tagId"),
        (me, PRICE, {"c": cp, "t": demo_tag}, "tagId"),
        (me, SESSION, {"i": demo_session}, "id"),
        (me, doc_query("remoteStop"), {"session": demo_session}, "session"),
        (me, doc_query("remoteStart"), {"connectorId": "1", "tagId": demo_tag}, "tagId"),
        (gpj, doc_query("getContact"), {"id": other.contact}, "id"),
        (gpj, CARD, {"t": other.tags["Van"]}, "tagId"),
        # Unknown ids answer exactly like other partners' ones.
        (gpj, CARD, {"t": "FFFFFFFFFFFFFF"}, "tagId"),
        (gpj, SESSION, {"i": "not-a-session"}, "id"),
        (gpj, doc_query("getContact"), {"id": "not-a-contact"}, "id"),
    ]
    for client, query, variables, field in refused:
        body = client(query, variables)
        # Non-null results fail the whole answer; getPrice (nullable) answers null.
        assert all(v is None for v in (body.get("data") or {}).values()), (query, body)
        err = body["errors"][0]
        assert err["extensions"] == {"code": "NOT_FOUND", "field": field}, (query, err)
    # The demo driver's card kept its state through the refused update.
    assert gpj.data(CARD, {"t": demo_tag})["getCard"]["active"] is True


# ------------------------------------------------------------------ cards and prices


def test_update_card_renames_and_switches_active(gpj: Gpj, other: PartnerWorld) -> None:
    me = gpj.with_key(other.key)
    tag = other.tags["Spare"]
    assert me.data(UPDATE, {"t": tag.lower(), "n": "Spare van"})["updateCard"] == {
        "tagId": tag, "name": "Spare van", "active": True}
    assert me.data(UPDATE, {"t": tag, "a": False})["updateCard"]["active"] is False
    assert me.data(CARD, {"t": tag})["getCard"] == {
        "tagId": tag, "name": "Spare van", "active": False, "contact": other.contact}
    active = me.data(CARDS, {"c": other.contact, "a": True})["getCards"]
    every = me.data(CARDS, {"c": other.contact})["getCards"]
    assert tag not in {c["tagId"] for c in active}
    assert tag in {c["tagId"] for c in every}
    err = me.error(UPDATE, {"t": tag, "n": "x" * 61})
    assert err["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}
    assert me.data(UPDATE, {"t": tag, "a": True})["updateCard"]["active"] is True


def test_price_of_a_chargepoint_for_a_card(gpj: Gpj, other: PartnerWorld,
                                           core_db: Path) -> None:  # fmt: skip
    me = gpj.with_key(other.key)
    cp = gpj.data(CHARGEPOINT_IDS, {"l": 1})["getChargepoints"]["chargepoints"][0]["id"]
    with sqlite3.connect(core_db) as conn:
        cheapest = conn.execute(
            "SELECT MIN(t.per_kwh) FROM connectors c JOIN stations s ON s.id = c.station_id"
            " JOIN tariffs t ON t.id = c.tariff_id WHERE s.uuid = ? AND c.free_of_charge = 0",
            (cp,)).fetchone()[0]  # fmt: skip
    anyone = me.data(PRICE, {"c": cp})["getPrice"]
    assert anyone["price"] == pytest.approx(cheapest) and anyone["currency"] == "EUR"
    tag = other.tags["Van"]
    assert me.data(PRICE, {"c": cp, "t": tag})["getPrice"] == anyone
    me.data(UPDATE, {"t": tag, "a": False})
    try:
        err = me.error(PRICE, {"c": cp, "t": tag})
        assert err["extensions"] == {"code": "FORBIDDEN", "field": "tagId"}
        assert "blocked" in err["message"].lower()
    finally:
        me.data(UPDATE, {"t": tag, "a": True})
    err = me.error(PRICE, {"c": "no-such-chargepoint"})
    assert err["extensions"] == {"code": "NOT_FOUND", "field": "chargepoint"}


# ------------------------------------------------------------------ sessions


def _seconds(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()


def test_session_figures_add_up(gpj: Gpj, driver: dict[str, Any]) -> None:
    sessions = _sessions(gpj, driver["id"], limit=200)
    finished = [s for s in sessions if s["status"] == "STOPPED" and s["meterEnd"] is not None]
    assert len(finished) >= 10
    for s in finished:
        assert s["costs"] == pytest.approx(s["costsNet"] + s["taxAmount"], abs=1e-9), s
        assert s["taxAmount"] >= 0 and s["costsNet"] >= 0
        assert s["meterTotal"] == s["meterEnd"] - s["meterStart"], s
        assert abs(s["duration"] - _seconds(s["startTime"], s["endTime"])) <= 1, s
        assert s["currency"] == "EUR" and s["tariff"]
    starts = [s["startTime"] for s in sessions if s["startTime"]]
    assert starts == sorted(starts, reverse=True), "newest first"


def test_session_filters(gpj: Gpj, driver: dict[str, Any]) -> None:
    every = _sessions(gpj, driver["id"], limit=1000)
    tag = every[0]["cardId"]
    by_tag = _sessions(gpj, driver["id"], tagId=tag.lower(), limit=1000)
    assert by_tag and {s["cardId"] for s in by_tag} == {tag}
    assert [s["id"] for s in by_tag] == [s["id"] for s in every if s["cardId"] == tag]
    active = _sessions(gpj, driver["id"], active=True, limit=1000)
    assert all(s["status"] == "ACTIVE" for s in active)
    assert [s["id"] for s in _sessions(gpj, driver["id"], offset=2, limit=3)] == \
        [s["id"] for s in every[2:5]]  # fmt: skip


def test_a_full_page_with_every_field_fits_the_budget(everywhere: Gpj) -> None:
    """The largest page (1,000 chargepoints, the document's fragments expanded) is served;
    two of them in one request exceed the request budget."""
    gpj = everywhere
    full = doc_query("getChargepoints")
    page = gpj.data(full, {"offset": 0, "limit": MAX_LIMIT})["getChargepoints"]
    assert len(page["chargepoints"]) == MAX_LIMIT
    inner = full.split("{", 1)[1].rsplit("}", 1)[0]
    twice = "query($offset: Int, $limit: Int) {" + inner + " again: " + inner.strip() + "}"
    err = gpj.error(twice, {"offset": 0, "limit": MAX_LIMIT})
    assert err["extensions"]["code"] == "COST_LIMIT_EXCEEDED"


def test_refusals_before_graphql_speak_graphql(gpj: Gpj, core_url: str) -> None:
    """Oversized bodies and broken documents are answered in GraphQL's error shape with a
    code, never a 5xx or another API's format."""
    big = '{"query": "{ getChargepoints { count } }", "pad": "' + "x" * (1 << 20) + '"}'
    r = gpj.client.post(gpj.endpoint, content=big, headers={
        "content-type": "application/json", "x-api-key": gpj.key})  # fmt: skip
    assert r.status_code == 413
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    err = gpj.error("{ getChargepoints { count ")
    assert err["message"].startswith("Syntax Error") and err["extensions"]["code"]
    err = gpj.error("{ getChargepoints { total } }")
    assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert 400 <= gpj.last_status < 500
