"""Sessions: initSession, initAnonymousSession, renewSession, invalidateSession and the
deprecated login / refreshSession / anonymousLogin (kept working, errors in ErrorBody).

Token lifetimes and throttling: see ``services.core.domain.auth``. The refresh token is
presented as ``Authorization: Bearer <refreshToken>`` (the document's rule for
refreshSession, used for renewSession too). ``invalidateSession`` accepts the session
token or the refresh token as bearer and revokes both; an expired session token may
still be used to log out.

Sign-in is throttled per client address (the TCP peer; forwarding headers are not trusted,
since anyone can send them): over its budget of failures a source gets the GraphQL error
``TOO_MANY_REQUESTS`` with ``extensions.retryAfter`` (seconds), as it does when the password
hashing queue is full.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised.context import core, raw_bearer
from services.core.api.beenergised.userdata import error_body, run
from services.core.api.graphql import errors
from services.core.cpu_pool import PoolBusy
from services.core.domain import auth, throttle

mutation = MutationType()
T = TypeVar("T")

_AUTH_STATUS = {"LOCKED": 423, "INACTIVE": 403, "TOO_MANY_REQUESTS": 429}
TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"


def source_of(info: GraphQLResolveInfo) -> str:
    """The client's address, the key of every per-source budget."""
    request = info.context.get("request")
    client = getattr(request, "client", None)
    if client is None or not client.host:
        return auth.LOCAL_SOURCE
    return throttle.source_key(client.host)


def limits(info: GraphQLResolveInfo) -> throttle.SourceLimits:
    return core(info).source_limits


def too_many(retry_after: int, what: str = "requests") -> Exception:
    return errors.error(TOO_MANY_REQUESTS,
                        f"too many {what} from your address; retry in {retry_after} seconds",
                        retryAfter=retry_after)


async def hashing(info: GraphQLResolveInfo, fn: Callable[..., T], *args: Any) -> T:
    """Run password hashing work on the core's hashing pool (never the db threads)."""
    try:
        return await core(info).hashing.run(fn, *args)
    except PoolBusy as exc:
        raise too_many(exc.retry_after, "password operations in progress") from None


async def log_in(info: GraphQLResolveInfo, username: str, password: str) -> auth.TokenPair:
    """initSession's work: database lookups on the db pool, scrypt on the hashing pool.
    Raises AuthError (reason TOO_MANY_REQUESTS when over a budget or the queue is full)."""
    source = source_of(info)
    budget = limits(info).login_failures
    wait = budget.retry_after(source)
    if wait:
        raise auth.AuthError(TOO_MANY_REQUESTS, "too many failed sign-ins from your address;"
                             f" retry in {wait} seconds", retry_after=wait)
    attempt = await run(info, auth.begin_login, username, source)
    try:
        ok = await core(info).hashing.run(auth.check_password, attempt, password)
    except PoolBusy as exc:
        raise auth.AuthError(TOO_MANY_REQUESTS, "too many sign-ins in progress; retry in"
                             f" {exc.retry_after} seconds", retry_after=exc.retry_after) from None
    if not ok:
        budget.spend(source)
    return await run(info, auth.finish_login, attempt, ok)


def _pair(p: auth.TokenPair) -> dict[str, Any]:
    return {"sessionToken": p.session_token, "refreshToken": p.refresh_token}


def _auth_error(exc: auth.AuthError) -> Exception:
    if exc.reason == TOO_MANY_REQUESTS:
        return errors.error(TOO_MANY_REQUESTS, str(exc), retryAfter=exc.retry_after)
    ext: dict[str, Any] = {"reason": exc.reason}
    if exc.retry_after is not None:
        ext["retryAfter"] = exc.retry_after
    return errors.error(errors.UNAUTHENTICATED, str(exc), **ext)


def _auth_error_body(exc: auth.AuthError) -> dict[str, Any]:
    code = TOO_MANY_REQUESTS if exc.reason == TOO_MANY_REQUESTS else errors.UNAUTHENTICATED
    status = _AUTH_STATUS.get(exc.reason, 401)
    body = error_body(code, str(exc), status, "Too Many Requests" if status == 429 else None)
    body["response"]["body"]["status"] = exc.reason
    return body


def _refresh_token(info: GraphQLResolveInfo) -> str:
    token = raw_bearer(info)
    if not token:
        raise auth.AuthError(
            "INVALID_TOKEN", "send the refresh token as 'Authorization: Bearer <refreshToken>'"
        )
    return token


@mutation.field("initSession")
async def resolve_init_session(_obj: Any, info: GraphQLResolveInfo, username: str,
                               password: str) -> dict[str, Any]:
    try:
        return _pair(await log_in(info, username, password))
    except auth.AuthError as exc:
        raise _auth_error(exc) from None


@mutation.field("initAnonymousSession")
async def resolve_init_anonymous(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    return _pair(await run(info, auth.init_anonymous_session))


@mutation.field("renewSession")
async def resolve_renew(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    try:
        return _pair(await run(info, auth.renew_session, _refresh_token(info)))
    except auth.AuthError as exc:
        raise _auth_error(exc) from None


@mutation.field("invalidateSession")
async def resolve_invalidate(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    token = raw_bearer(info)
    if not token:
        raise errors.unauthenticated("send the session token to invalidate as Bearer")
    done = await run(info, auth.invalidate_token, token)
    return {
        "isInvalidated": done,
        "status": "invalidated" if done else "unknown or already invalidated session",
    }


@mutation.field("login")
async def resolve_login(_obj: Any, info: GraphQLResolveInfo, username: str,
                        password: str) -> dict[str, Any]:
    try:
        return {**_pair(await log_in(info, username, password)), "error": None}
    except auth.AuthError as exc:
        return {"sessionToken": None, "refreshToken": None, "error": _auth_error_body(exc)}


@mutation.field("refreshSession")
async def resolve_refresh(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    try:
        pair = await run(info, auth.renew_session, _refresh_token(info))
        return {**_pair(pair), "error": None}
    except auth.AuthError as exc:
        return {"sessionToken": None, "refreshToken": None, "error": _auth_error_body(exc)}


@mutation.field("anonymousLogin")
async def resolve_anonymous_login(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {**_pair(await run(info, auth.init_anonymous_session)), "error": None}


bindables = [mutation]
