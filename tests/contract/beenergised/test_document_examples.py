"""Conformance: a client written from the be.ENERGISED document alone works unchanged.

Every example operation of the document (tests/data holds a verbatim copy; fragments
expanded by ``doc_queries``) is sent, as written, to the real core over HTTP (the
subscription over graphql-transport-ws). Variables come only from what the API itself
returned earlier (ids of stations, connectors, cards, chargelogs, documents, terms, rate
options, payment options), the way a document-only client would find them. Reads run as
the demo driver; mutations run as freshly registered users so the demo data stays intact.

Each answer is checked two ways:
- no GraphQL error, unless the operation must fail, in which case the documented error
  shape is asserted (``extensions.code``, or the result's own ``error`` / status fields);
- every value in ``data`` matches schema.graphql: nullability, list-ness, scalar kinds,
  enum values, and exactly the selected keys (``check_result`` walks the selection).

The sending and checking are the shared template of every API's contract tests
(``tests/contract/document_examples.py``); what is specific here is the be.ENERGISED world
the variables come from and the cases per example.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid as uuidlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.clients.beenergised import Gql, WsClient
from tests.contract.beenergised.doc_queries import _examples, _schema, doc_query
from tests.contract.document_examples import (
    ApiDocument,
    ExampleRunner,
    assert_every_example_has_a_case,
    check_graphql_result,
    check_graphql_value,
    graphql_validator,
)
from tests.waits import WITHIN_S

DOC_COPY = Path(__file__).resolve().parents[2] / "data" / "beenergised-driver-graphql.txt"
DEPTH = 3  # fragments nest three levels: e.g. Chargelog -> Connector -> Cp -> leaves
BERLIN = {"latitude": 52.52, "longitude": 13.405, "radius": 5.0}
DRIVER = ("driver@example.com", "driver-demo")
PASSWORD = "Conformance-pw-1"


DOCUMENT = ApiDocument(
    name="be.ENERGISED driver GraphQL",
    examples=_examples,
    request=lambda name: doc_query(name, DEPTH),
    validate=graphql_validator(_schema),
)


def check_result(query: str, data: dict[str, Any]) -> None:
    """Assert ``data`` (the response's ``data``) fits schema.graphql along ``query``."""
    check_graphql_result(_schema(), query, data)


def test_the_walk_catches_a_wrong_type() -> None:
    """The checker itself can fail: a String where the schema says Float, a null in a
    non-null field, an unknown enum value, an extra key."""
    q = doc_query("cpCapabilities", DEPTH)
    check_result(q, {"cpCapabilities": {"hasRemoteCommands": False}})
    with pytest.raises(AssertionError, match="Boolean"):
        check_result(q, {"cpCapabilities": {"hasRemoteCommands": "no"}})
    with pytest.raises(AssertionError, match="non-null"):
        check_result(q, {"cpCapabilities": None})
    with pytest.raises(AssertionError, match="unexpected keys"):
        check_result(q, {"cpCapabilities": {"hasRemoteCommands": True, "x": 1}})
    with pytest.raises(AssertionError, match="enum"):
        check_graphql_value(_schema().get_type("CardStatus"), "blocked", "card.status")
    occ = doc_query("cpOccupancyRate", DEPTH)
    with pytest.raises(AssertionError, match="Float"):
        check_result(
            occ, {"cpOccupancyRate": [{"day": "MONDAY", "hour": 1, "occupancyRate": "50%"}]}
        )


# ------------------------------------------------------------------ the world, via the API


@dataclass
class World:
    gql: Gql
    driver: str  # the demo driver's session token
    cp: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def run(
        self, name: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """Send the document's example ``name``; the whole body comes back after its
        ``data`` was checked against the schema."""
        runner = ExampleRunner(DOCUMENT, lambda q, v, t: self.gql(q, v, token=t))
        return runner.run(name, variables, token)

    def ok(
        self, name: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> Any:
        body = self.run(name, variables, token)
        assert not body.get("errors"), (name, body["errors"])
        return body["data"][name]

    def fails(
        self, name: str, variables: dict[str, Any] | None, token: str | None, code: str
    ) -> dict[str, Any]:
        body = self.run(name, variables, token)
        assert body.get("errors"), (name, body)
        err = body["errors"][0]
        assert err["extensions"]["code"] == code, (name, err)
        assert err["message"], err
        return err

    def fresh_user(self, prefix: str = "doc") -> tuple[str, dict[str, Any]]:
        """registerContactAndLogin, as documented: (session token, whole result)."""
        email = f"{prefix}-{uuidlib.uuid4().hex[:10]}@example.com"
        out = self.ok(
            "registerContactAndLogin",
            {
                "contactProfile": {
                    "email": email,
                    "password": PASSWORD,
                    "firstName": "Doc",
                    "name": "Client",
                    "language": "en_US",
                },
                "additionalFields": [],
            },
        )
        assert out["contact"]["error"] is None, out
        assert out["contact"]["profile"]["email"] == email
        session = out["session"]
        assert session["error"] is None and session["sessionToken"], out
        return session["sessionToken"], out


@pytest.fixture(scope="module")
def world(core_url: str) -> Iterator[World]:
    gql = Gql(core_url)
    examples = _examples()
    assert "initSession" in examples
    pair = gql(doc_query("initSession"), {"username": DRIVER[0], "password": DRIVER[1]})
    token = pair["data"]["initSession"]["sessionToken"]
    w = World(gql, token)
    page = w.ok(
        "cpsPagedLocationBased", {"location": BERLIN, "pagination": {"limit": 10, "offset": 0}}
    )
    cp = next(c for c in page["data"] if c["connectors"] and c["siteId"])
    w.cp = cp
    con = cp["connectors"][0]
    cards = w.ok("cardsPaged", {"pagination": {"limit": 50, "offset": 0}}, token)["data"]
    active = next(c for c in cards if c["status"] == "active")
    # The seeded history's finished sessions (other tests may add running/failed ones).
    logs = w.ok(
        "chargelogsPaged",
        {"pagination": {"limit": 20, "offset": 0}, "filters": {"status": "stopped"}},
        token,
    )["data"]
    # a paid one: sessions at free-of-charge connectors (other tests charge there too)
    # rightly have no cost lines
    logs = [g for g in logs if g["dateEnd"] and (g["energyConsumption"] or 0) > 0
            and (g["cost"] or {}).get("total") and not g["connector"]["freeOfCharge"]]
    docs = w.ok("accountDocumentsPaged", {"pagination": {"limit": 5, "offset": 0}}, token)
    rates = w.ok("contractRateOptions", {}, token)
    options = w.ok("contractPaymentMethods", {}, token)
    w.ids = {
        "cp": cp["id"],
        "site": cp["siteId"],
        "connector": con["id"],
        "evse": con["evseId"],
        "card": active["id"],
        "tag": active["tagId"],
        "chargelog": logs[0]["id"],
        "session": logs[0]["sessionId"],
        "document": docs["data"][0]["id"],
        "rate": rates[0]["uuid"],
        "sepa": next(o["uuid"] for o in options if o["paymentType"] == "SEPA"),
        "postpaid": next(o["uuid"] for o in options if o["paymentType"] == "POSTPAID"),
    }
    yield w
    gql.close()


# ------------------------------------------------------------------ public station data


def test_every_document_example_has_a_case() -> None:
    assert_every_example_has_a_case(
        DOCUMENT, set(PUBLIC) | set(DRIVER_READS) | {n for n, _ in SPECIAL}
    )


PUBLIC: dict[str, Callable[[World], dict[str, Any]]] = {
    "cp": lambda w: {"id": w.ids["cp"], "ignoreMarketingConfiguration": False},
    "cpsPaged": lambda w: {
        "pagination": {"limit": 5, "offset": 0},
        "filter": [{"slug": "TYPE_OF_CURRENT", "options": ["AC"]}],
        "freeOfCharge": False,
    },
    "cpsPagedLocationBased": lambda w: {
        "orderedByDistance": "1",
        "location": BERLIN,
        "pagination": {"limit": 5, "offset": 0},
    },
    "site": lambda w: {"id": w.ids["site"]},
    "sitesPaged": lambda w: {"pagination": {"limit": 3, "offset": 0}},
    "sitesPagedLocationBased": lambda w: {
        "location": BERLIN,
        "pagination": {"limit": 3, "offset": 0},
    },
    "locationsPaged": lambda w: {"pagination": {"limit": 3, "offset": 0}},
    "locationsLocationBased": lambda w: {
        "location": BERLIN,
        "pagination": {"limit": 3, "offset": 0},
    },
    "connector": lambda w: {"id": w.ids["connector"]},
    "connectorByEvseId": lambda w: {"evseId": w.ids["evse"]},
    "connectorsPaged": lambda w: {"pagination": {"limit": 3, "offset": 0}},
    "filters": lambda w: {},
    "cpCapabilities": lambda w: {"id": w.ids["cp"]},
    "cpOccupancyRate": lambda w: {"cpId": w.ids["cp"], "day": "MONDAY"},
    "occupancyRate": lambda w: {"connectors": [w.ids["connector"]], "day": "ALL"},
    "ratePackageByConnectorId": lambda w: {"id": w.ids["connector"]},
    "contractRateOptions": lambda w: {},
    # the product catalogue of contract options: public, like the rate options
    "contractPaymentMethods": lambda w: {},
    "settings": lambda w: {"key": None},
    "termsAndConditions": lambda w: {},
    "additionalRegistrationFields": lambda w: {},
    "verifyEmail": lambda w: {"email": f"nobody-{uuidlib.uuid4().hex[:8]}@example.com"},
}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_example_works_anonymously_and_logged_in(world: World, name: str) -> None:
    variables = PUBLIC[name](world)
    anon = world.ok("initAnonymousSession")["sessionToken"]
    as_anon = world.ok(name, variables, anon)
    as_driver = world.ok(name, variables, world.driver)
    assert as_anon is not None
    if name in ("cp", "connector", "connectorByEvseId", "site"):
        assert as_anon["id"] and as_driver["id"] == as_anon["id"]


# ------------------------------------------------------------------ the driver's own data


DRIVER_READS: dict[str, Callable[[World], dict[str, Any]]] = {
    "contact": lambda w: {},
    "cardsPaged": lambda w: {"pagination": {"limit": 10, "offset": 0}},
    "card": lambda w: {"id": w.ids["tag"]},
    "availableCardsForChargingProcess": lambda w: {"connectorId": w.ids["connector"]},
    "chargelogsPaged": lambda w: {
        "pagination": {"limit": 5, "offset": 0},
        "type": "contact",
        "filters": {"status": "stopped"},
        "timeframe": {"start": "2020-01-01T00:00:00Z", "end": "2100-01-01T00:00:00Z"},
    },
    "chargelog": lambda w: {"id": w.ids["chargelog"]},
    "chargelogMeterValuesSummary": lambda w: {"uuid": w.ids["chargelog"]},
    "chargingStatistics": lambda w: {"timeframe": {"start": "2020-01-01T00:00:00Z"}},
    "accountDocument": lambda w: {"id": w.ids["document"]},
    "accountDocumentsPaged": lambda w: {"pagination": {"limit": 5, "offset": 0}},
    "getFavouriteCps": lambda w: {},
    "bankAccount": lambda w: {},
    "paymentMethods": lambda w: {},
    "hasPaymentMedium": lambda w: {},
}


@pytest.mark.parametrize("name", sorted(DRIVER_READS))
def test_driver_example_works_and_needs_a_login(world: World, name: str) -> None:
    variables = DRIVER_READS[name](world)
    got = world.ok(name, variables, world.driver)
    if name not in ("bankAccount",):
        assert got is not None, name
    # user data is not public: no token, or an anonymous one, is UNAUTHENTICATED
    world.fails(name, variables, None, "UNAUTHENTICATED")
    anon = world.ok("initAnonymousSession")["sessionToken"]
    world.fails(name, variables, anon, "UNAUTHENTICATED")


def test_driver_reads_return_the_driver_data(world: World) -> None:
    w = world
    assert w.ok("contact", {}, w.driver)["email"] == DRIVER[0]
    assert w.ok("card", {"id": w.ids["card"]}, w.driver)["tagId"] == w.ids["tag"]
    log = w.ok("chargelog", {"id": w.ids["chargelog"]}, w.driver)
    assert log["id"] == w.ids["chargelog"] and log["energyConsumption"] > 0
    assert log["cost"]["costItems"], log
    doc = w.ok("accountDocument", {"id": w.ids["document"]}, w.driver)
    link = doc["downloadLink"]
    pdf = w.gql.client.get(link if link.startswith("http") else w.gql.base_url + link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # another user's objects are NOT_FOUND, not someone else's data
    other, _ = w.fresh_user("peer")
    w.fails("chargelog", {"id": w.ids["chargelog"]}, other, "NOT_FOUND")
    w.fails("card", {"id": w.ids["card"]}, other, "NOT_FOUND")
    w.fails("card", {"id": w.ids["tag"]}, other, "NOT_FOUND")  # by tag id, too
    w.fails(
        "updateCardBillingContact",
        {"cardId": w.ids["card"], "billingContactId": "x"},
        other,
        "NOT_FOUND",
    )
    w.fails("accountDocument", {"id": w.ids["document"]}, other, "NOT_FOUND")


# ------------------------------------------------------------------ sessions and accounts


def _sessions(w: World) -> None:
    anon = w.ok("initAnonymousSession")
    assert anon["sessionToken"] and anon["refreshToken"]
    deprecated_anon = w.ok("anonymousLogin")
    assert deprecated_anon["error"] is None and deprecated_anon["sessionToken"]
    pair = w.ok("initSession", {"username": DRIVER[0], "password": DRIVER[1]})
    renewed = w.ok("renewSession", {}, pair["refreshToken"])
    assert renewed["sessionToken"] != pair["sessionToken"]
    # rotation: the used refresh token is spent, and presenting it again revokes its login's
    # newer tokens too
    w.fails("renewSession", {}, pair["refreshToken"], "UNAUTHENTICATED")
    w.fails("renewSession", {}, renewed["refreshToken"], "UNAUTHENTICATED")
    pair = w.ok("initSession", {"username": DRIVER[0], "password": DRIVER[1]})
    renewed = w.ok("renewSession", {}, pair["refreshToken"])
    again = w.ok("refreshSession", {}, renewed["refreshToken"])
    assert again["error"] is None and again["sessionToken"]
    spent = w.ok("refreshSession", {}, renewed["refreshToken"])
    assert spent["sessionToken"] is None and spent["error"]["code"] == "UNAUTHENTICATED"
    login = w.ok("login", {"username": DRIVER[0], "password": DRIVER[1]})
    assert login["error"] is None and login["sessionToken"]
    out = w.ok("invalidateSession", {}, login["sessionToken"])
    assert out["isInvalidated"] is True
    w.fails("contact", {}, login["sessionToken"], "UNAUTHENTICATED")
    wrong = w.fails(
        "initSession",
        {"username": f"x{uuidlib.uuid4().hex[:6]}@example.com", "password": "wrong-password"},
        None,
        "UNAUTHENTICATED",
    )
    assert "invalid" in wrong["message"]


def _register(w: World) -> None:
    email = f"reg-{uuidlib.uuid4().hex[:10]}@example.com"
    fields = w.ok("additionalRegistrationFields")
    extra = [
        {
            "name": f["name"],
            "value": "true" if f["type"] == "boolean" else "x",
            "required": str(f["required"]),
            "type": f["type"],
        }
        for f in fields or []
    ]
    out = w.ok(
        "registerContact",
        {
            "contactProfile": {
                "email": email,
                "password": PASSWORD,
                "firstName": "Reg",
                "name": "Doc",
            },
            "additionalFields": extra,
        },
    )
    assert out["error"] is None and out["profile"]["email"] == email, out
    dup = w.ok("registerContact", {"contactProfile": {"email": email, "password": PASSWORD}})
    assert dup["profile"] is None and dup["error"]["code"], dup
    bad = w.ok(
        "registerContact", {"contactProfile": {"email": "not-an-email", "password": PASSWORD}}
    )
    assert bad["error"]["code"] == "BAD_USER_INPUT", bad
    assert "email" in bad["error"]["response"]["body"]["message"]
    token, _ = w.fresh_user()
    assert w.ok("contact", {}, token)["firstName"] == "Doc"
    taken = w.ok("verifyEmail", {"email": email})
    assert taken["status"], taken


def _contact_and_terms(w: World) -> None:
    token, _ = w.fresh_user()
    upd = w.ok(
        "updateContact",
        {
            "contactProfile": {
                "firstName": "Changed",
                "phone": "+4930123",
                "address": {"city": "Berlin", "country": "DE"},
            }
        },
        token,
    )
    assert upd["error"] is None and upd["profile"]["firstName"] == "Changed", upd
    terms = w.ok("termsAndConditions", {}, token)
    accepted = w.ok("acceptTermsAndConditions", {"id": terms["id"]}, token)
    assert accepted["status"], accepted
    assert w.ok("contact", {}, token)["termsAndConditionsAccepted"] is True
    changed = w.ok(
        "changePassword", {"currentPassword": PASSWORD, "newPassword": "Another-pw-2"}, token
    )
    assert changed["status"], changed
    wrong = w.run(
        "changePassword", {"currentPassword": "not-it", "newPassword": "Third-pw-3"}, token
    )
    assert wrong.get("errors") or wrong["data"]["changePassword"]["code"] != 200, wrong


def _delete_and_reactivate(w: World) -> None:
    token, out = w.fresh_user("gone")
    email = out["contact"]["profile"]["email"]
    gone = w.ok("deleteContact", {}, token)
    assert gone["error"] is None and gone["status"], gone
    w.fails("contact", {}, token, "UNAUTHENTICATED")
    back = w.ok("reactivateUser", {"email": email})
    assert back["status"], back


def _cards(w: World) -> None:
    token, out = w.fresh_user("cards")
    me = out["contact"]["profile"]["id"]
    made = w.ok(
        "createAuthenticationMedia",
        {"authenticationMedia": {"rateId": w.ids["rate"], "customerReference": "Doc card"}},
        token,
    )
    assert made["id"] and made["rateId"] == w.ids["rate"], made
    card_id = w.ok("cardsPaged", {}, token)["data"][0]["id"]
    renamed = w.ok("updateCard", {"input": {"cardId": card_id, "label": "Renamed"}}, token)
    assert renamed["label"] == "Renamed" and renamed["id"] == card_id
    billing = w.ok("updateCardBillingContact", {"cardId": card_id, "billingContactId": me}, token)
    assert billing["status"], billing
    off = w.ok("updateCard", {"input": {"cardId": card_id, "status": "DEACTIVATE"}}, token)
    assert off["status"] == "inactive", off
    # the demo driver's card cannot be touched by someone else
    w.fails("updateCard", {"input": {"cardId": w.ids["card"], "label": "x"}}, token, "NOT_FOUND")


def _favourites(w: World) -> None:
    token, _ = w.fresh_user("fav")
    on = w.ok("setFavouriteCps", {"ids": [w.ids["cp"]]}, token)
    assert on == [{"id": w.ids["cp"], "isFavoured": True}]
    assert [c["id"] for c in w.ok("getFavouriteCps", {}, token)] == [w.ids["cp"]]
    assert w.ok("cp", {"id": w.ids["cp"]}, token)["isFavoured"] is True
    off = w.ok("unsetFavouriteCps", {"ids": [w.ids["cp"]]}, token)
    assert off == [{"id": w.ids["cp"], "isFavoured": False}]
    assert w.ok("getFavouriteCps", {}, token) == []


def _contracts(w: World) -> None:
    token, _ = w.fresh_user("contract")
    sepa = {
        "id": w.ids["sepa"],
        "rateId": w.ids["rate"],
        "iban": "DE89370400440532013000",
        "bic": "COBADEFFXXX",
        "bank": "Commerzbank",
        "debitType": "CORE",
        "accountHolder": "Doc Client",
        "useParent": False,
        "customerReference": "Doc",
    }
    made = w.ok("createSepaContract", {"sepaContract": sepa}, token)
    assert made["error"] is None and made["status"] == "success", made
    bad = w.ok("createSepaContract", {"sepaContract": {**sepa, "iban": "DE00"}}, token)
    assert bad["error"]["code"], bad
    upd = w.ok(
        "updateSepaContract",
        {"updateSepaContract": {"id": w.ids["sepa"], "accountHolder": "New Holder"}},
        token,
    )
    assert upd["status"] == "success", upd
    assert w.ok("bankAccount", {}, token)["accountHolder"] == "New Holder"
    assert w.ok("deleteSepaContract", {"id": w.ids["sepa"]}, token)["status"] == "success"
    post = w.ok(
        "createPostpaidContract",
        {
            "postpaidContract": {
                "id": w.ids["postpaid"],
                "rateId": w.ids["rate"],
                "customerReference": "Post",
            }
        },
        token,
    )
    assert post["status"] == "success", post
    assert (
        w.ok(
            "updatePostpaidContract",
            {"postpaidContract": {"id": w.ids["postpaid"], "customerReference": "Post 2"}},
            token,
        )["status"]
        == "success"
    )
    assert (
        w.ok("deletePostpaidContract", {"postpaidContract": {"id": w.ids["postpaid"]}}, token)[
            "status"
        ]
        == "success"
    )


def _payments(w: World) -> None:
    token, _ = w.fresh_user("pay")
    tx = w.ok("registerPaymentMethod", {"rateId": w.ids["rate"], "customerReference": "PSP"}, token)
    assert tx["id"] and tx["absoluteLink"].endswith(tx["link"])
    assert w.gql.client.get(tx["absoluteLink"]).status_code == 200
    direct = w.ok(
        "initDirectPaymentCharging",
        {"connectorId": w.ids["connector"], "rateId": w.ids["rate"]},
        token,
    )
    assert direct["id"] and w.gql.client.get(direct["absoluteLink"]).status_code == 200
    status = w.ok(
        "directPaymentChargingStatus",
        {"evseId": w.ids["evse"], "transactionId": direct["id"]},
        token,
    )
    assert status["status"] == "OPEN" and status["chargeLogId"] is None, status
    w.fails(
        "directPaymentChargingStatus",
        {"evseId": w.ids["evse"], "transactionId": direct["id"]},
        w.driver,
        "NOT_FOUND",
    )


def _delete_cp(w: World) -> None:
    err = w.fails("deleteCp", {"id": w.ids["cp"]}, w.driver, "FORBIDDEN")
    assert "cp" in err["message"].lower() or "station" in err["message"].lower()
    assert w.ok("cp", {"id": w.ids["cp"]})["id"] == w.ids["cp"]


def _charging_without_a_charger(w: World) -> None:
    """No simulated charger is connected to the session core: every start must say so in
    the documented response fields (never a fake success); stop and status are per user."""
    token, _ = w.fresh_user("charge")
    made = w.ok(
        "createAuthenticationMedia",
        {"authenticationMedia": {"rateId": w.ids["rate"], "customerReference": "Charge card"}},
        token,
    )
    del made
    tag = w.ok("cardsPaged", {}, token)["data"][0]["tagId"]
    auth = {"identifier": tag, "type": "RFID"}
    for name in ("remoteStart", "remoteStartWithoutInvoicing"):
        out = w.ok(name, {"authorization": auth, "connector": w.ids["connector"]}, token)
        assert out["code"] == 503 and out["status"] == "FAILED", out
        assert out["session"] is None and out["transaction"] is None, out
        assert "offline" in out["message"].lower(), out
    attempt = w.ok(
        "attemptRemoteStart", {"input": {"connectorId": w.ids["connector"], "tagId": tag}}, token
    )
    assert attempt["isFailure"] is True and attempt["chargeLogId"] is None, attempt
    assert "offline" in attempt["failureReason"].lower(), attempt
    status = w.ok("remoteStartAttemptStatus", {"id": attempt["id"]}, token)
    assert status["id"] == attempt["id"] and status["isFailure"] is True
    # someone else's attempt and sessions do not exist for this user
    w.fails("remoteStartAttemptStatus", {"id": attempt["id"]}, w.driver, "NOT_FOUND")
    w.fails("remoteStop", {"transaction": w.ids["session"]}, token, "NOT_FOUND")
    w.fails("chargelogMeterValuesSummary", {"uuid": w.ids["chargelog"]}, token, "NOT_FOUND")
    # the driver's own finished session: stopping it is harmless
    stop = w.ok("remoteStop", {"transaction": w.ids["session"]}, w.driver)
    assert stop["status"] == "STOPPED" and stop["code"] == 200, stop
    w.fails(
        "remoteStart",
        {"authorization": auth, "connector": w.ids["connector"]},
        None,
        "UNAUTHENTICATED",
    )


SPECIAL: list[tuple[str, Callable[[World], None]]] = [
    (n, fn)
    for fn, names in (
        (
            _sessions,
            (
                "initAnonymousSession",
                "anonymousLogin",
                "initSession",
                "renewSession",
                "refreshSession",
                "login",
                "invalidateSession",
            ),
        ),
        (_register, ("registerContact", "registerContactAndLogin")),
        (_contact_and_terms, ("updateContact", "acceptTermsAndConditions", "changePassword")),
        (_delete_and_reactivate, ("deleteContact", "reactivateUser")),
        (_cards, ("createAuthenticationMedia", "updateCard", "updateCardBillingContact")),
        (_favourites, ("setFavouriteCps", "unsetFavouriteCps")),
        (
            _contracts,
            (
                "createSepaContract",
                "updateSepaContract",
                "deleteSepaContract",
                "createPostpaidContract",
                "updatePostpaidContract",
                "deletePostpaidContract",
            ),
        ),
        (
            _payments,
            ("registerPaymentMethod", "initDirectPaymentCharging", "directPaymentChargingStatus"),
        ),
        (_delete_cp, ("deleteCp",)),
        (
            _charging_without_a_charger,
            (
                "remoteStart",
                "remoteStartWithoutInvoicing",
                "attemptRemoteStart",
                "remoteStartAttemptStatus",
                "remoteStop",
            ),
        ),
        (None, ("feedStatusUpdate",)),  # test_feed_status_update_example below
    )
    for n in names
]
_FLOWS = list(dict.fromkeys(fn for _, fn in SPECIAL if fn is not None))


@pytest.mark.parametrize("flow", _FLOWS, ids=lambda fn: fn.__name__.strip("_"))
def test_mutation_examples(world: World, flow: Callable[[World], None]) -> None:
    flow(world)


# ------------------------------------------------------------------ the subscription


async def test_feed_status_update_example(world: World, core_url: str) -> None:
    """The document's subscription, unchanged, receives a connector's status change sent by
    a real OCPP charger (a simulated one, on a station far from the Berlin demo area)."""
    from services.hardware.simulator import Simulator

    far = world.ok(
        "cpsPagedLocationBased",
        {
            "location": {"latitude": 48.8566, "longitude": 2.3522, "radius": 30.0},
            "pagination": {"limit": 1, "offset": 0},
        },
    )["data"][0]
    connector = far["connectors"][0]
    query = doc_query("feedStatusUpdate", DEPTH)
    sim = Simulator(core_url, [far["id"]], speed=60)
    await sim.start()
    try:
        await sim.wait_online(within_s=WITHIN_S)
        async with WsClient.connect(core_url, {"Authorization": f"Bearer {world.driver}"}) as ws:
            await ws.subscribe("doc", query, {"connectors": [connector["id"]]})
            sim.station(far["id"]).set_faulted(1, True)
            payload = await ws.next("doc")
            assert not payload.get("errors"), payload
            check_result(query, payload["data"])
            got = payload["data"]["feedStatusUpdate"]
            assert got["connectorId"] == connector["id"] and got["ocpp"] == "Faulted", got
            sim.station(far["id"]).set_faulted(1, False)
            assert (await ws.next("doc"))["data"]["feedStatusUpdate"]["ocpp"] == "Available"
            await ws.complete("doc")
    finally:
        await sim.stop()


# ------------------------------------------------------------------ odd ids never crash

ODD_IDS = ["99999999999999999999999", "\u00b2", "", "-1", "' OR 1=1 --"]
ID_ARGS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "connector": lambda w, v: {"id": v},
    "cp": lambda w, v: {"id": v},
    "site": lambda w, v: {"id": v},
    "ratePackageByConnectorId": lambda w, v: {"id": v},
    "availableCardsForChargingProcess": lambda w, v: {"connectorId": v},
    "chargelog": lambda w, v: {"id": v},
    "card": lambda w, v: {"id": v},
    "remoteStop": lambda w, v: {"transaction": v},
    "remoteStart": lambda w, v: {
        "connector": v,
        "authorization": {"identifier": w.ids["tag"], "type": "RFID"},
    },
    "attemptRemoteStart": lambda w, v: {"input": {"connectorId": v, "tagId": w.ids["tag"]}},
    "initDirectPaymentCharging": lambda w, v: {"connectorId": v, "rateId": w.ids["rate"]},
    "cpOccupancyRate": lambda w, v: {"cpId": v, "day": "ALL"},
}


@pytest.mark.parametrize("name", sorted(ID_ARGS))
def test_odd_ids_are_client_errors_not_crashes(world: World, name: str) -> None:
    """Ids beyond SQLite's INTEGER range, non-ASCII digits, empty or quoted strings are the
    client's mistake: BAD_USER_INPUT or NOT_FOUND naming the argument, never an internal
    error."""
    for value in ODD_IDS:
        body = world.run(name, ID_ARGS[name](world, value), world.driver)
        assert body.get("errors"), (name, value, body)
        err = body["errors"][0]
        assert err["extensions"]["code"] in ("BAD_USER_INPUT", "NOT_FOUND"), (name, value, err)


def test_settings_never_serve_the_link_signing_key(world: World, core_db: Any) -> None:
    """``settings`` serves public settings only: never the HMAC key that signs document and
    payment-page links (with it, anyone could forge links to other drivers' invoices)."""
    from services.core.store.db import connect

    world.ok("accountDocumentsPaged", {}, world.driver)  # a signed link exists: key made
    conn = connect(core_db)
    try:
        keys = {r[0]: r[1] for r in conn.execute("SELECT key, value FROM settings")}
    finally:
        conn.close()
    assert "document_link_key" in keys
    secret = keys["document_link_key"]
    for token in (None, world.driver):
        everything = world.ok("settings", {"key": None}, token)
        assert all(secret not in s["value"] for s in everything), everything
        assert world.ok("settings", {"key": "document_link_key"}, token) == []
    assert {s["key"] for s in everything} >= {"api.location.radiusUnit", "currency"}


def _documented_variables() -> dict[str, dict[str, Any]]:
    """Each example's own "Variables" block, where it is plain JSON (some blocks name
    types, e.g. ``{"pagination": PaginationFilter}``, and are left out)."""
    lines = DOC_COPY.read_text(encoding="utf-8").splitlines()
    out: dict[str, dict[str, Any]] = {}
    current = None
    for i, line in enumerate(lines):
        m = re.match(r"^(query|mutation|subscription) (\w+)", line)
        if m and i and lines[i - 1] == "Query":
            current = m.group(2)
        elif line == "Variables" and current:
            end = lines.index("Response", i)
            with contextlib.suppress(ValueError):
                out.setdefault(current, json.loads("\n".join(lines[i + 1 : end])))
            current = None
    return out


DOCUMENTED_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT"}


def test_the_documents_own_variables_get_documented_answers(world: World) -> None:
    """The examples sent with the document's own placeholder variables ("abc123", 4, ...):
    a valid answer or an error with a documented code, never a crash or a schema
    mismatch (an Int where the document declares ID must be accepted, for example)."""
    documented = _documented_variables()
    assert len(documented) >= 25, sorted(documented)
    token, _ = world.fresh_user("verbatim")
    for name, variables in sorted(documented.items()):
        if name == "feedStatusUpdate":  # a subscription: see test_feed_status_update_example
            continue
        body = world.run(name, variables, token)
        for err in body.get("errors") or []:
            assert err["extensions"]["code"] in DOCUMENTED_CODES, (name, variables, err)
