"""Conformance: a client written from the GP JOULE CONNECT document alone works unchanged.

Every example operation of the document (tests/data holds a verbatim copy; fragments
expanded by ``document.doc_query``) is sent as written to the real core over HTTP with the
demo partner's key. Variables come only from what the API itself returned earlier (ids of
chargepoints, contacts, cards, sessions). Mutations run as a partner of their own
(``partner_world``), so the demo data stays as seeded. Each answer's ``data`` is checked
against schema.graphql along the selection: nullability, list-ness, scalar kinds, enum
values, exactly the selected keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients.gpjoule import Gpj
from tests.contract.document_examples import (
    ApiDocument,
    ExampleRunner,
    assert_every_example_has_a_case,
    check_graphql_result,
    graphql_validator,
)
from tests.contract.gpjoule import document as doc
from tests.contract.gpjoule.partner_world import PartnerWorld, add_partner

DOCUMENT = ApiDocument(
    name="GP JOULE CONNECT GraphQL",
    examples=doc.examples,
    request=doc.doc_query,
    validate=graphql_validator(doc.schema),
)
COVERED: set[str] = set()


@pytest.fixture(scope="module")
def gpj(core_url: str) -> Iterator[Gpj]:
    client = Gpj(core_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def own(core_db: Path, core_url: str) -> PartnerWorld:
    return add_partner(core_db, "examples", cards={"Fleet card": "0E0A0B0C0D01"})


def run(gpj: Gpj, name: str, variables: dict[str, Any] | None = None,
        key: str | None = None) -> Any:  # fmt: skip
    """The example ``name`` sent as the document writes it; its result after checking."""
    COVERED.add(name)
    runner = ExampleRunner(DOCUMENT, lambda q, v, k: gpj(q, v, key=k))
    body = runner.run(name, variables, key)
    assert not body.get("errors"), (name, body["errors"])
    return body["data"][name]


def test_the_walk_catches_a_wrong_answer() -> None:
    q = doc.doc_query("getPrice")
    check_graphql_result(doc.schema(), q, {"getPrice": None})
    with pytest.raises(AssertionError, match="Float"):
        check_graphql_result(doc.schema(), q, {"getPrice": {
            "currency": "EUR", "name": "AC", "price": "0.49"}})  # fmt: skip
    with pytest.raises(AssertionError, match="enum"):
        check_graphql_result(doc.schema(), doc.doc_query("getChargingSession"), {
            "getChargingSession": {**dict.fromkeys(doc.schema().get_type("Session").fields),
                                   "status": "RUNNING"}})  # fmt: skip


def test_chargepoint_examples(gpj: Gpj) -> None:
    page = run(gpj, "getChargepoints", {"offset": 0, "limit": 5})
    assert len(page["chargepoints"]) == 5 and page["count"] >= 5
    first = page["chargepoints"][0]
    by_id = run(gpj, "getChargepoint", {"id": first["id"]})
    assert by_id == first
    evse = first["connectors"][0]["evse"]
    assert run(gpj, "getChargepoint", {"evse": evse})["id"] == first["id"]


def test_contact_and_card_examples(gpj: Gpj) -> None:
    contacts = run(gpj, "getContacts", {"offset": 0, "limit": 10})
    driver = next(c for c in contacts if c["email"] == "driver@example.com")
    assert run(gpj, "getContact", {"id": driver["id"]}) == driver
    cards = run(gpj, "getCards", {"contactId": driver["id"], "active": True,
                                  "offset": 0, "limit": 10})  # fmt: skip
    assert cards and all(c["active"] and c["contact"] == driver["id"] for c in cards)
    assert run(gpj, "getCard", {"tagId": cards[0]["tagId"]}) == cards[0]
    cp = run(gpj, "getChargepoints", {"offset": 0, "limit": 1})["chargepoints"][0]
    price = run(gpj, "getPrice", {"chargepoint": cp["id"], "tagId": cards[0]["tagId"]})
    assert price["currency"] and price["price"] >= 0


def test_session_examples(gpj: Gpj) -> None:
    contacts = run(gpj, "getContacts", {"offset": 0, "limit": 10})
    driver = next(c for c in contacts if c["email"] == "driver@example.com")
    sessions = run(gpj, "getChargingSessions", {"contactId": driver["id"], "tagId": None,
                                                "active": False, "offset": 0, "limit": 5})
    assert sessions, "the demo driver has months of history"
    one = run(gpj, "getChargingSession", {"id": sessions[0]["id"]})
    assert one == sessions[0]
    finished = next(s for s in sessions if s["status"] == "STOPPED")
    # Stopping a session that already ended changes nothing and says so.
    stop = run(gpj, "remoteStop", {"session": finished["id"]})
    assert stop["status"] == "STOPPED" and stop["session"] == finished["id"]
    assert run(gpj, "getChargingSession", {"id": finished["id"]}) == finished


def test_mutation_examples(gpj: Gpj, own: PartnerWorld) -> None:
    tag = own.tags["Fleet card"]
    renamed = run(gpj, "updateCard", {"tagId": tag, "name": "Van 7", "active": True},
                  key=own.key)  # fmt: skip
    assert renamed["name"] == "Van 7" and renamed["active"] is True
    cp = run(gpj, "getChargepoints", {"offset": 0, "limit": 1})["chargepoints"][0]
    # The session core runs no chargers: the start is refused as offline, in the answer.
    start = run(gpj, "remoteStart", {"connectorId": cp["connectors"][0]["id"], "tagId": tag},
                key=own.key)  # fmt: skip
    assert start["session"] is None and start["status"] == "OFFLINE", start
    assert "offline" in start["message"].lower()


def test_every_example_is_run() -> None:
    assert_every_example_has_a_case(DOCUMENT, COVERED)
