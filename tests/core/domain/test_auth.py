from datetime import UTC, datetime, timedelta

import pytest

from services.core.domain import auth
from services.core.domain.passwords import hash_password
from services.core.store.db import connect, migrate, to_iso, utcnow

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pw_hash():
    return hash_password("secret-pw-1")


@pytest.fixture
def conn(pw_hash):
    c = connect(":memory:")
    migrate(c)
    for uuid, email in [("uuid-a", "a@example.com"), ("uuid-b", "b@example.com")]:
        c.execute(
            "INSERT INTO users(uuid, email, password_hash, created_at) VALUES (?, ?, ?, ?)",
            (uuid, email, pw_hash, utcnow()),
        )
    yield c
    c.close()


def test_login_resolve_and_only_hashes_stored(conn):
    pair = auth.init_session(conn, "A@Example.com ", "secret-pw-1", now=T0)
    ctx = auth.resolve_token(conn, pair.session_token, now=T0 + timedelta(minutes=59))
    assert isinstance(ctx, auth.AuthContext)
    assert ctx.user_uuid == "uuid-a" and not ctx.anonymous
    rows = conn.execute("SELECT token_hash, refresh_hash FROM auth_sessions").fetchall()
    flat = {v for r in rows for v in tuple(r)}
    assert pair.session_token not in flat and pair.refresh_token not in flat
    assert auth.hash_token(pair.session_token) in flat
    # the refresh token is not a session token
    assert auth.resolve_token(conn, pair.refresh_token, now=T0) is None


def test_session_expires_after_60_minutes(conn):
    pair = auth.init_session(conn, "a@example.com", "secret-pw-1", now=T0)
    assert auth.resolve_token(conn, pair.session_token, now=T0 + timedelta(minutes=61)) is (
        auth.EXPIRED
    )
    assert not auth.EXPIRED
    assert auth.resolve_token(conn, "nonsense", now=T0) is None
    assert auth.resolve_token(conn, None) is None


def test_wrong_password_and_unknown_user_look_the_same(conn):
    with pytest.raises(auth.AuthError) as e1:
        auth.init_session(conn, "a@example.com", "nope", now=T0)
    with pytest.raises(auth.AuthError) as e2:
        auth.init_session(conn, "ghost@example.com", "nope", now=T0)
    assert e1.value.reason == e2.value.reason == "INVALID_CREDENTIALS"
    assert str(e1.value) == str(e2.value)


def test_throttling_makes_the_source_wait_and_grows_and_resets(conn):
    for _ in range(auth.FREE_ATTEMPTS - 1):
        with pytest.raises(auth.AuthError) as e:
            auth.init_session(conn, "a@example.com", "bad", now=T0, source="10.0.0.1")
        assert e.value.reason == "INVALID_CREDENTIALS"
    with pytest.raises(auth.AuthError):  # 5th failure: this source waits 5 s
        auth.init_session(conn, "a@example.com", "bad", now=T0, source="10.0.0.1")
    # even the right password is refused from that source meanwhile
    with pytest.raises(auth.AuthError) as e:
        auth.init_session(conn, "a@example.com", "secret-pw-1", now=T0 + timedelta(seconds=1),
                          source="10.0.0.1")
    assert e.value.reason == "LOCKED" and e.value.retry_after == 4
    # other users, and the same user from elsewhere, are unaffected
    auth.init_session(conn, "b@example.com", "secret-pw-1", now=T0, source="10.0.0.1")
    auth.init_session(conn, "a@example.com", "secret-pw-1", now=T0, source="10.0.0.2")
    # after the wait, another failure doubles it to 10 s
    t1 = T0 + timedelta(seconds=6)
    with pytest.raises(auth.AuthError):
        auth.init_session(conn, "a@example.com", "bad", now=t1, source="10.0.0.1")
    with pytest.raises(auth.AuthError) as e:
        auth.init_session(conn, "a@example.com", "secret-pw-1", now=t1 + timedelta(seconds=9),
                          source="10.0.0.1")
    assert e.value.reason == "LOCKED"
    auth.init_session(conn, "a@example.com", "secret-pw-1", now=t1 + timedelta(seconds=11),
                      source="10.0.0.1")
    left = conn.execute("SELECT COUNT(*) FROM login_failures").fetchone()[0]
    row = conn.execute(
        "SELECT failed_logins, locked_until FROM users WHERE uuid = 'uuid-a'"
    ).fetchone()
    assert left == 0 and row["failed_logins"] == 0 and row["locked_until"] is None


def test_lock_seconds_is_capped():
    assert auth.lock_seconds(4) == 0
    assert auth.lock_seconds(5) == 5
    assert auth.lock_seconds(7) == 20
    assert auth.lock_seconds(500) == auth.LOCK_MAX_SECONDS


def test_renew_rotates_both_tokens_once(conn):
    pair = auth.init_session(conn, "a@example.com", "secret-pw-1", now=T0)
    t = T0 + timedelta(days=2)
    new = auth.renew_session(conn, pair.refresh_token, now=t)
    assert new.session_token != pair.session_token and new.refresh_token != pair.refresh_token
    assert auth.resolve_token(conn, pair.session_token, now=T0) is None  # old pair revoked
    assert isinstance(auth.resolve_token(conn, new.session_token, now=t), auth.AuthContext)
    with pytest.raises(auth.AuthError) as e:
        auth.renew_session(conn, new.refresh_token, now=t + timedelta(days=31))
    assert e.value.reason == "EXPIRED"
    with pytest.raises(auth.AuthError) as e:
        auth.renew_session(conn, pair.refresh_token, now=t)
    assert e.value.reason == "INVALID_TOKEN"


def test_invalidate(conn):
    pair = auth.init_session(conn, "a@example.com", "secret-pw-1", now=T0)
    ctx = auth.resolve_token(conn, pair.session_token, now=T0)
    assert auth.invalidate_session(conn, ctx.session_id)
    assert not auth.invalidate_session(conn, ctx.session_id)
    assert auth.resolve_token(conn, pair.session_token, now=T0) is None
    with pytest.raises(auth.AuthError):
        auth.renew_session(conn, pair.refresh_token, now=T0)


def test_anonymous_session(conn):
    pair = auth.init_anonymous_session(conn, now=T0)
    ctx = auth.resolve_token(conn, pair.session_token, now=T0)
    assert ctx.anonymous and ctx.user_id is None
    renewed = auth.renew_session(conn, pair.refresh_token, now=T0)
    assert auth.resolve_token(conn, renewed.session_token, now=T0).anonymous


def test_inactive_user_cannot_log_in_and_tokens_die(conn):
    pair = auth.init_session(conn, "a@example.com", "secret-pw-1", now=T0)
    conn.execute("UPDATE users SET active = 0 WHERE uuid = 'uuid-a'")
    assert auth.resolve_token(conn, pair.session_token, now=T0) is None
    with pytest.raises(auth.AuthError) as e:
        auth.init_session(conn, "a@example.com", "secret-pw-1", now=T0)
    assert e.value.reason == "INACTIVE"


def test_bearer_parsing():
    assert auth.bearer_token("Bearer abc") == "abc"
    assert auth.bearer_token("bearer  abc ") == "abc"
    assert auth.bearer_token("Basic abc") is None
    assert auth.bearer_token("Bearer ") is None
    assert auth.bearer_token(None) is None


def test_purge_keeps_live_rows(conn):
    old = auth.init_session(conn, "a@example.com", "secret-pw-1", now=T0)
    conn.execute(
        "UPDATE auth_sessions SET refresh_expires_at = ? WHERE token_hash = ?",
        (to_iso(T0 - timedelta(days=1)), auth.hash_token(old.session_token)),
    )
    live = auth.init_session(conn, "b@example.com", "secret-pw-1", now=T0)
    assert auth.resolve_token(conn, old.session_token, now=T0) is None
    assert auth.resolve_token(conn, live.session_token, now=T0)
