"""Sessions: initSession, initAnonymousSession, renewSession, invalidateSession and the
deprecated login / refreshSession / anonymousLogin (kept working, errors in ErrorBody).

Token lifetimes and throttling: see ``services.core.domain.auth``. The refresh token is
presented as ``Authorization: Bearer <refreshToken>`` (the document's rule for
refreshSession, used for renewSession too). ``invalidateSession`` accepts the session
token or the refresh token as bearer and revokes both; an expired session token may
still be used to log out.
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised.context import raw_bearer
from services.core.api.beenergised.userdata import error_body, run
from services.core.api.graphql import errors
from services.core.domain import auth

mutation = MutationType()

_AUTH_STATUS = {"LOCKED": 423, "INACTIVE": 403}


def _pair(p: auth.TokenPair) -> dict[str, Any]:
    return {"sessionToken": p.session_token, "refreshToken": p.refresh_token}


def _auth_error(exc: auth.AuthError) -> Exception:
    ext: dict[str, Any] = {"reason": exc.reason}
    if exc.retry_after is not None:
        ext["retryAfter"] = exc.retry_after
    return errors.error(errors.UNAUTHENTICATED, str(exc), **ext)


def _auth_error_body(exc: auth.AuthError) -> dict[str, Any]:
    body = error_body(errors.UNAUTHENTICATED, str(exc), _AUTH_STATUS.get(exc.reason, 401))
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
        return _pair(await run(info, auth.init_session, username, password))
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
        return {**_pair(await run(info, auth.init_session, username, password)), "error": None}
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
