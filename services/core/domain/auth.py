"""Auth sessions: login, bearer tokens, refresh, logout, anonymous sessions.

Tokens are ``secrets.token_urlsafe(32)`` strings handed to the client once; the store
keeps only their sha256 (``auth_sessions.token_hash`` / ``refresh_hash``), so a leaked
database does not leak usable tokens. A session token is valid for 60 minutes, its
refresh token for one month (30 days), as the be.ENERGISED document states.

Refresh rotates both tokens: the old row is revoked and a new one issued in the same
transaction, so a refresh token works exactly once. Every session descending from one login
shares a ``family_id``; presenting a refresh token that was already rotated (or logged out)
is treated as theft: the whole family is revoked, the newer tokens included.

Sign-in throttling is keyed by account AND client address (``source``), so a stranger
guessing a password cannot lock its owner out:
- per (account, source): the first ``FREE_ATTEMPTS`` (5) wrong passwords cost nothing; each
  further one makes that source wait ``lock_seconds`` (5 s, 10 s, 20 s ... at most 15 min)
  before its next try for that account. Other sources are not affected; a right password
  from the source after the wait clears its counter. Counters older than an hour start over.
- account-wide: only when ``ACCOUNT_LOCK_SOURCES`` (10) different sources together made
  ``ACCOUNT_LOCK_FAILURES`` (50) failures within the hour is the account locked
  (``users.locked_until``, ``ACCOUNT_LOCK`` = 15 min, extended while it goes on). Sources the
  account signed in from before (``login_sources``) still get through, and their right
  password clears the lock.
- per source across all accounts (unknown e-mails included), the API keeps an in-memory
  budget of failures (``services.core.domain.throttle``): anonymous noise is refused there,
  before any password is checked, and never locks an account.
While a source waits, its attempts are refused without checking the password (guessing makes
no progress) and the wait does not grow. Unknown user names are answered after a dummy
scrypt verification so timing does not reveal registered e-mails.

Logging in is three steps so the slow password check can run on its own bounded worker pool,
away from the database threads: ``begin_login`` (db), ``check_password`` (cpu),
``finish_login`` (db). ``init_session`` runs the three in a row.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.core.domain.passwords import dummy_verify, verify_password
from services.core.store.db import from_iso, to_iso, transaction

SESSION_TTL = timedelta(minutes=60)
REFRESH_TTL = timedelta(days=30)
FREE_ATTEMPTS = 5
LOCK_BASE_SECONDS = 5
LOCK_MAX_SECONDS = 900
FAILURE_MEMORY = timedelta(hours=1)
ACCOUNT_LOCK_SOURCES = 10
ACCOUNT_LOCK_FAILURES = 50
ACCOUNT_LOCK = timedelta(minutes=15)
# The source of calls that do not come over the network (tests, command line).
LOCAL_SOURCE = "local"

log = logging.getLogger("services.core.auth")


@dataclass(frozen=True)
class AuthContext:
    """Who a bearer token belongs to. ``user_id``/``user_uuid`` are None when anonymous."""

    session_id: int
    user_id: int | None
    user_uuid: str | None
    anonymous: bool
    expires_at: datetime


class _Expired:
    """Marker returned by :func:`resolve_token` for a known token past its expiry.

    Distinct from None (unknown / revoked token) so the API can tell the client that
    its session expired and it should renew, rather than that the token is bogus.
    """

    _instance: _Expired | None = None

    def __new__(cls) -> _Expired:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:  # so ``if ctx:`` treats it as "no usable session"
        return False

    def __repr__(self) -> str:
        return "EXPIRED"


EXPIRED = _Expired()


@dataclass(frozen=True)
class TokenPair:
    session_token: str
    refresh_token: str
    expires_at: datetime
    refresh_expires_at: datetime
    session_id: int
    user_id: int | None


class AuthError(Exception):
    """A login / refresh failure. ``reason`` is machine readable, ``str()`` is for users.

    reasons: INVALID_CREDENTIALS, LOCKED (``retry_after`` seconds), INACTIVE,
    INVALID_TOKEN, EXPIRED; the API adds TOO_MANY_REQUESTS (a per-source budget or the
    hashing queue is exhausted, ``retry_after`` seconds).
    """

    def __init__(self, reason: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _issue(conn: sqlite3.Connection, user_id: int | None, now: datetime,
           family_id: int | None = None) -> TokenPair:
    """A new session row; ``family_id`` None starts a new family (a login)."""
    session_token, refresh_token = new_token(), new_token()
    expires, refresh_expires = now + SESSION_TTL, now + REFRESH_TTL
    cur = conn.execute(
        "INSERT INTO auth_sessions(user_id, token_hash, refresh_hash, expires_at,"
        " refresh_expires_at, revoked, created_at, family_id) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
        (
            user_id,
            hash_token(session_token),
            hash_token(refresh_token),
            to_iso(expires),
            to_iso(refresh_expires),
            to_iso(now),
            family_id,
        ),
    )
    if family_id is None:
        conn.execute("UPDATE auth_sessions SET family_id = id WHERE id = ?", (cur.lastrowid,))
    return TokenPair(
        session_token, refresh_token, expires, refresh_expires, int(cur.lastrowid), user_id
    )


def lock_seconds(failures: int) -> int:
    """How long a source waits after ``failures`` wrong passwords for one account (0 = no
    wait)."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(LOCK_BASE_SECONDS * 2 ** min(failures - FREE_ATTEMPTS, 20), LOCK_MAX_SECONDS)


@dataclass(frozen=True)
class LoginAttempt:
    """What ``begin_login`` found; ``user_id`` None for an unknown user name."""

    source: str
    user_id: int | None
    password_hash: str | None
    active: bool


def _wait(until: str | None, now: datetime) -> int:
    if not until:
        return 0
    left = (from_iso(until) - now).total_seconds()
    return max(1, int(left + 0.999)) if left > 0 else 0


def _locked(wait: int) -> AuthError:
    return AuthError(
        "LOCKED", f"too many failed login attempts; try again in {wait} seconds",
        retry_after=wait,
    )


def begin_login(
    conn: sqlite3.Connection, username: str, source: str = LOCAL_SOURCE,
    now: datetime | None = None,
) -> LoginAttempt:
    """Look the account up and refuse (``LOCKED``) a source that must still wait."""
    now = _now(now)
    row = conn.execute(
        "SELECT id, password_hash, active, locked_until FROM users WHERE email = ?",
        ((username or "").strip(),),
    ).fetchone()
    if row is None:
        return LoginAttempt(source, None, None, False)
    mine = conn.execute(
        "SELECT blocked_until FROM login_failures WHERE user_id = ? AND source = ?",
        (row["id"], source),
    ).fetchone()
    wait = _wait(mine["blocked_until"] if mine else None, now)
    if not wait and _wait(row["locked_until"], now) and not _known_source(conn, row["id"],
                                                                          source):
        wait = _wait(row["locked_until"], now)
    if wait:
        raise _locked(wait)
    return LoginAttempt(source, row["id"], row["password_hash"], bool(row["active"]))


def check_password(attempt: LoginAttempt, password: str) -> bool:
    """The slow part (scrypt). Unknown users cost the same as known ones."""
    if attempt.password_hash is None:
        dummy_verify(password or "")
        return False
    return verify_password(password or "", attempt.password_hash)


def finish_login(
    conn: sqlite3.Connection, attempt: LoginAttempt, ok: bool, now: datetime | None = None
) -> TokenPair:
    """Record the outcome; a session pair for a right password of an active account."""
    now = _now(now)
    user_id = settle_login(conn, attempt, ok, now)  # a failure must be recorded, not rolled back
    with transaction(conn):
        _purge_expired(conn, now)
        return _issue(conn, user_id, now)


def settle_login(
    conn: sqlite3.Connection, attempt: LoginAttempt, ok: bool, now: datetime | None = None
) -> int:
    """Record the outcome of a password check; the user id for a right password of an
    active account (callers issuing tokens of their own, e.g. an OAuth password grant)."""
    now = _now(now)
    if attempt.user_id is None:
        raise AuthError("INVALID_CREDENTIALS", "invalid username or password")
    with transaction(conn):
        if not ok:
            _record_failure(conn, attempt.user_id, attempt.source, now)
        elif attempt.active:
            _record_success(conn, attempt.user_id, attempt.source, now)
            return attempt.user_id
    if not ok:
        raise AuthError("INVALID_CREDENTIALS", "invalid username or password")
    raise AuthError("INACTIVE", "this account is deactivated; reactivate it to log in")


def record_login(
    conn: sqlite3.Connection, attempt: LoginAttempt, ok: bool, now: datetime | None = None
) -> int:
    """``finish_login`` for an API that issues its own token (partner user tokens): the
    same throttling records and errors; the user id instead of a session."""
    now = _now(now)
    if attempt.user_id is None:
        raise AuthError("INVALID_CREDENTIALS", "invalid username or password")
    with transaction(conn):
        if not ok:
            _record_failure(conn, attempt.user_id, attempt.source, now)
        elif attempt.active:
            _record_success(conn, attempt.user_id, attempt.source, now)
            return attempt.user_id
    if not ok:
        raise AuthError("INVALID_CREDENTIALS", "invalid username or password")
    raise AuthError("INACTIVE", "this account is deactivated; reactivate it to log in")


def init_session(
    conn: sqlite3.Connection, username: str, password: str, now: datetime | None = None,
    source: str = LOCAL_SOURCE,
) -> TokenPair:
    """Log a user in by e-mail + password; raises :class:`AuthError` on failure."""
    attempt = begin_login(conn, username, source, now)
    # The scrypt check runs outside any transaction: it must not hold the write lock.
    return finish_login(conn, attempt, check_password(attempt, password), now)


def _known_source(conn: sqlite3.Connection, user_id: int, source: str) -> bool:
    return conn.execute(
        "SELECT 1 FROM login_sources WHERE user_id = ? AND source = ?", (user_id, source)
    ).fetchone() is not None


def _record_failure(conn: sqlite3.Connection, user_id: int, source: str, now: datetime) -> None:
    # Read inside the write transaction so concurrent failures all count.
    row = conn.execute(
        "SELECT failures, last_failure_at FROM login_failures WHERE user_id = ? AND source = ?",
        (user_id, source),
    ).fetchone()
    fresh = row is not None and from_iso(row["last_failure_at"]) > now - FAILURE_MEMORY
    failures = (row["failures"] if fresh else 0) + 1
    wait = lock_seconds(failures)
    conn.execute(
        "INSERT INTO login_failures(user_id, source, failures, blocked_until, last_failure_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, source) DO UPDATE SET"
        " failures = excluded.failures, blocked_until = excluded.blocked_until,"
        " last_failure_at = excluded.last_failure_at",
        (user_id, source, failures, to_iso(now + timedelta(seconds=wait)) if wait else None,
         to_iso(now)),
    )
    sources, total = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(failures), 0) FROM login_failures"
        " WHERE user_id = ? AND last_failure_at > ?",
        (user_id, to_iso(now - FAILURE_MEMORY)),
    ).fetchone()
    locked_until = None
    if sources >= ACCOUNT_LOCK_SOURCES and total >= ACCOUNT_LOCK_FAILURES:
        locked_until = to_iso(now + ACCOUNT_LOCK)
        log.warning("sign-in attempts against account %s from %d sources: locked to unknown"
                    " sources for %s", user_id, sources, ACCOUNT_LOCK)
    conn.execute(
        "UPDATE users SET failed_logins = failed_logins + 1,"
        " locked_until = COALESCE(?, locked_until) WHERE id = ?",
        (locked_until, user_id),
    )


def _record_success(conn: sqlite3.Connection, user_id: int, source: str, now: datetime) -> None:
    conn.execute("DELETE FROM login_failures WHERE user_id = ? AND source = ?",
                 (user_id, source))
    conn.execute(
        "INSERT INTO login_sources(user_id, source, last_success_at) VALUES (?, ?, ?)"
        " ON CONFLICT(user_id, source) DO UPDATE SET last_success_at = excluded.last_success_at",
        (user_id, source, to_iso(now)),
    )
    conn.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?",
                 (user_id,))


def init_anonymous_session(conn: sqlite3.Connection, now: datetime | None = None) -> TokenPair:
    """A session with no user: good for public data (stations, filters) only."""
    now = _now(now)
    with transaction(conn):
        return _issue(conn, None, now)


def renew_session(
    conn: sqlite3.Connection, refresh_token: str, now: datetime | None = None
) -> TokenPair:
    """Exchange a refresh token for a fresh pair; the old pair stops working. A refresh token
    presented again after its rotation revokes every session of its family."""
    now = _now(now)
    with transaction(conn):
        row = conn.execute(
            "SELECT s.id, s.user_id, s.revoked, s.refresh_expires_at, s.family_id, u.active"
            " FROM auth_sessions s LEFT JOIN users u ON u.id = s.user_id"
            " WHERE s.refresh_hash = ?",
            (hash_token(refresh_token or ""),),
        ).fetchone()
        replayed = row is not None and bool(row["revoked"])
        if replayed:
            family = row["family_id"] if row["family_id"] is not None else row["id"]
            revoked = conn.execute(
                "UPDATE auth_sessions SET revoked = 1 WHERE (family_id = ? OR id = ?)"
                " AND revoked = 0", (family, row["id"])
            ).rowcount
        elif row is not None:
            if row["refresh_expires_at"] is None or from_iso(row["refresh_expires_at"]) <= now:
                raise AuthError("EXPIRED", "the refresh token expired; log in again")
            if row["user_id"] is not None and not row["active"]:
                raise AuthError("INACTIVE", "this account is deactivated")
            conn.execute("UPDATE auth_sessions SET revoked = 1 WHERE id = ?", (row["id"],))
            return _issue(conn, row["user_id"], now, row["family_id"] or row["id"])
    if replayed and revoked:
        log.warning("a used refresh token was presented again (user %s): its login's %d live"
                    " session(s) revoked", row["user_id"], revoked)
    raise AuthError("INVALID_TOKEN", "invalid or already used refresh token")


def invalidate_session(conn: sqlite3.Connection, session_id: int) -> bool:
    """Revoke one session (its session and refresh token). True if it was live."""
    with transaction(conn):
        cur = conn.execute(
            "UPDATE auth_sessions SET revoked = 1 WHERE id = ? AND revoked = 0", (session_id,)
        )
        return cur.rowcount > 0


def invalidate_token(conn: sqlite3.Connection, token: str) -> bool:
    """Revoke the session a session OR refresh token belongs to, even if the session token
    already expired (logging out must also kill the still-valid refresh token)."""
    digest = hash_token(token or "")
    with transaction(conn):
        cur = conn.execute(
            "UPDATE auth_sessions SET revoked = 1 WHERE revoked = 0"
            " AND (token_hash = ? OR refresh_hash = ?)",
            (digest, digest),
        )
        return cur.rowcount > 0


def invalidate_user_sessions(
    conn: sqlite3.Connection, user_id: int, except_session: int | None = None
) -> int:
    """Revoke every session of a user (password change, account deletion)."""
    with transaction(conn):
        cur = conn.execute(
            "UPDATE auth_sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0"
            " AND id IS NOT ?",
            (user_id, except_session),
        )
        return cur.rowcount


def resolve_token(
    conn: sqlite3.Connection, token: str | None, now: datetime | None = None
) -> AuthContext | _Expired | None:
    """Map a bearer session token to its :class:`AuthContext`.

    Returns None for an unknown, revoked or empty token (and for a deactivated user),
    :data:`EXPIRED` for a known token whose 60 minutes are over.
    """
    if not token:
        return None
    now = _now(now)
    row = conn.execute(
        "SELECT s.id, s.user_id, s.expires_at, s.revoked, u.uuid, u.active"
        " FROM auth_sessions s LEFT JOIN users u ON u.id = s.user_id"
        " WHERE s.token_hash = ?",
        (hash_token(token),),
    ).fetchone()
    if row is None or row["revoked"]:
        return None
    if row["user_id"] is not None and not row["active"]:
        return None
    expires = from_iso(row["expires_at"])
    if expires <= now:
        return EXPIRED
    return AuthContext(
        session_id=int(row["id"]),
        user_id=row["user_id"],
        user_uuid=row["uuid"],
        anonymous=row["user_id"] is None,
        expires_at=expires,
    )


def bearer_token(authorization: str | None) -> str | None:
    """The token from an ``Authorization: Bearer <token>`` header value, else None."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _purge_expired(conn: sqlite3.Connection, now: datetime) -> None:
    # Rows whose refresh token is dead can never be used again; drop them so the
    # tables do not grow without bound. Runs inside the login transaction.
    conn.execute(
        "DELETE FROM auth_sessions WHERE refresh_expires_at < ?"
        " OR (refresh_expires_at IS NULL AND expires_at < ?)",
        (to_iso(now), to_iso(now)),
    )
    # Failures past the memory window no longer count (``_record_failure`` starts over).
    conn.execute("DELETE FROM login_failures WHERE last_failure_at < ?",
                 (to_iso(now - FAILURE_MEMORY),))
    conn.execute("DELETE FROM account_tokens WHERE expires_at < ?", (to_iso(now),))
