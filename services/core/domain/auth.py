"""Auth sessions: login, bearer tokens, refresh, logout, anonymous sessions.

Tokens are ``secrets.token_urlsafe(32)`` strings handed to the client once; the store
keeps only their sha256 (``auth_sessions.token_hash`` / ``refresh_hash``), so a leaked
database does not leak usable tokens. A session token is valid for 60 minutes, its
refresh token for one month (30 days), as the be.ENERGISED document states.

Refresh rotates both tokens: the old row is revoked and a new one issued in the same
transaction, so a refresh token works exactly once.

Login throttling (per account, stored in ``users.failed_logins`` / ``locked_until``):
the first ``FREE_ATTEMPTS`` (5) wrong passwords in a row cost nothing; each further one
locks the account for ``LOCK_BASE_SECONDS`` * 2**(failures - 5) seconds (30 s, 60 s,
120 s, ...), capped at ``LOCK_MAX_SECONDS`` (1 hour). While locked, every attempt is
refused without checking the password (so guessing makes no progress), and the
lock does not grow. A successful login resets the counter. Unknown user names are
answered after a dummy scrypt verification so timing does not reveal registered e-mails.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.core.domain.passwords import dummy_verify, verify_password
from services.core.store.db import from_iso, to_iso, transaction

SESSION_TTL = timedelta(minutes=60)
REFRESH_TTL = timedelta(days=30)
FREE_ATTEMPTS = 5
LOCK_BASE_SECONDS = 30
LOCK_MAX_SECONDS = 3600


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
    INVALID_TOKEN, EXPIRED.
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


def _issue(conn: sqlite3.Connection, user_id: int | None, now: datetime) -> TokenPair:
    session_token, refresh_token = new_token(), new_token()
    expires, refresh_expires = now + SESSION_TTL, now + REFRESH_TTL
    cur = conn.execute(
        "INSERT INTO auth_sessions(user_id, token_hash, refresh_hash, expires_at,"
        " refresh_expires_at, revoked, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
        (
            user_id,
            hash_token(session_token),
            hash_token(refresh_token),
            to_iso(expires),
            to_iso(refresh_expires),
            to_iso(now),
        ),
    )
    return TokenPair(
        session_token, refresh_token, expires, refresh_expires, int(cur.lastrowid), user_id
    )


def lock_seconds(failures: int) -> int:
    """Lock duration after ``failures`` consecutive wrong passwords (0 = not locked)."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(LOCK_BASE_SECONDS * 2 ** min(failures - FREE_ATTEMPTS, 20), LOCK_MAX_SECONDS)


def init_session(
    conn: sqlite3.Connection, username: str, password: str, now: datetime | None = None
) -> TokenPair:
    """Log a user in by e-mail + password; raises :class:`AuthError` on failure."""
    now = _now(now)
    username = (username or "").strip()
    row = conn.execute(
        "SELECT id, password_hash, active, failed_logins, locked_until FROM users"
        " WHERE email = ?",
        (username,),
    ).fetchone()
    if row is None:
        dummy_verify(password or "")
        raise AuthError("INVALID_CREDENTIALS", "invalid username or password")
    if row["locked_until"] and from_iso(row["locked_until"]) > now:
        wait = max(1, int((from_iso(row["locked_until"]) - now).total_seconds() + 0.999))
        raise AuthError(
            "LOCKED",
            f"too many failed login attempts; try again in {wait} seconds",
            retry_after=wait,
        )
    # The scrypt check runs outside the write transaction: it takes tens of ms and
    # must not hold the database write lock meanwhile.
    ok = verify_password(password or "", row["password_hash"])
    with transaction(conn):
        if not ok:
            # Re-read inside the transaction so concurrent failures all count.
            failures = (
                conn.execute(
                    "SELECT failed_logins FROM users WHERE id = ?", (row["id"],)
                ).fetchone()[0]
                + 1
            )
            wait = lock_seconds(failures)
            locked = to_iso(now + timedelta(seconds=wait)) if wait else None
            conn.execute(
                "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?",
                (failures, locked, row["id"]),
            )
        elif not row["active"]:
            pass
        else:
            conn.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?",
                (row["id"],),
            )
            _purge_expired(conn, now)
            return _issue(conn, row["id"], now)
    if not ok:
        raise AuthError("INVALID_CREDENTIALS", "invalid username or password")
    raise AuthError("INACTIVE", "this account is deactivated; reactivate it to log in")


def init_anonymous_session(conn: sqlite3.Connection, now: datetime | None = None) -> TokenPair:
    """A session with no user: good for public data (stations, filters) only."""
    now = _now(now)
    with transaction(conn):
        return _issue(conn, None, now)


def renew_session(
    conn: sqlite3.Connection, refresh_token: str, now: datetime | None = None
) -> TokenPair:
    """Exchange a refresh token for a fresh pair; the old pair stops working."""
    now = _now(now)
    with transaction(conn):
        row = conn.execute(
            "SELECT s.id, s.user_id, s.revoked, s.refresh_expires_at, u.active"
            " FROM auth_sessions s LEFT JOIN users u ON u.id = s.user_id"
            " WHERE s.refresh_hash = ?",
            (hash_token(refresh_token or ""),),
        ).fetchone()
        if row is None or row["revoked"]:
            raise AuthError("INVALID_TOKEN", "invalid or already used refresh token")
        if row["refresh_expires_at"] is None or from_iso(row["refresh_expires_at"]) <= now:
            raise AuthError("EXPIRED", "the refresh token expired; log in again")
        if row["user_id"] is not None and not row["active"]:
            raise AuthError("INACTIVE", "this account is deactivated")
        conn.execute("UPDATE auth_sessions SET revoked = 1 WHERE id = ?", (row["id"],))
        return _issue(conn, row["user_id"], now)


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
    # table does not grow without bound. Runs inside the login transaction.
    conn.execute(
        "DELETE FROM auth_sessions WHERE refresh_expires_at < ?"
        " OR (refresh_expires_at IS NULL AND expires_at < ?)",
        (to_iso(now), to_iso(now)),
    )
