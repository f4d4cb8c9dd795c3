"""Account operations over real HTTP: registration (validation in ErrorBody), contact and
updateContact (two users: each sees and changes only their own), password change, delete /
reactivate, verifyEmail, terms, favourites, contracts, payments."""

from __future__ import annotations

import re

from tests.clients import http
from tests.contract.beenergised.accounts import (
    ADDITIONAL_FIELDS,
    CARD,
    CONTACT,
    CONTACT_FIELDS,
    CREATE_AUTH_MEDIA,
    DIRECT_STATUS,
    ERROR_BODY,
    INIT_DIRECT,
    INIT_SESSION,
    REGISTER_CONTACT,
    connector,
    db,
    login,
    new_user,
    rate_option,
    reactivation_token,
    register,
    unique_email,
)

UPDATE_CONTACT = f"""mutation updateContact($contactProfile: ContactProfile!) {{
  updateContact(contactProfile: $contactProfile) {{
    profile {{ {CONTACT_FIELDS} }}
    {ADDITIONAL_FIELDS}
    {ERROR_BODY}
  }}
}}"""
REGISTER_AND_LOGIN = f"""mutation registerContactAndLogin(
  $contactProfile: RegisteringContactProfile,
  $additionalFields: [AdditionalRegistrationFieldInput]
) {{
  registerContactAndLogin(
    contactProfile: $contactProfile,
    additionalFields: $additionalFields
  ) {{
    contact {{ profile {{ {CONTACT_FIELDS} }} {ADDITIONAL_FIELDS} {ERROR_BODY} }}
    session {{ sessionToken refreshToken {ERROR_BODY} }}
  }}
}}"""
ADDITIONAL = """query additionalRegistrationFields {
  additionalRegistrationFields {
    name
    value
    description
    required
    type
  }
}"""
VERIFY_EMAIL = """query verifyEmail($email: String) {
  verifyEmail(email: $email) {
    status
    message
  }
}"""
CHANGE_PASSWORD = """mutation changePassword(
  $currentPassword: String,
  $newPassword: String
) {
  changePassword(
    currentPassword: $currentPassword,
    newPassword: $newPassword
  ) {
    code
    status
    message
  }
}"""
DELETE_CONTACT = f"""mutation deleteContact {{
  deleteContact {{
    status
    profile {{ {CONTACT_FIELDS} }}
    {ADDITIONAL_FIELDS}
    {ERROR_BODY}
  }}
}}"""
REACTIVATE = """mutation reactivateUser($email: String) {
  reactivateUser(email: $email) {
    status
    message
  }
}"""
TERMS = """query termsAndConditions {
  termsAndConditions {
    id
    url
    version
  }
}"""
ACCEPT_TERMS = """mutation acceptTermsAndConditions($id: String!) {
  acceptTermsAndConditions(id: $id) {
    message
    status
  }
}"""
SET_FAV = """mutation setFavouriteCps($ids: [String]!) {
  setFavouriteCps(ids: $ids) {
    id
    isFavoured
  }
}"""
UNSET_FAV = """mutation unsetFavouriteCps($ids: [String]!) {
  unsetFavouriteCps(ids: $ids) {
    id
    isFavoured
  }
}"""
GET_FAV = """query getFavouriteCps {
  getFavouriteCps {
    id label address city zip country longitude latitude
    connectors { id label evseId sortOrder freeOfCharge }
    siteId accessType isFavoured publicName
  }
}"""
CONTRACT_ERROR = "error { code response { status statusText body { status message } } }"
CREATE_SEPA = f"""mutation createSepaContract($sepaContract: creatingSepaContract) {{
  createSepaContract(sepaContract: $sepaContract) {{
    status
    message
    {CONTRACT_ERROR}
  }}
}}"""
UPDATE_SEPA = f"""mutation updateSepaContract($updateSepaContract: updatingSepaContract) {{
  updateSepaContract(updateSepaContract: $updateSepaContract) {{
    status
    message
    {CONTRACT_ERROR}
  }}
}}"""
DELETE_SEPA = f"""mutation deleteSepaContract($id: String!) {{
  deleteSepaContract(id: $id) {{
    status
    message
    {CONTRACT_ERROR}
  }}
}}"""
CREATE_POSTPAID = (
    f"""mutation createPostpaidContract($postpaidContract: creatingPostpaidContract) {{
  createPostpaidContract(postpaidContract: $postpaidContract) {{
    status
    message
    {CONTRACT_ERROR}
  }}
}}"""
)
UPDATE_POSTPAID = f"""mutation updatePostpaidContract($postpaidContract: updatePostpaidContract) {{
  updatePostpaidContract(postpaidContract: $postpaidContract) {{
    status
    message
    {CONTRACT_ERROR}
  }}
}}"""
DELETE_POSTPAID = f"""mutation deletePostpaidContract($postpaidContract: deletePostpaidContract) {{
  deletePostpaidContract(postpaidContract: $postpaidContract) {{
    status
    message
    {CONTRACT_ERROR}
  }}
}}"""
BANK_ACCOUNT = """query bankAccount {
  bankAccount {
    iban
    bic
    bank
    accountHolder
  }
}"""
CONTRACT_PAYMENT_METHODS = """query contractPaymentMethods {
  contractPaymentMethods {
    uuid
    applicationId
    paymentType
    paymentName
    directPaymentMethod
    cardCreateMode
    emp
    termsOfServiceUrl
    termsOfUseUrl
    createdAt
    updatedAt
  }
}"""
PAYMENT_METHODS = """query paymentMethods {
  paymentMethods {
    hostedSession { sessionId link }
    nativeSession {
      sessionId
      registeredPaymentsMethods { code label method grouping registration recurrence
        redirect links { self operation logo lang } button selected iFrameHeight
        contractData { PAGE_ENVIRONMENT JAVASCRIPT_INTEGRATION PAGE_BUTTON_LOCALE }
        operationType deferral
        maskedAccount { displayLabel holderName number expiryMonth expiryYear } }
      applicablePaymentMethods { code label method operationType }
    }
  }
}"""
HAS_PAYMENT_MEDIUM = "query hasPaymentMedium {\n  hasPaymentMedium\n}"
REGISTER_PAYMENT = """mutation registerPaymentMethod(
  $rateId: String!,
  $customerReference: String
) {
  registerPaymentMethod(
    rateId: $rateId,
    customerReference: $customerReference
  ) {
    link
    absoluteLink
    id
  }
}"""
VALID_IBAN = "DE89 3704 0044 0532 0130 00"
VALID_BIC = "COBADEFFXXX"
SEPA_OPTION = "7d3f2a10-5b7c-4e8a-9f01-5e9a0c1b2d01"
POSTPAID_OPTION = "7d3f2a10-5b7c-4e8a-9f01-5e9a0c1b2d02"
TEST_CARD = {"holder": "Ann Tester", "number": "4111 1111 1111 1111", "expiry_month": "12",
             "expiry_year": "2035", "cvc": "123"}


# ------------------------------------------------------------------ registration


def test_register_validates_fields_in_error_body(gql):
    bad_email = gql.data(REGISTER_CONTACT, {"contactProfile": {"email": "not-an-email",
                                                               "password": "secret-pw-1"}})
    err = bad_email["registerContact"]["error"]
    assert bad_email["registerContact"]["profile"] is None
    assert err["code"] == "BAD_USER_INPUT" and err["response"]["status"] == 400
    assert "contactProfile.email" in err["response"]["body"]["message"]

    short = gql.data(REGISTER_CONTACT, {"contactProfile": {"email": unique_email(),
                                                           "password": "short1"}})
    msg = short["registerContact"]["error"]["response"]["body"]["message"]
    assert "contactProfile.password" in msg and "8 characters" in msg
    assert "short1" not in msg, "passwords are never echoed"

    unknown = gql.data(REGISTER_CONTACT, {
        "contactProfile": {"email": unique_email(), "password": "secret-pw-1"},
        "additionalFields": [{"name": "shoe_size", "value": "44", "required": "false"}]})
    assert "additionalFields[0].name" in (
        unknown["registerContact"]["error"]["response"]["body"]["message"])


def test_register_duplicate_email_conflicts(gql):
    email = unique_email("dup")
    register(gql, email)
    again = gql.data(REGISTER_CONTACT, {"contactProfile": {"email": email.upper(),
                                                           "password": "secret-pw-1"}})
    assert again["registerContact"]["error"]["code"] == "CONFLICT"
    assert again["registerContact"]["error"]["response"]["status"] == 409


def test_register_and_login_with_additional_fields(gql):
    fields = gql.data(ADDITIONAL)["additionalRegistrationFields"]
    names = {f["name"] for f in fields}
    assert "newsletter" in names
    email = unique_email("reglogin")
    out = gql.data(REGISTER_AND_LOGIN, {
        "contactProfile": {"email": email, "password": "secret-pw-1", "firstName": "Rita",
                           "name": "Login", "language": "de_DE", "gender": "female",
                           "address": {"city": "Berlin", "country": "DE"}},
        "additionalFields": [{"name": "newsletter", "value": "true", "required": "false"}],
    })["registerContactAndLogin"]
    assert out["contact"]["error"] is None
    profile = out["contact"]["profile"]
    assert profile["displayName"] == "Rita Login" and profile["language"] == "de_DE"
    assert out["contact"]["additionalFields"][0]["value"] == "true"
    me = gql.data(CONTACT, token=out["session"]["sessionToken"])["contact"]
    assert me["id"] == profile["id"] and me["address"]["country"] == "DE"


def test_verify_email(gql):
    email = unique_email("verify")
    assert gql.data(VERIFY_EMAIL, {"email": email})["verifyEmail"]["status"] == 200
    register(gql, email)
    # the same answer for a registered address: addresses cannot be probed
    assert gql.data(VERIFY_EMAIL, {"email": email})["verifyEmail"]["status"] == 200
    assert gql.data(VERIFY_EMAIL, {"email": "nope"})["verifyEmail"]["status"] == 400


# ------------------------------------------------------------------ contact, two users


def test_two_users_see_only_their_own_contact(gql):
    token_a, a = new_user(gql, "alice")
    token_b, b = new_user(gql, "bob")
    assert gql.data(CONTACT, token=token_a)["contact"]["id"] == a["id"]
    assert gql.data(CONTACT, token=token_b)["contact"]["id"] == b["id"]
    # Bob tries to update Alice's profile by naming her id: NOT_FOUND, nothing changes.
    res = gql.data(UPDATE_CONTACT, {"contactProfile": {"id": a["id"], "firstName": "Mallory"}},
                   token=token_b)["updateContact"]
    assert res["profile"] is None and res["error"]["code"] == "NOT_FOUND"
    assert gql.data(CONTACT, token=token_a)["contact"]["firstName"] == "Alice"
    assert gql.data(CONTACT, token=token_b)["contact"]["firstName"] == "Bob"


def test_update_contact(gql):
    token, me = new_user(gql, "upd")
    res = gql.data(UPDATE_CONTACT, {"contactProfile": {
        "firstName": "Uma", "phone": "+49 30 555", "vat": "DE123456789", "isCompany": True,
        "birthday": "1990-05-17T00:00:00Z",
        "address": {"street": "Hauptstr. 1", "zip": "10115", "city": "Berlin", "country": "DE"},
    }}, token=token)["updateContact"]
    assert res["error"] is None
    p = res["profile"]
    assert p["firstName"] == "Uma" and p["name"] == "Tester" and p["vat"] == "DE123456789"
    assert p["isCompany"] is True and p["address"]["street"] == "Hauptstr. 1"
    assert p["birthday"] == "1990-05-17T00:00:00Z"
    bad = gql.data(UPDATE_CONTACT, {"contactProfile": {"email": "broken"}},
                   token=token)["updateContact"]
    assert bad["error"]["code"] == "BAD_USER_INPUT"
    assert "contactProfile.email" in bad["error"]["response"]["body"]["message"]
    assert gql.data(CONTACT, token=token)["contact"]["email"] == me["email"]


def test_change_password(gql):
    email = unique_email("chpw")
    register(gql, email)
    first = login(gql, email)
    second = login(gql, email)
    wrong = gql.error(CHANGE_PASSWORD, {"currentPassword": "wrong-pw-9",
                                        "newPassword": "another-pw-2"},
                      token=first["sessionToken"])
    assert wrong["extensions"]["code"] == "BAD_USER_INPUT"
    assert wrong["extensions"]["field"] == "currentPassword"
    weak = gql.error(CHANGE_PASSWORD, {"currentPassword": "secret-pw-1", "newPassword": "abc"},
                     token=first["sessionToken"])
    assert weak["extensions"]["field"] == "newPassword"
    ok = gql.data(CHANGE_PASSWORD, {"currentPassword": "secret-pw-1",
                                    "newPassword": "another-pw-2"},
                  token=first["sessionToken"])["changePassword"]
    assert ok["code"] == 200 and ok["status"] == "success"
    # this session lives on, the other one was logged out; the new password works
    assert gql.data(CONTACT, token=first["sessionToken"])["contact"]["email"] == email
    assert gql.error(CONTACT, token=second["sessionToken"])["extensions"]["code"] == (
        "UNAUTHENTICATED")
    assert gql.error(INIT_SESSION, {"username": email, "password": "secret-pw-1"})
    assert login(gql, email, "another-pw-2")["sessionToken"]


def test_delete_and_reactivate(gql, core_db):
    conn = db(core_db)
    try:
        rate = rate_option(conn)["uuid"]
    finally:
        conn.close()
    email = unique_email("delete")
    register(gql, email)
    token = login(gql, email)["sessionToken"]
    card = gql.data(CREATE_AUTH_MEDIA, {"authenticationMedia": {
        "rateId": rate, "customerReference": "Before deletion"}},
        token=token)["createAuthenticationMedia"]
    out = gql.data(DELETE_CONTACT, token=token)["deleteContact"]
    assert out["status"] == "deleted" and out["profile"]["email"] == email
    assert gql.error(CONTACT, token=token)["extensions"]["code"] == "UNAUTHENTICATED"
    err = gql.error(INIT_SESSION, {"username": email, "password": "secret-pw-1"})
    assert err["extensions"]["reason"] == "INACTIVE"
    conn = db(core_db)
    try:
        status = conn.execute("SELECT status FROM cards WHERE uuid = ?", (card["id"],))
        assert status.fetchone()[0] == "INACTIVE", "a deleted account's cards must not charge"
    finally:
        conn.close()
    assert gql.data(REACTIVATE, {"email": email})["reactivateUser"]["status"] == 202
    mailed = reactivation_token(core_db, email)
    assert gql.data(REACTIVATE, {"email": email}, token=mailed)["reactivateUser"]["status"] == 200
    assert gql.data(REACTIVATE, {"email": email}, token=mailed)["reactivateUser"]["status"] == 403
    token = login(gql, email)["sessionToken"]
    assert gql.data(CARD, {"id": card["id"]}, token=token)["card"]["status"] == "active"


def test_terms_and_pdf(gql, core_url):
    token, _ = new_user(gql, "terms")
    terms = gql.data(TERMS, token=token)["termsAndConditions"]
    assert terms["version"] and terms["url"].endswith(f"/terms/{terms['id']}.pdf")
    pdf = http.get(terms["url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    german = gql.data(TERMS, headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert german["termsAndConditions"]["id"] != terms["id"]
    assert gql.data(CONTACT, token=token)["contact"]["termsAndConditionsAccepted"] is False
    res = gql.data(ACCEPT_TERMS, {"id": terms["id"]}, token=token)["acceptTermsAndConditions"]
    assert res["status"] == "success"
    assert gql.data(CONTACT, token=token)["contact"]["termsAndConditionsAccepted"] is True
    missing = gql.error(ACCEPT_TERMS, {"id": "no-such-terms"}, token=token)
    assert missing["extensions"]["code"] == "NOT_FOUND"


# ------------------------------------------------------------------ favourites


def test_favourites_are_per_user(gql, core_db):
    conn = db(core_db)
    try:
        uuids = [r[0] for r in conn.execute("SELECT uuid FROM stations ORDER BY id LIMIT 2")]
        if len(uuids) < 2:
            connector(conn)
            uuids = [r[0] for r in conn.execute("SELECT uuid FROM stations ORDER BY id LIMIT 2")]
    finally:
        conn.close()
    token_a, _ = new_user(gql, "fava")
    token_b, _ = new_user(gql, "favb")
    out = gql.data(SET_FAV, {"ids": uuids}, token=token_a)["setFavouriteCps"]
    assert out == [{"id": u, "isFavoured": True} for u in uuids]
    favs = gql.data(GET_FAV, token=token_a)["getFavouriteCps"]
    assert {c["id"] for c in favs} == set(uuids)
    assert all(c["isFavoured"] for c in favs)
    assert gql.data(GET_FAV, token=token_b)["getFavouriteCps"] == []
    gql.data(UNSET_FAV, {"ids": uuids[:1]}, token=token_a)
    assert [c["id"] for c in gql.data(GET_FAV, token=token_a)["getFavouriteCps"]] == uuids[1:]
    err = gql.error(SET_FAV, {"ids": [uuids[0], "no-such-station"]}, token=token_a)
    assert err["extensions"]["code"] == "NOT_FOUND" and "ids[1]" in err["message"]
    # all-or-nothing: the valid id in the failed call was not added
    assert [c["id"] for c in gql.data(GET_FAV, token=token_a)["getFavouriteCps"]] == uuids[1:]
    assert gql.error(GET_FAV)["extensions"]["code"] == "UNAUTHENTICATED"


# ------------------------------------------------------------------ contracts


def test_sepa_contract_lifecycle(gql, core_db):
    conn = db(core_db)
    try:
        rate = rate_option(conn)["uuid"]
    finally:
        conn.close()
    token, _ = new_user(gql, "sepa")
    options = gql.data(CONTRACT_PAYMENT_METHODS, token=token)["contractPaymentMethods"]
    assert {o["paymentType"] for o in options} >= {"SEPA", "POSTPAID"}
    base = {"id": SEPA_OPTION, "rateId": rate, "iban": VALID_IBAN, "bic": VALID_BIC,
            "bank": "Commerzbank", "debitType": "CORE", "accountHolder": "Sepa Tester",
            "useParent": False, "customerReference": "My SEPA card"}
    bad_iban = gql.data(CREATE_SEPA, {"sepaContract": {**base, "iban": "DE89370400440532013001"}},
                        token=token)["createSepaContract"]
    assert bad_iban["status"] == "error"
    assert bad_iban["error"]["code"] == "BAD_USER_INPUT"
    assert "sepaContract.iban" in bad_iban["error"]["response"]["body"]["message"]
    assert "mod-97" in bad_iban["error"]["response"]["body"]["message"]
    bad_bic = gql.data(CREATE_SEPA, {"sepaContract": {**base, "bic": "COBA1"}},
                       token=token)["createSepaContract"]
    assert "sepaContract.bic" in bad_bic["error"]["response"]["body"]["message"]
    assert gql.data(BANK_ACCOUNT, token=token)["bankAccount"] is None

    ok = gql.data(CREATE_SEPA, {"sepaContract": base}, token=token)["createSepaContract"]
    assert ok["status"] == "success" and ok["error"] is None
    assert gql.data(BANK_ACCOUNT, token=token)["bankAccount"] == {
        "iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "bank": "Commerzbank",
        "accountHolder": "Sepa Tester"}
    assert gql.data(HAS_PAYMENT_MEDIUM, token=token)["hasPaymentMedium"] is True
    again = gql.data(CREATE_SEPA, {"sepaContract": base}, token=token)["createSepaContract"]
    assert again["error"]["code"] == "CONFLICT"

    upd = gql.data(UPDATE_SEPA, {"updateSepaContract": {"id": SEPA_OPTION,
                                                        "iban": "GB82 WEST 1234 5698 7654 32",
                                                        "bic": "WESTGB2L"}},
                   token=token)["updateSepaContract"]
    assert upd["status"] == "success", upd
    assert gql.data(BANK_ACCOUNT, token=token)["bankAccount"]["iban"] == "GB82WEST12345698765432"

    # another user cannot touch it
    other, _ = new_user(gql, "sepa-other")
    foreign = gql.data(DELETE_SEPA, {"id": SEPA_OPTION}, token=other)["deleteSepaContract"]
    assert foreign["error"]["code"] == "NOT_FOUND"
    assert gql.data(BANK_ACCOUNT, token=other)["bankAccount"] is None

    gone = gql.data(DELETE_SEPA, {"id": SEPA_OPTION}, token=token)["deleteSepaContract"]
    assert gone["status"] == "success"
    assert gql.data(BANK_ACCOUNT, token=token)["bankAccount"] is None


def test_postpaid_contract_lifecycle(gql, core_db):
    conn = db(core_db)
    try:
        rate = rate_option(conn)["uuid"]
    finally:
        conn.close()
    token, _ = new_user(gql, "postpaid")
    wrong_option = gql.data(CREATE_POSTPAID, {"postpaidContract": {
        "id": SEPA_OPTION, "rateId": rate}}, token=token)["createPostpaidContract"]
    assert "postpaidContract.id" in wrong_option["error"]["response"]["body"]["message"]
    unknown_rate = gql.data(CREATE_POSTPAID, {"postpaidContract": {
        "id": POSTPAID_OPTION, "rateId": "nope"}}, token=token)["createPostpaidContract"]
    assert unknown_rate["error"]["code"] == "NOT_FOUND"
    ok = gql.data(CREATE_POSTPAID, {"postpaidContract": {
        "id": POSTPAID_OPTION, "rateId": rate, "customerReference": "Fleet car"}},
        token=token)["createPostpaidContract"]
    assert ok["status"] == "success", ok
    upd = gql.data(UPDATE_POSTPAID, {"postpaidContract": {
        "id": POSTPAID_OPTION, "customerReference": "Fleet car 2"}},
        token=token)["updatePostpaidContract"]
    assert upd["status"] == "success"
    cards = gql.data("query { cardsPaged { data { label status } } }", token=token)
    assert {"label": "Fleet car 2", "status": "active"} in cards["cardsPaged"]["data"]
    gone = gql.data(DELETE_POSTPAID, {"postpaidContract": {"id": POSTPAID_OPTION}},
                    token=token)["deletePostpaidContract"]
    assert gone["status"] == "success"
    cards = gql.data("query { cardsPaged { data { label status } } }", token=token)
    assert {"label": "Fleet car 2", "status": "inactive"} in cards["cardsPaged"]["data"]


# ------------------------------------------------------------------ payments


def test_register_payment_method_through_hosted_page(gql, core_db):
    conn = db(core_db)
    try:
        rate = rate_option(conn)["uuid"]
    finally:
        conn.close()
    token, _ = new_user(gql, "pay")
    assert gql.data(HAS_PAYMENT_MEDIUM, token=token)["hasPaymentMedium"] is False
    tx = gql.data(REGISTER_PAYMENT, {"rateId": rate, "customerReference": "Card via PSP"},
                  token=token)["registerPaymentMethod"]
    assert tx["absoluteLink"].endswith(tx["link"]) and tx["id"] in tx["link"]
    page = http.get(tx["absoluteLink"])
    assert page.status_code == 200 and "Card number" in page.text
    tampered = http.get(re.sub(r"sig=\w+", "sig=" + "0" * 64, tx["absoluteLink"]))
    assert tampered.status_code == 404
    bad = http.post(tx["absoluteLink"], data={**TEST_CARD, "number": "4111111111111112"})
    assert bad.status_code == 400 and "check digit" in bad.text
    done = http.post(tx["absoluteLink"], data=TEST_CARD)
    assert done.status_code == 200 and "REGISTERED" in done.text
    assert "4111111111111111" not in done.text
    assert http.post(tx["absoluteLink"], data=TEST_CARD).status_code == 409  # paid once
    assert gql.data(HAS_PAYMENT_MEDIUM, token=token)["hasPaymentMedium"] is True
    methods = gql.data(PAYMENT_METHODS, token=token)["paymentMethods"]
    registered = methods["nativeSession"]["registeredPaymentsMethods"]
    assert len(registered) == 1
    assert registered[0]["code"] == "VISA"
    assert registered[0]["maskedAccount"]["number"] == "**** 1111"
    assert registered[0]["maskedAccount"]["holderName"] == "Ann Tester"
    cards = gql.data("query { cardsPaged { data { label rate { id } } } }", token=token)
    assert {"label": "Card via PSP", "rate": {"id": rate}} in cards["cardsPaged"]["data"]
    # the hosted session page stores a second method
    hosted = methods["hostedSession"]["link"]
    assert http.get(hosted).status_code == 200
    second = http.post(hosted, data={**TEST_CARD, "number": "5555 5555 5555 4444"})
    assert second.status_code == 200 and "REGISTERED" in second.text
    again = gql.data(PAYMENT_METHODS, token=token)["paymentMethods"]
    assert len(again["nativeSession"]["registeredPaymentsMethods"]) == 2


def test_direct_payment_charging_status(gql, core_db):
    conn = db(core_db)
    try:
        rate = rate_option(conn)["uuid"]
        con = connector(conn)
    finally:
        conn.close()
    token, _ = new_user(gql, "direct")
    tx = gql.data(INIT_DIRECT, {"connectorId": str(con["id"]), "rateId": rate},
                  token=token)["initDirectPaymentCharging"]
    status = gql.data(DIRECT_STATUS, {"evseId": con["evse_id"], "transactionId": tx["id"]},
                      token=token)["directPaymentChargingStatus"]
    assert status["status"] == "OPEN" and status["chargeLogId"] is None
    other, _ = new_user(gql, "direct-other")
    err = gql.error(DIRECT_STATUS, {"evseId": con["evse_id"], "transactionId": tx["id"]},
                    token=other)
    assert err["extensions"]["code"] == "NOT_FOUND"
    declined = http.post(tx["absoluteLink"], data={**TEST_CARD, "number": "4000000000000002"})
    assert "declined" in declined.text
    after = gql.data(DIRECT_STATUS, {"evseId": con["evse_id"], "transactionId": tx["id"]},
                     token=token)["directPaymentChargingStatus"]
    assert after["status"] == "FAILED" and "declined" in after["message"]
    missing = gql.error(INIT_DIRECT, {"connectorId": "999999999", "rateId": rate}, token=token)
    assert missing["extensions"]["code"] == "NOT_FOUND"
