"""Bad input of each kind gets the document's result code in a result block, never a 5xx:
the key (210), the role (220), the body and each field's type (230), UIDs (190), EVCO IDs
(190/191), users and tokens (140/141/143/144/145), unknown ids (181/183), and refusals the
REST machinery answers before a handler runs (unknown path, method, oversized body)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.clients.plugsurfing import CPO_KEY, Oioi, user_ref
from tests.contract.plugsurfing.world import DRIVER, User, fresh_uid, register, sign_in


@pytest.fixture(scope="module")
def oioi(core_url: str) -> Iterator[Oioi]:
    client = Oioi(core_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def user(oioi: Oioi) -> User:
    return register(oioi, "errors")


def refused(answer, code: int, status: int, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert (answer.code, answer.status) == (code, status), answer
    assert answer.body["error"] == answer.message
    for word in words:
        assert word in answer.message, (word, answer.message)


def test_the_key(oioi: Oioi) -> None:
    fields = {"station-ids": [1]}
    refused(oioi("station-get-by-ids", fields, key=None), 210, 401, "key=")
    refused(oioi("station-get-by-ids", fields, key="not-a-key"), 210, 401, "invalid API key")
    refused(oioi("station-get-by-ids", fields, key="x" * 5000), 210, 401)
    bearer = oioi.raw(b'{"station-get-by-ids": {"station-ids": [1]}}',
                      {"Authorization": "Bearer oioi-demo-oem-key"})
    refused(bearer, 210, 401)
    # a key of another API is no OIOI key
    refused(oioi("station-get-by-ids", fields, key="gpjoule-demo-key"), 210, 401)
    refused(oioi("user-verify", {"username": "a", "password": "b"}, key=CPO_KEY), 220, 403,
            "role cpo")


@pytest.mark.parametrize(("body", "words"), [
    (b"", ("body",)),
    (b"{not json", ("body", "not valid JSON")),
    (b"[]", ("body", "JSON object")),
    (b'"user-verify"', ("body",)),
    (b"{}", ("body", "exactly one")),
    (b'{"user-verify": {}, "user-register": {}}', ("exactly one",)),
    (b'{"station-get-by-center-radius": {}}', ("unknown request type",)),
    (b'{"user-verify": []}', ("user-verify", "JSON object")),
    (b'{"user-verify": {"username": "a"}}', ("password", "required")),
    (b'{"user-verify": {"username": 5, "password": "x"}}', ("username", "string")),
    (b'{"user-verify": {"username": "a", "password": "b", "is-token": "yes"}}',
     ("is-token", "boolean")),
    (b'{"station-get-by-ids": {"station-ids": ["1770"]}}', ("station-ids.0",)),
    (b'{"station-get-by-ids": {"station-ids": [1,2,3,4,5,6,7,8,9,10,11]}}', ("station-ids",)),
    (b'{"station-get-by-ids": {"station-ids": []}}', ("station-ids",)),
    # larger than any id the store can hold (64-bit): refused, not a server error
    (b'{"station-get-by-ids": {"station-ids": [18446744073709551615]}}', ("station-ids.0",)),
    (b'{"station-get-usage": {"station-id": 9223372036854775808}}', ("station-id",)),
    (b'{"company-get-images": {"company-id": -9223372036854775809}}', ("company-id",)),
    (b'{"station-get-surface": {"min-lat": 52, "max-lat": 53, "min-long": 13, "max-long": 14,'
     b' "filters": {"excludes": [18446744073709551615]}}}', ("filters.excludes.0",)),
    (b'{"station-get-surface": {"min-lat": "52", "max-lat": 53, "min-long": 13,'
     b' "max-long": 14}}', ("min-lat",)),
    (b'{"station-get-surface": {"min-lat": 91, "max-lat": 53, "min-long": 13,'
     b' "max-long": 14}}', ("min-lat",)),
    (b'{"station-get-surface": {"min-lat": 53, "max-lat": 52, "min-long": 13,'
     b' "max-long": 14}}', ("min-lat", "max-lat")),
    (b'{"station-get-surface": {"min-lat": 52, "max-lat": 53, "min-long": 13,'
     b' "max-long": 14, "filters": {"connector-types": ["Type9"]}}}', ("connector-types",)),
    (b'{"user-get-details": {"user": {"identifier-type": "email", "identifier": "a"}}}',
     ("user.identifier-type",)),
    (b'{"user-get-details": {}}', ("user",)),
])
def test_the_body_and_its_fields(oioi: Oioi, body: bytes, words: tuple[str, ...]) -> None:
    refused(oioi.raw(body, {"Content-Type": "application/json"}), 230, 400, *words)


def test_never_a_server_error_on_garbage(oioi: Oioi) -> None:
    for body in (b"\xff\xfe\x00", b"null", b"1e999999", b'{"user-verify": null}',
                 b'{"user-verify": {"username": null, "password": null}}',
                 b'{"station-get-surface": {"min-lat": 1e400}}', b"[" * 10000,
                 b'{"session-start": {"user": {"identifier-type": "rfid", "identifier": ""},'
                 b' "connector-id": ""}}'):
        answer = oioi.raw(body)
        assert answer.status < 500 and answer.code != 0, (body[:40], answer)


def test_refusals_before_a_handler_are_result_blocks(oioi: Oioi) -> None:
    refused(oioi.raw(b"{}", method="GET"), 230, 405)
    too_big = b'{"user-verify": {"username": "' + b"a" * (2 << 20) + b'"}}'
    refused(oioi.raw(too_big), 230, 413)
    other = Oioi(oioi.endpoint.replace("/request", "/elsewhere"))
    try:
        refused(other("vehicle-get-all"), 230, 404)
    finally:
        other.close()


def test_users_and_tokens(oioi: Oioi, user: User) -> None:
    refused(oioi("user-verify", {"username": DRIVER[0], "password": "wrong-1",
                                 "is-token": False}), 141, 401)
    refused(oioi("user-verify", {"username": "nobody@example.com", "password": "wrong-1"}),
            141, 401)  # the same answer: it does not tell whether an address is registered
    refused(oioi("user-verify", {"username": user.email, "password": "0" * 32,
                                 "is-token": True}), 145, 401)
    refused(oioi("user-register", {"username": user.email, "email": user.email,
                                   "password": "Another-pw-1"}), 143, 400, "email")
    refused(oioi("user-register", {"username": "x", "email": "not-an-address",
                                   "password": "Another-pw-1"}), 230, 400, "email")
    refused(oioi("user-register", {"username": "x", "email": "x@example.com",
                                   "password": "short"}), 230, 400, "password")
    refused(oioi("user-get-details", {"user": user_ref(user.email)}), 140, 401, "token")
    refused(oioi("user-get-details", {"user": user_ref(user.email, "0" * 32)}), 145, 401)
    refused(oioi("user-get-details", {"user": user_ref("nobody@example.com", user.token)}),
            144, 401)
    refused(oioi("user-reset", {"identifier": "nobody@example.com"}), 144, 401)
    # The example's new password has letters only: the core's password rule refuses it.
    refused(oioi("user-change-password", {"username": user.email,
                                          "current-password": user.password,
                                          "new-password": "mynewpassword"}),
            230, 400, "new-password")
    refused(oioi("user-change-password", {"username": user.email,
                                          "current-password": "Wrong-pw-1",
                                          "new-password": "Another-pw-2"}),
            140, 401, "current-password")


def test_uids_and_evco_ids(oioi: Oioi, user: User) -> None:
    me = user.ref()
    for bad, reason in (("12345678abcdef", "upper case"), ("1234567", "8, 14 or 20"),
                        ("12345678ABCDEF0", "8, 14 or 20"), ("1234567Z", "hexadecimal")):
        refused(oioi("user-add-rfid", {"user": me, "rfid": bad}), 190, 400, "rfid", reason)
    refused(oioi("user-block-rfid", {"user": me, "rfid": "0477BD22AA4AAA"}), 191, 404)
    # another driver's key cannot be added, blocked or unblocked
    refused(oioi("user-add-rfid", {"user": me, "rfid": "04523022AA4881"}), 190, 400,
            "another account")
    refused(oioi("user-unblock-rfid", {"user": me, "rfid": "04523022AA4881"}), 191, 404)
    refused(oioi("user-charging-key-activate", {"user": me, "evco-id": "nonsense"}), 190, 400)
    refused(oioi("user-charging-key-activate", {"user": me, "evco-id": user.evco}), 190, 400)
    refused(oioi("user-get-details", {"user": user_ref("DE*VOL*", kind="evco-id")}), 190, 400)
    refused(oioi("user-get-details", {"user": user_ref("DE*8PS*123456*7", kind="evco-id")}),
            191, 404)
    refused(oioi("user-get-details", {"user": user_ref("0477BD22AA4AAA", kind="rfid")}),
            191, 404)
    refused(oioi("user-get-details", {"user": user_ref("0477bd22aa4aaa", kind="rfid")}),
            190, 400)


def test_unknown_ids(oioi: Oioi, user: User) -> None:
    refused(oioi("station-get-usage", {"station-id": 999_999_999}), 181, 404)
    refused(oioi("company-get-images", {"company-id": 999_999}), 183, 404)
    empty = oioi.ok("station-get-by-ids", {"station-ids": [999_999_998, 999_999_999]})
    assert empty["stations"] == [] and empty["companies"] == []
    refused(oioi("session-start", {"user": user.ref(), "connector-id": "DE*XXX*E0*1"}), 181, 404)
    refused(oioi("user-get-bills", {"user": user.ref(), "date-interval": {
        "start": "2015-03-04", "end": "2015-03-06T00:00:00+01:00"}}), 230, 400,
        "date-interval.start")
    refused(oioi("user-get-bills", {"user": user.ref(), "date-interval": {
        "start": "2015-03-04T00:00:00+01:00", "end": "9999-12-31T23:59:59-14:00"}}), 230, 400,
        "date-interval.end")


def test_a_bad_vat_number_is_a_reason_not_a_failure(oioi: Oioi) -> None:
    user = register(oioi, "vat")
    ok = oioi.ok("user-post-details", {"user": user.ref(), "details": {"vat": "DE123456789"}})
    assert "user-post-details" not in ok
    assert oioi.ok("user-get-details", {"user": user.ref()})["user"]["vat"] == "DE123456789"
    refused(oioi("user-post-details", {"user": user.ref(), "details": {
        "address": {"street": "Torgauer Str.", "city": "Berlin"}}}), 230, 400,
        "details.address.country")


def test_sign_in_makes_no_server_side_session_for_other_apis(oioi: Oioi) -> None:
    # A token of this API is no be.ENERGISED session token (and the other way round).
    user = sign_in(oioi, DRIVER)
    answer = oioi.client.post(oioi.endpoint.replace("/api/v4/request", "/graphql/"),
                              json={"query": "{ me { id } }"},
                              headers={"Authorization": f"Bearer {user.token}"})
    assert "errors" in answer.json()
    assert fresh_uid() != fresh_uid()


def test_card_data_that_is_not_encrypted_is_no_credit_card(oioi: Oioi, user: User) -> None:
    refused(oioi("user-add-creditcard", {"user": user.ref(), "encrypted-data": "4111 1111"}),
            871, 400, "encrypted-data")
    refused(oioi("user-add-payment", {"user": user.ref(), "payment-type": "cash"}), 230, 400,
            "payment-type")
