"""Sessions over real HTTP: initSession, renewSession, invalidateSession, anonymous
sessions, deprecated login variants, expiry (by editing expires_at in the db) and
throttling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.core.domain.auth import hash_token
from services.core.store.db import to_iso
from tests.contract.beenergised.accounts import (
    CONTACT,
    ERROR_BODY,
    INIT_SESSION,
    db,
    login,
    new_user,
    register,
    unique_email,
)

RENEW = """mutation renewSession {
  renewSession {
    refreshToken
    sessionToken
  }
}"""
INVALIDATE = """mutation invalidateSession {
  invalidateSession {
    isInvalidated
    status
  }
}"""
ANONYMOUS = """mutation initAnonymousSession {
  initAnonymousSession {
    refreshToken
    sessionToken
  }
}"""
LOGIN = f"""mutation login(
  $username: String!,
  $password: String!
) {{
  login(
    username: $username,
    password: $password
  ) {{
    sessionToken
    refreshToken
    {ERROR_BODY}
  }}
}}"""
REFRESH = f"""mutation refreshSession {{
  refreshSession {{
    sessionToken
    refreshToken
    {ERROR_BODY}
  }}
}}"""
ANONYMOUS_LOGIN = f"""mutation anonymousLogin {{
  anonymousLogin {{
    sessionToken
    refreshToken
    {ERROR_BODY}
  }}
}}"""
FILTERS = "query filters { filters { slug label type options { slug label icon default } } }"


def test_login_and_use_token(gql):
    token, contact = new_user(gql, "auth")
    me = gql.data(CONTACT, token=token)["contact"]
    assert me["id"] == contact["id"] and me["email"] == contact["email"]


def test_wrong_password_is_unauthenticated(gql):
    email = unique_email("wrongpw")
    register(gql, email)
    err = gql.error(INIT_SESSION, {"username": email, "password": "not-the-password1"})
    assert err["extensions"]["code"] == "UNAUTHENTICATED"
    assert err["extensions"]["reason"] == "INVALID_CREDENTIALS"
    # unknown users get the very same answer
    err2 = gql.error(INIT_SESSION, {"username": unique_email("ghost"), "password": "x1234567"})
    assert err2["message"] == err["message"]


def test_no_token_and_garbage_token(gql):
    assert gql.error(CONTACT)["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql.error(CONTACT, token="garbage")["extensions"]["code"] == "UNAUTHENTICATED"


def test_renew_rotates_tokens(gql):
    email = unique_email("renew")
    register(gql, email)
    pair = login(gql, email)
    # a session token is not a refresh token
    assert gql.error(RENEW, token=pair["sessionToken"])["extensions"]["code"] == (
        "UNAUTHENTICATED")
    new = gql.data(RENEW, token=pair["refreshToken"])["renewSession"]
    assert new["sessionToken"] != pair["sessionToken"]
    assert new["refreshToken"] != pair["refreshToken"]
    assert gql.data(CONTACT, token=new["sessionToken"])["contact"]["email"] == email
    # old pair is dead: both the session token and the (used) refresh token
    assert gql.error(CONTACT, token=pair["sessionToken"])["extensions"]["code"] == (
        "UNAUTHENTICATED")
    err = gql.error(RENEW, token=pair["refreshToken"])
    assert err["extensions"]["code"] == "UNAUTHENTICATED"


def test_invalidate_session(gql):
    email = unique_email("logout")
    register(gql, email)
    pair = login(gql, email)
    out = gql.data(INVALIDATE, token=pair["sessionToken"])["invalidateSession"]
    assert out == {"isInvalidated": True, "status": "invalidated"}
    assert gql.error(CONTACT, token=pair["sessionToken"])["extensions"]["code"] == (
        "UNAUTHENTICATED")
    # the refresh token died with it
    assert gql.error(RENEW, token=pair["refreshToken"])["extensions"]["code"] == (
        "UNAUTHENTICATED")
    again = gql.data(INVALIDATE, token=pair["sessionToken"])["invalidateSession"]
    assert again["isInvalidated"] is False


def test_anonymous_session_public_only(gql):
    pair = gql.data(ANONYMOUS)["initAnonymousSession"]
    assert pair["sessionToken"] and pair["refreshToken"]
    # public data works with it
    assert gql.data(FILTERS, token=pair["sessionToken"])["filters"]
    err = gql.error(CONTACT, token=pair["sessionToken"])
    assert err["extensions"]["code"] == "UNAUTHENTICATED"
    assert "anonymous" in err["message"]
    renewed = gql.data(RENEW, token=pair["refreshToken"])["renewSession"]
    assert gql.error(CONTACT, token=renewed["sessionToken"])["extensions"]["code"] == (
        "UNAUTHENTICATED")


def test_expired_session_says_so(gql, core_db):
    email = unique_email("expiry")
    register(gql, email)
    pair = login(gql, email)
    conn = db(core_db)
    try:
        past = to_iso(datetime.now(UTC) - timedelta(minutes=1))
        conn.execute("UPDATE auth_sessions SET expires_at = ? WHERE token_hash = ?",
                     (past, hash_token(pair["sessionToken"])))
    finally:
        conn.close()
    err = gql.error(CONTACT, token=pair["sessionToken"])
    assert err["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in err["message"]
    # the refresh token still renews it
    new = gql.data(RENEW, token=pair["refreshToken"])["renewSession"]
    assert gql.data(CONTACT, token=new["sessionToken"])["contact"]["email"] == email


def test_session_lifetimes_are_60_minutes_and_30_days(gql, core_db):
    email = unique_email("ttl")
    register(gql, email)
    before = datetime.now(UTC)
    pair = login(gql, email)
    conn = db(core_db)
    try:
        row = conn.execute("SELECT expires_at, refresh_expires_at FROM auth_sessions"
                           " WHERE token_hash = ?", (hash_token(pair["sessionToken"]),)
                           ).fetchone()
        stored = conn.execute("SELECT COUNT(*) FROM auth_sessions WHERE token_hash = ?"
                              " OR refresh_hash = ?",
                              (pair["sessionToken"], pair["refreshToken"])).fetchone()[0]
    finally:
        conn.close()
    expires = datetime.fromisoformat(row["expires_at"].replace("Z", "+00:00"))
    refresh = datetime.fromisoformat(row["refresh_expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=59) < expires - before < timedelta(minutes=61)
    assert timedelta(days=29) < refresh - before < timedelta(days=31)
    assert stored == 0, "raw tokens must never be stored"


def test_throttling_locks_after_five_failures(gql):
    email = unique_email("throttle")
    register(gql, email)
    for _ in range(5):
        err = gql.error(INIT_SESSION, {"username": email, "password": "wrong-password1"})
        assert err["extensions"]["reason"] == "INVALID_CREDENTIALS"
    err = gql.error(INIT_SESSION, {"username": email, "password": "secret-pw-1"})
    assert err["extensions"]["code"] == "UNAUTHENTICATED"
    assert err["extensions"]["reason"] == "LOCKED"
    assert 0 < err["extensions"]["retryAfter"] <= 30


def test_deprecated_login_variants(gql):
    email = unique_email("legacy")
    register(gql, email)
    ok = gql.data(LOGIN, {"username": email, "password": "secret-pw-1"})["login"]
    assert ok["sessionToken"] and ok["error"] is None
    bad = gql.data(LOGIN, {"username": email, "password": "nope-nope-1"})["login"]
    assert bad["sessionToken"] is None
    assert bad["error"]["code"] == "UNAUTHENTICATED"
    assert bad["error"]["response"]["status"] == 401
    assert bad["error"]["response"]["body"]["status"] == "INVALID_CREDENTIALS"
    refreshed = gql.data(REFRESH, token=ok["refreshToken"])["refreshSession"]
    assert refreshed["sessionToken"] and refreshed["error"] is None
    assert gql.data(CONTACT, token=refreshed["sessionToken"])["contact"]["email"] == email
    reused = gql.data(REFRESH, token=ok["refreshToken"])["refreshSession"]
    assert reused["sessionToken"] is None and reused["error"]["code"] == "UNAUTHENTICATED"
    anon = gql.data(ANONYMOUS_LOGIN)["anonymousLogin"]
    assert anon["sessionToken"] and anon["error"] is None
    assert gql.error(CONTACT, token=anon["sessionToken"])["extensions"]["code"] == (
        "UNAUTHENTICATED")


def test_demo_driver_can_log_in(gql):
    pair = login(gql, "driver@example.com", "driver-demo")
    assert gql.data(CONTACT, token=pair["sessionToken"])["contact"]["email"] == (
        "driver@example.com")
