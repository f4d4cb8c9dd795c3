"""The driver, kiosk and fleet reads (users, id tags, sessions, authorizations, billing,
reservations, notifications) driven with the inputs their document declares, valid and
invalid (``cases``): every answer a status the operation lists, a body its schema accepts,
never a 5xx; without a token 401; unknown and malformed ids 404.

Users with ``include[]=invoiceDetails`` are left to ``test_users_id_tags``: the document's
invoice-details ``oneOf`` accepts no answer (README), so they are checked there against its
built-in form."""

from __future__ import annotations

import pytest

from tests.contract.ampeco.cases import cases
from tests.contract.ampeco.client import Ampeco

R = "/public-api/resources"
LISTINGS = (f"{R}/users/v1.1", f"{R}/id-tags/v2.0", f"{R}/sessions/v1.0",
            f"{R}/authorizations/v2.1", f"{R}/receipts/v2.0", f"{R}/invoices/v1.0",
            f"{R}/transactions/v1.0", f"{R}/cdrs/v2.0", f"{R}/reservations/v1.0",
            "/public-api/notifications/v2.0", f"{R}/users/v1.0/{{user}}/payment-methods")
READS = (f"{R}/users/v1.1/{{user}}", f"{R}/id-tags/v2.0/{{idTag}}",
         f"{R}/sessions/v1.0/{{session}}", f"{R}/sessions/v1.0/{{session}}/consumption-stats",
         f"{R}/authorizations/v2.1/{{authorization}}", f"{R}/receipts/v2.0/{{receipt}}",
         f"{R}/invoices/v1.0/{{invoice}}", f"{R}/transactions/v1.0/{{transaction}}",
         f"{R}/cdrs/v2.0/{{cdr}}", "/public-api/notifications/v2.0/{notification}")


@pytest.fixture(scope="module")
def ids(amp: Ampeco) -> dict[str, int]:
    receipt = amp.ok(f"{R}/receipts/v2.0", params={"per_page": 1, "cursor": ""})["data"][0]
    tag = amp.ok(f"{R}/id-tags/v2.0", params={"per_page": 1, "cursor": ""})["data"][0]
    invoice = amp.ok(f"{R}/invoices/v1.0", params={"per_page": 1, "cursor": ""})["data"][0]
    hook = amp.call("POST", "/public-api/notifications/v2.0", json={
        "via": "webhook", "notifications": ["evse.changed"],
        "webhook": {"callbackUrl": "http://127.0.0.1:9/generated"}}).json()["data"]
    return {"user": receipt["userId"], "idTag": tag["id"], "session": receipt["id"],
            "authorization": receipt["id"], "receipt": receipt["id"],
            "invoice": invoice["id"], "transaction": receipt["id"], "cdr": receipt["id"],
            "notification": hook["id"]}


def _path(template: str, ids: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in ids.items() if "{" + k + "}" in template}


@pytest.mark.parametrize("template", [*LISTINGS, *READS])
def test_every_declared_input_is_answered_as_documented(amp: Ampeco, ids: dict[str, int],
                                                        template: str) -> None:
    statuses: dict[int, int] = {}
    for case in cases("GET", template):
        if ("include[]", "invoiceDetails") in case.params:
            continue
        try:
            response = amp.get(template, params=case.params, **_path(template, ids))
        except AssertionError as exc:
            raise AssertionError(f"{case.label}: {exc}") from None
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert statuses.get(200), f"no valid input of {template} succeeded: {statuses}"


@pytest.mark.parametrize("template", [*LISTINGS, *READS])
def test_without_a_valid_token_the_answer_is_401(amp: Ampeco, ids: dict[str, int],
                                                 template: str) -> None:
    for token in (None, "not-a-token"):
        response = amp.get(template, token=token, **_path(template, ids))
        assert response.status_code == 401 and response.json() == {"message": "Unauthenticated."}


@pytest.mark.parametrize("template", READS)
def test_unknown_and_malformed_ids_are_404(amp: Ampeco, ids: dict[str, int],
                                           template: str) -> None:
    path = _path(template, ids)
    for name in path:
        for bad in ("999999999", "abc", "-1", "1.5"):
            response = amp.get(template, **{**path, name: bad})
            assert response.status_code == 404, (name, bad, response.text)
