"""Sign-in throttling keyed by account and client address, over real HTTP from several
loopback addresses: a stranger's wrong passwords slow down only the stranger."""

from __future__ import annotations

import time

from tests.contract.beenergised.accounts import INIT_SESSION, login, register, unique_email
from tests.core.accounts.signin_support import fresh_source, gql_from

WRONG = "wrong-password1"
RIGHT = "secret-pw-1"


def _attempt(client, email: str, password: str) -> dict:
    return client(INIT_SESSION, {"username": email, "password": password})


def test_a_strangers_failures_do_not_lock_the_owner_out(gql, core_url):
    email = unique_email("target")
    register(gql, email)
    stranger = gql_from(core_url, fresh_source())
    owner = gql_from(core_url, fresh_source())
    try:
        for _ in range(5):
            err = _attempt(stranger, email, WRONG)["errors"][0]
            assert err["extensions"]["reason"] == "INVALID_CREDENTIALS"
        # the stranger's address now waits, even with the right password...
        locked = _attempt(stranger, email, RIGHT)["errors"][0]
        assert locked["extensions"]["reason"] == "LOCKED"
        assert 0 < locked["extensions"]["retryAfter"] <= 5
        # ...while the owner, elsewhere, signs in at once, and keeps doing so while the
        # stranger keeps trying
        assert owner.data(INIT_SESSION, {"username": email, "password": RIGHT})["initSession"][
            "sessionToken"]
        for _ in range(3):
            _attempt(stranger, email, WRONG)
            assert login(owner, email)["sessionToken"]
    finally:
        stranger.close()
        owner.close()


def test_the_right_password_works_from_the_same_address_after_a_short_wait(gql, core_url):
    email = unique_email("patient")
    register(gql, email)
    client = gql_from(core_url, fresh_source())
    try:
        for _ in range(5):
            _attempt(client, email, WRONG)
        wait = _attempt(client, email, RIGHT)["errors"][0]["extensions"]["retryAfter"]
        assert wait <= 5
        deadline = time.monotonic() + wait + 30
        while True:
            body = _attempt(client, email, RIGHT)
            if not body.get("errors"):
                break
            assert body["errors"][0]["extensions"]["reason"] == "LOCKED"
            assert time.monotonic() < deadline, "still locked long after retryAfter"
            time.sleep(0.5)
        assert body["data"]["initSession"]["sessionToken"]
        # the counter was cleared: one more wrong password does not lock again
        assert _attempt(client, email, WRONG)["errors"][0]["extensions"]["reason"] == (
            "INVALID_CREDENTIALS")
    finally:
        client.close()


def test_guesses_at_unknown_addresses_lock_nobody(gql, core_url):
    email = unique_email("bystander")
    register(gql, email)
    noisy = gql_from(core_url, fresh_source())
    try:
        for i in range(8):
            err = _attempt(noisy, f"nobody-{i}-{email}", WRONG)["errors"][0]
            assert err["extensions"]["reason"] == "INVALID_CREDENTIALS"
        # the same address can still sign in to a real account
        assert login(noisy, email)["sessionToken"]
    finally:
        noisy.close()


def test_deprecated_login_reports_the_wait_in_its_error_body(gql, core_url):
    login_op = """mutation login($username: String!, $password: String!) {
      login(username: $username, password: $password) {
        sessionToken error { code response { status body { status message } } } } }"""
    email = unique_email("legacywait")
    register(gql, email)
    client = gql_from(core_url, fresh_source())
    try:
        for _ in range(5):
            client.data(login_op, {"username": email, "password": WRONG})
        out = client.data(login_op, {"username": email, "password": RIGHT})["login"]
        assert out["sessionToken"] is None
        assert out["error"]["response"]["status"] == 423
        assert out["error"]["response"]["body"]["status"] == "LOCKED"
    finally:
        client.close()


def test_an_address_spraying_guesses_is_stopped_before_any_password_check(gql, core_url):
    email = unique_email("sprayed")
    register(gql, email)
    sprayer = gql_from(core_url, fresh_source())
    try:
        codes = []
        for i in range(101):
            err = _attempt(sprayer, f"guess-{i}-{email}", WRONG)["errors"][0]
            codes.append(err["extensions"].get("reason") or err["extensions"]["code"])
        assert codes[:100] == ["INVALID_CREDENTIALS"] * 100
        assert codes[100] == "TOO_MANY_REQUESTS"
        # the budget covers the address, not an account: the account is reachable elsewhere
        refused = _attempt(sprayer, email, RIGHT)["errors"][0]["extensions"]
        assert refused["code"] == "TOO_MANY_REQUESTS" and refused["retryAfter"] > 0
        assert login(gql, email)["sessionToken"]
    finally:
        sprayer.close()
