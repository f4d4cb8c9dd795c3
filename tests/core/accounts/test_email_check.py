"""verifyEmail answers the same for registered and free addresses (no account listing),
and each client address gets a limited number of checks."""

from __future__ import annotations

from services.core.domain import accounts
from services.core.domain.passwords import hash_password
from services.core.store.db import utcnow
from tests.contract.beenergised.accounts import register, unique_email
from tests.core.accounts.signin_support import fresh_source, gql_from

VERIFY = """query verifyEmail($email: String) {
  verifyEmail(email: $email) {
    status
    message
  }
}"""


def test_registered_and_free_addresses_get_the_same_answer(gql, core_url):
    client = gql_from(core_url, fresh_source())
    try:
        taken = unique_email("taken")
        register(gql, taken)
        free = unique_email("free")
        a = client.data(VERIFY, {"email": taken})["verifyEmail"]
        b = client.data(VERIFY, {"email": free})["verifyEmail"]
        assert a == b and a["status"] == 200
        bad = client.data(VERIFY, {"email": "no-at-sign"})["verifyEmail"]
        assert bad["status"] == 400 and "email" in bad["message"]
    finally:
        client.close()


def test_checks_are_limited_per_client_address(core_url):
    client = gql_from(core_url, fresh_source())
    elsewhere = gql_from(core_url, fresh_source())
    try:
        for i in range(20):
            assert client.data(VERIFY, {"email": f"walk-{i}@example.com"})["verifyEmail"][
                "status"] == 200
        err = client.error(VERIFY, {"email": "walk-20@example.com"})
        assert err["extensions"]["code"] == "TOO_MANY_REQUESTS"
        assert 0 < err["extensions"]["retryAfter"] <= 600
        assert elsewhere.data(VERIFY, {"email": "walk-20@example.com"})["verifyEmail"][
            "status"] == 200
    finally:
        client.close()
        elsewhere.close()


def test_the_answer_does_not_depend_on_the_store(conn):
    before = accounts.verify_email(conn, "someone@example.com")
    conn.execute("INSERT INTO users(uuid, email, password_hash, created_at)"
                 " VALUES ('u-e', 'someone@example.com', ?, ?)", (hash_password("pw-1-abcd"),
                                                                  utcnow()))
    assert accounts.verify_email(conn, "someone@example.com") == before
