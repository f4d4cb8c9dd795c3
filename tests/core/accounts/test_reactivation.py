"""reactivateUser needs the token mailed to the account's address; without it nobody can
undo someone else's deletion (and re-activate their charge cards)."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

from services.core.domain import accounts, reactivation
from services.core.domain.errors import BadInput
from services.core.domain.passwords import hash_password
from services.core.store.db import utcnow
from tests.contract.beenergised.accounts import (
    CARD,
    CREATE_AUTH_MEDIA,
    INIT_SESSION,
    db,
    login,
    new_user,
    rate_option,
    reactivation_token,
)
from tests.core.accounts.signin_support import fresh_source, gql_from

REACTIVATE = """mutation reactivateUser($email: String) {
  reactivateUser(email: $email) {
    status
    message
  }
}"""
DELETE = "mutation deleteContact { deleteContact { status } }"


def _deleted_user_with_card(gql, core_db, prefix: str) -> tuple[str, str]:
    conn = db(core_db)
    try:
        rate = rate_option(conn)["uuid"]
    finally:
        conn.close()
    token, contact = new_user(gql, prefix)
    card = gql.data(CREATE_AUTH_MEDIA, {"authenticationMedia": {
        "rateId": rate, "customerReference": "Mine"}}, token=token)["createAuthenticationMedia"]
    gql.data(DELETE, token=token)
    return contact["email"], card["id"]


@pytest.fixture
def asker(core_url):
    """A client of its own address: mails asked for here spend no other test's budget."""
    client = gql_from(core_url, fresh_source())
    yield client
    client.close()


def test_reactivation_needs_the_mailed_token(gql, core_db, asker):
    email, card_id = _deleted_user_with_card(gql, core_db, "victim")
    other, _ = _deleted_user_with_card(gql, core_db, "bystander")
    # asking sends a mail; the answer does not say whether the address has an account
    asked = asker.data(REACTIVATE, {"email": email})["reactivateUser"]
    unknown = asker.data(REACTIVATE, {"email": f"nobody-{email}"})["reactivateUser"]
    assert asked == unknown and asked["status"] == 202
    # still deactivated: asking alone proves nothing
    err = gql.error(INIT_SESSION, {"username": email, "password": "secret-pw-1"})
    assert err["extensions"]["reason"] == "INACTIVE"
    # a made-up token, or another account's real one, is refused
    assert gql.data(REACTIVATE, {"email": email}, token="x" * 43)["reactivateUser"][
        "status"] == 403
    asker.data(REACTIVATE, {"email": other})
    assert gql.data(REACTIVATE, {"email": email}, token=reactivation_token(core_db, other))[
        "reactivateUser"]["status"] == 403
    # the owner's mailed token works once, and brings the cards back
    token = reactivation_token(core_db, email)
    done = gql.data(REACTIVATE, {"email": email}, token=token)["reactivateUser"]
    assert done["status"] == 200
    assert gql.data(REACTIVATE, {"email": email}, token=token)["reactivateUser"][
        "status"] == 403
    session = login(gql, email)["sessionToken"]
    assert gql.data(CARD, {"id": card_id}, token=session)["card"]["status"] == "active"


def test_the_mail_is_private_to_the_user(gql, core_db, asker):
    email, _ = _deleted_user_with_card(gql, core_db, "private")
    asker.data(REACTIVATE, {"email": email})
    mails = sorted((core_db.parent / "outbox").glob("*.eml"))
    mode = stat.S_IMODE(os.stat(mails[-1]).st_mode)
    assert mode == 0o600, oct(mode)


def test_reactivation_mails_are_limited_per_address(gql, core_url):
    client = gql_from(core_url, fresh_source())
    try:
        for i in range(10):
            client.data(REACTIVATE, {"email": f"spam-{i}@example.com"})
        err = client.error(REACTIVATE, {"email": "spam-10@example.com"})
        assert err["extensions"]["code"] == "TOO_MANY_REQUESTS"
        assert err["extensions"]["retryAfter"] > 0
    finally:
        client.close()


def test_a_malformed_address_names_the_field(asker):
    err = asker.error(REACTIVATE, {"email": "not-an-address"})
    assert err["extensions"]["code"] == "BAD_USER_INPUT"
    assert err["extensions"]["field"] == "email"


@pytest.fixture
def deleted(conn):
    conn.execute("INSERT INTO users(uuid, email, password_hash, active, created_at)"
                 " VALUES ('u-r', 'gone@example.com', ?, 0, ?)", (hash_password("pw-x-1234"),
                                                                  utcnow()))
    return conn


def _token(mail: reactivation.ReactivationMail) -> str:
    return next(line for line in mail.body.splitlines() if len(line) >= 40 and " " not in line)


def test_tokens_expire_and_only_the_newest_counts(deleted):
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    old = _token(reactivation.issue_token(deleted, "gone@example.com", now=t0))
    new = _token(reactivation.issue_token(deleted, "gone@example.com", now=t0))
    assert reactivation.redeem_token(deleted, "gone@example.com", old, now=t0) is None
    late = t0 + reactivation.TOKEN_TTL + timedelta(seconds=1)
    assert reactivation.redeem_token(deleted, "gone@example.com", new, now=late) is None
    assert reactivation.redeem_token(deleted, "gone@example.com", new, now=t0) is not None
    stored = [r[0] for r in deleted.execute("SELECT token_hash FROM account_tokens")]
    assert new not in stored  # only its hash is kept


def test_no_mail_for_an_active_or_unknown_account(deleted):
    deleted.execute("UPDATE users SET active = 1")
    assert reactivation.issue_token(deleted, "gone@example.com") is None
    assert reactivation.issue_token(deleted, "other@example.com") is None
    with pytest.raises(BadInput):
        accounts.reactivate(deleted, "broken", "token")
