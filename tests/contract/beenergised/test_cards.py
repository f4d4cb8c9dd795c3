"""Cards over real HTTP: list, look up by uuid / tag id, create, rename, deactivate,
billing contact, cards usable on a connector; each user sees only their own cards."""

from __future__ import annotations

from tests.contract.beenergised.accounts import (
    CARD,
    CARDS_PAGED,
    CREATE_AUTH_MEDIA,
    connector,
    db,
    new_user,
    rate_option,
)

UPDATE_CARD = """mutation updateCard($input: UpdateCardInput!) {
  updateCard(input: $input) {
    expiryDate
    id
    label
    message
    number
    status
    tagId
    type
  }
}"""
UPDATE_BILLING = """mutation updateCardBillingContact(
  $cardId: String!,
  $billingContactId: String!
) {
  updateCardBillingContact(
    cardId: $cardId,
    billingContactId: $billingContactId
  ) {
    status
    message
  }
}"""
AVAILABLE = """query availableCardsForChargingProcess($connectorId: String!) {
  availableCardsForChargingProcess(connectorId: $connectorId) {
    id
    tagId
    number
    label
    expiryDate
    type
    rate { shortDescription description }
  }
}"""


def _rate(core_db) -> str:
    conn = db(core_db)
    try:
        return rate_option(conn)["uuid"]
    finally:
        conn.close()


def _create(gql, token, rate, reference):
    return gql.data(CREATE_AUTH_MEDIA, {"authenticationMedia": {
        "rateId": rate, "customerReference": reference}}, token=token)["createAuthenticationMedia"]


def test_create_list_and_lookup(gql, core_db):
    rate = _rate(core_db)
    token, _ = new_user(gql, "cards")
    assert gql.data(CARDS_PAGED, token=token)["cardsPaged"]["data"] == []
    created = [_create(gql, token, rate, f"Card {i}") for i in range(3)]
    assert created[0]["rateId"] == rate and created[0]["customerReference"] == "Card 0"
    page = gql.data(CARDS_PAGED, {"pagination": {"limit": 2, "offset": 0}},
                    token=token)["cardsPaged"]
    assert page["pagination"] == {"isLastPage": False, "offset": 0, "limit": 2,
                                  "totalCount": 3}
    assert [c["id"] for c in page["data"]] == [c["id"] for c in created[:2]]
    last = gql.data(CARDS_PAGED, {"pagination": {"limit": 2, "offset": 2}},
                    token=token)["cardsPaged"]
    assert last["pagination"]["isLastPage"] is True and len(last["data"]) == 1
    card = page["data"][0]
    assert card["status"] == "active" and card["type"] == "virtual"
    assert card["rate"]["id"] == rate and card["label"] == "Card 0"
    assert len(card["tagId"]) == 14 and card["tagId"] == card["tagId"].upper()
    by_uuid = gql.data(CARD, {"id": card["id"]}, token=token)["card"]
    by_tag = gql.data(CARD, {"id": card["tagId"].lower()}, token=token)["card"]
    assert by_uuid == by_tag == card
    capped = gql.data(CARDS_PAGED, {"pagination": {"limit": 100000}}, token=token)
    assert capped["cardsPaged"]["pagination"]["limit"] == 100
    neg = gql.error(CARDS_PAGED, {"pagination": {"offset": -1}}, token=token)
    assert neg["extensions"]["code"] == "BAD_USER_INPUT" and "pagination.offset" in neg["message"]


def test_create_validates_input(gql, core_db):
    rate = _rate(core_db)
    token, _ = new_user(gql, "cardval")
    err = gql.error(CREATE_AUTH_MEDIA, {"authenticationMedia": {"rateId": "no-rate",
                                                                "customerReference": "x"}},
                    token=token)
    assert err["extensions"]["code"] == "NOT_FOUND"
    assert err["extensions"]["field"] == "authenticationMedia.rateId"
    err = gql.error(CREATE_AUTH_MEDIA, {"authenticationMedia": {"rateId": rate,
                                                                "customerReference": "  "}},
                    token=token)
    assert err["extensions"]["code"] == "BAD_USER_INPUT"
    assert err["extensions"]["field"] == "authenticationMedia.customerReference"


def test_rename_and_deactivate(gql, core_db):
    rate = _rate(core_db)
    token, me = new_user(gql, "cardupd")
    card = _create(gql, token, rate, "Old name")
    out = gql.data(UPDATE_CARD, {"input": {"cardId": card["id"], "label": "New name"}},
                   token=token)["updateCard"]
    assert out["label"] == "New name" and out["status"] == "active"
    out = gql.data(UPDATE_CARD, {"input": {"cardId": card["id"], "status": "DEACTIVATE"}},
                   token=token)["updateCard"]
    assert out["status"] == "inactive" and out["label"] == "New name"
    assert gql.data(CARD, {"id": card["id"]}, token=token)["card"]["status"] == "inactive"
    bad = gql.error(UPDATE_CARD, {"input": {"cardId": card["id"], "status": "ACTIVATE"}},
                    token=token)
    assert bad["extensions"]["code"] == "BAD_USER_INPUT"  # not in CardStatusActionEnum
    billing = gql.data(UPDATE_BILLING, {"cardId": card["id"], "billingContactId": me["id"]},
                       token=token)["updateCardBillingContact"]
    assert billing["status"] == "success"
    wrong = gql.error(UPDATE_BILLING, {"cardId": card["id"], "billingContactId": "someone"},
                      token=token)
    assert wrong["extensions"]["code"] == "NOT_FOUND"


def test_other_users_cards_are_not_found(gql, core_db):
    rate = _rate(core_db)
    token_a, _ = new_user(gql, "carda")
    token_b, b = new_user(gql, "cardb")
    card = _create(gql, token_a, rate, "Alice's card")
    full = gql.data(CARD, {"id": card["id"]}, token=token_a)["card"]
    for ident in (card["id"], full["tagId"]):
        err = gql.error(CARD, {"id": ident}, token=token_b)
        assert err["extensions"]["code"] == "NOT_FOUND"
    err = gql.error(UPDATE_CARD, {"input": {"cardId": card["id"], "status": "DEACTIVATE"}},
                    token=token_b)
    assert err["extensions"]["code"] == "NOT_FOUND"
    err = gql.error(UPDATE_BILLING, {"cardId": card["id"], "billingContactId": b["id"]},
                    token=token_b)
    assert err["extensions"]["code"] == "NOT_FOUND"
    assert gql.data(CARD, {"id": card["id"]}, token=token_a)["card"]["status"] == "active"
    assert gql.data(CARDS_PAGED, token=token_b)["cardsPaged"]["pagination"]["totalCount"] == 0
    assert gql.error(CARDS_PAGED)["extensions"]["code"] == "UNAUTHENTICATED"


def test_available_cards_for_connector(gql, core_db):
    conn = db(core_db)
    try:
        rate = rate_option(conn)["uuid"]
        internal = connector(conn, "INTERNAL")
        roaming = connector(conn, "ROAMING")
    finally:
        conn.close()
    token, _ = new_user(gql, "avail")
    usable = _create(gql, token, rate, "Usable")
    blocked = _create(gql, token, rate, "Blocked")
    gql.data(UPDATE_CARD, {"input": {"cardId": blocked["id"], "status": "DEACTIVATE"}},
             token=token)
    cards = gql.data(AVAILABLE, {"connectorId": str(internal["id"])},
                     token=token)["availableCardsForChargingProcess"]
    assert [c["id"] for c in cards] == [usable["id"]]
    assert cards[0]["rate"]["description"]  # the price that will apply
    # virtual cards are not roaming cards: none usable at a roaming station
    assert gql.data(AVAILABLE, {"connectorId": str(roaming["id"])},
                    token=token)["availableCardsForChargingProcess"] == []
    err = gql.error(AVAILABLE, {"connectorId": "987654321"}, token=token)
    assert err["extensions"]["code"] == "NOT_FOUND"

