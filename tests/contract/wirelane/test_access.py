"""Scopes and organisations: every operation needs an ``account_admin`` token of the
organisation in its path."""

from __future__ import annotations

import pytest

from tests.clients.wirelane import Wirelane
from tests.contract.wirelane.conftest import Organisation

OPERATIONS = [
    ("GET", "/points"), ("POST", "/points"), ("GET", "/points/id/1"),
    ("PUT", "/points/id/1"), ("GET", "/members"), ("GET", "/members/x"),
    ("GET", "/members/x/payments"), ("GET", "/members/x/subscriptions"),
    ("GET", "/sessions"), ("GET", "/sessions/x"),
    ("GET", "/webhooks"), ("POST", "/webhooks"), ("GET", "/webhooks/x"),
    ("DELETE", "/webhooks/x"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_without_a_token_every_operation_is_401(wl: Wirelane, method: str, path: str) -> None:
    r = wl.request(method, path, None, json={})
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.json()["status"] == 401


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_a_client_credentials_token_reads_no_organisation_data(
        wl: Wirelane, method: str, path: str) -> None:
    r = wl.request(method, path, wl.client_token(), json={})
    assert r.status_code == 403, r.text
    assert r.json()["error"] == "insufficient_scope"
    assert 'scope="account_admin"' in r.headers["www-authenticate"]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_an_admin_of_one_organisation_cannot_reach_another(
        wl: Wirelane, admin: str, other_org: Organisation, method: str, path: str) -> None:
    theirs = wl.password_token(*other_org.admin, client=other_org.client)
    for token, organisation in ((admin, other_org.organisation), (theirs, "DEMOTENANT"),
                                (admin, "NOSUCHORG")):
        r = wl.request(method, path, token, organisation=organisation, json={})
        assert r.status_code == 403, (organisation, r.text)
        assert r.json()["parameter"] == "organizationId"


def test_a_malformed_organisation_id_is_refused(wl: Wirelane, admin: str) -> None:
    r = wl.get("/points", admin, organisation="DEMO.TENANT")
    assert r.status_code == 400 and r.json()["parameter"] == "organizationId"
