"""A rotated refresh token presented again is treated as stolen: every session descending
from the same login dies, the newest ones included; other logins of the user live on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.core.domain import auth
from services.core.domain.passwords import hash_password
from services.core.store.db import utcnow
from tests.contract.beenergised.accounts import CONTACT, login, new_user

RENEW = "mutation renewSession { renewSession { refreshToken sessionToken } }"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_replayed_refresh_token_revokes_the_family_over_http(gql):
    _, contact = new_user(gql, "family")
    email = contact["email"]
    first = login(gql, email)
    other_login = login(gql, email)
    second = gql.data(RENEW, token=first["refreshToken"])["renewSession"]
    third = gql.data(RENEW, token=second["refreshToken"])["renewSession"]
    assert gql.data(CONTACT, token=third["sessionToken"])["contact"]["email"] == email
    # the thief (or a stale client) replays the first refresh token
    err = gql.error(RENEW, token=first["refreshToken"])
    assert err["extensions"]["code"] == "UNAUTHENTICATED"
    assert err["extensions"]["reason"] == "INVALID_TOKEN"
    # the newest pair of that login is dead too
    assert gql.error(CONTACT, token=third["sessionToken"])["extensions"]["code"] == (
        "UNAUTHENTICATED")
    assert gql.error(RENEW, token=third["refreshToken"])["extensions"]["reason"] == (
        "INVALID_TOKEN")
    # a separate login is another family and keeps working
    assert gql.data(CONTACT, token=other_login["sessionToken"])["contact"]["email"] == email
    assert gql.data(RENEW, token=other_login["refreshToken"])["renewSession"]["sessionToken"]


@pytest.fixture
def user(conn):
    conn.execute("INSERT INTO users(uuid, email, password_hash, created_at)"
                 " VALUES ('u-f', 'fam@example.com', ?, ?)", (hash_password("pw-secret-1"),
                                                              utcnow()))
    return conn


def test_family_is_shared_by_renewals_and_not_by_logins(user):
    a = auth.init_session(user, "fam@example.com", "pw-secret-1", now=T0)
    b = auth.renew_session(user, a.refresh_token, now=T0 + timedelta(minutes=5))
    c = auth.init_session(user, "fam@example.com", "pw-secret-1", now=T0)
    families = dict(user.execute("SELECT id, family_id FROM auth_sessions").fetchall())
    assert families[a.session_id] == families[b.session_id] == a.session_id
    assert families[c.session_id] == c.session_id


def test_replaying_a_logged_out_refresh_token_is_refused_and_kills_nothing_else(user):
    a = auth.init_session(user, "fam@example.com", "pw-secret-1", now=T0)
    c = auth.init_session(user, "fam@example.com", "pw-secret-1", now=T0)
    assert auth.invalidate_token(user, a.session_token)
    with pytest.raises(auth.AuthError) as e:
        auth.renew_session(user, a.refresh_token, now=T0)
    assert e.value.reason == "INVALID_TOKEN"
    assert isinstance(auth.resolve_token(user, c.session_token, now=T0), auth.AuthContext)
