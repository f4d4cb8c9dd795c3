"""``POST /wirelane/token`` as the document shows it (form-encoded password and client
credentials grants) and RFC 6749's refusals."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest

from services.core.services import partner_tokens, partners
from services.core.store.db import connect
from tests.clients.wirelane import DEMO_ADMIN, DEMO_CLIENT, Wirelane
from tests.contract.wirelane import document
from tests.contract.wirelane.conftest import new_organisation


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_documented_password_request_gets_a_signed_admin_token(wl: Wirelane) -> None:
    # the document's own request body, with the demo credentials filled in
    example = next(ln for ln in document.text().splitlines()
                   if ln.startswith("grant_type=password&"))
    body = (example.replace("client_id=...", f"client_id={DEMO_CLIENT[0]}")
            .replace("client_secret=...", f"client_secret={DEMO_CLIENT[1]}")
            .replace("username=...", "username=fleet%40example.com")
            .replace("password=...", f"password={DEMO_ADMIN[1]}"))
    r = wl.token_response(body, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    answer = r.json()
    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == 3600
    assert answer["scope"] == "account_admin"
    c = claims(answer["access_token"])
    assert c["exp"] - c["iat"] == 3600 and c["exp"] > time.time()
    assert c["organization_id"] == "DEMOTENANT"
    assert c["scope"] == "account_admin"
    assert c["client_id"] == DEMO_CLIENT[0]
    admins = [m for m in wl.ok("/members", answer["access_token"], {"search": "fleet@"})]
    assert c["sub"] == admins[0]["id"]


def test_the_documented_client_credentials_request_gets_an_account_token(wl: Wirelane) -> None:
    example = next(ln for ln in document.text().splitlines()
                   if ln.startswith("grant_type=client_credentials&"))
    body = (example.replace("client_id=...", f"client_id={DEMO_CLIENT[0]}")
            .replace("client_secret=...", f"client_secret={DEMO_CLIENT[1]}"))
    r = wl.token_response(body)
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == "account"
    c = claims(r.json()["access_token"])
    assert (c["scope"], c["sub"], c["organization_id"]) == ("account", DEMO_CLIENT[0],
                                                             "DEMOTENANT")


def test_a_client_may_authenticate_with_http_basic(wl: Wirelane) -> None:
    r = wl.token_response({"grant_type": "client_credentials"}, auth=DEMO_CLIENT)
    assert r.status_code == 200, r.text
    assert claims(r.json()["access_token"])["scope"] == "account"


def _refused(r: Any, status: int, error: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == error, body
    assert body["error_description"]
    assert r.headers["cache-control"] == "no-store"
    return body["error_description"]


GRANT = {"grant_type": "password", "client_id": DEMO_CLIENT[0],
         "client_secret": DEMO_CLIENT[1], "username": DEMO_ADMIN[0], "password": DEMO_ADMIN[1]}


@pytest.mark.parametrize(("change", "status", "error", "names"), [
    ({"client_secret": "wrong"}, 401, "invalid_client", "client_secret"),
    ({"client_id": "nobody"}, 401, "invalid_client", "client"),
    ({"client_id": None}, 401, "invalid_client", "client_id"),
    ({"client_secret": None}, 401, "invalid_client", "client_secret"),
    ({"username": "nobody@example.com"}, 400, "invalid_grant", "password"),
    ({"username": "driver@example.com", "password": "driver-demo"}, 400, "invalid_grant",
     "administer"),
    ({"username": None}, 400, "invalid_request", "username"),
    ({"password": None}, 400, "invalid_request", "password"),
    ({"grant_type": None}, 400, "invalid_request", "grant_type"),
    ({"grant_type": "authorization_code"}, 400, "unsupported_grant_type", "grant_type"),
    ({"scope": "account"}, 400, "invalid_scope", "scope"),
    ({"grant_type": "client_credentials", "scope": "account_admin"}, 400, "invalid_scope",
     "scope"),
])
def test_token_refusals_follow_rfc_6749(wl: Wirelane, change: dict, status: int, error: str,
                                        names: str) -> None:
    form = {k: v for k, v in {**GRANT, **change}.items() if v is not None}
    assert names in _refused(wl.token_response(form), status, error)


def test_a_wrong_client_secret_is_challenged(wl: Wirelane) -> None:
    r = wl.token_response({**GRANT, "client_secret": "wrong"})
    assert r.headers["www-authenticate"].startswith("Basic")


def test_a_wrong_password_is_an_invalid_grant(wl: Wirelane) -> None:
    r = wl.token_response({**GRANT, "username": "alex@example.com", "password": "not-it"})
    _refused(r, 400, "invalid_grant")


def test_the_body_must_be_form_encoded_and_parameters_given_once(wl: Wirelane) -> None:
    r = wl.http.post(wl.base + "/token", json=GRANT)
    assert "form-encoded" in _refused(r, 400, "invalid_request")
    r = wl.token_response("grant_type=password&grant_type=client_credentials&client_id=x")
    assert "more than once" in _refused(r, 400, "invalid_request")
    r = wl.token_response({"grant_type": "client_credentials", "client_id": DEMO_CLIENT[0],
                           "client_secret": DEMO_CLIENT[1]}, auth=DEMO_CLIENT)
    assert "not both" in _refused(r, 400, "invalid_request")


def test_only_post_is_served(wl: Wirelane) -> None:
    r = wl.http.get(wl.base + "/token")
    assert r.status_code == 405
    assert r.json()["status"] == 405


def test_tokens_are_signed_with_the_databases_key(wl: Wirelane, admin: str) -> None:
    head, body, signature = admin.split(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged["organization_id"] = "ANOTHER"
    fake_body = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    for token in (f"{head}.{fake_body}.{signature}", admin[:-4] + "AAAA", "not-a-jwt"):
        r = wl.get("/points", token)
        assert r.status_code == 401, r.text
        assert 'error="invalid_token"' in r.headers["www-authenticate"]


def test_an_expired_token_is_refused(wl: Wirelane, admin: str, core_db: Path) -> None:
    conn = connect(core_db)
    try:
        expired = partner_tokens.issue_jwt(conn, claims(admin), 60, now=int(time.time()) - 3600)
    finally:
        conn.close()
    assert wl.get("/points", expired).status_code == 401
    assert wl.get("/points", admin).status_code == 200


def test_a_revoked_client_can_neither_get_tokens_nor_use_its_tokens(
        wl: Wirelane, core_db: Path) -> None:
    org = new_organisation(core_db, "alex@example.com", "alex-demo")
    token = wl.password_token(*org.admin, client=org.client)
    assert wl.get("/members", token, organisation=org.organisation).status_code == 200
    conn = connect(core_db)
    try:
        partners.revoke_credential(conn, org.public_id)
    finally:
        conn.close()
    assert wl.get("/members", token, organisation=org.organisation).status_code == 401
    r = wl.token_response({**GRANT, "client_id": org.client[0], "client_secret": org.client[1],
                           "username": org.admin[0], "password": org.admin[1]})
    _refused(r, 401, "invalid_client")


def test_an_admin_who_loses_the_role_loses_the_token(wl: Wirelane, core_db: Path) -> None:
    org = new_organisation(core_db, "sam@example.com", "sam-demo")
    token = wl.password_token(*org.admin, client=org.client)
    assert wl.get("/members", token, organisation=org.organisation).status_code == 200
    conn = connect(core_db)
    try:
        principal = partners.client_principal(conn, org.client[0])
        assert principal is not None
        uid = conn.execute("SELECT id FROM users WHERE email = ?", (org.admin[0],)).fetchone()[0]
        partners.add_member(conn, principal, uid, admin=False)
    finally:
        conn.close()
    assert wl.get("/members", token, organisation=org.organisation).status_code == 401
