"""Who is asking: bearer token -> auth context, memoised per GraphQL operation.

HTTP requests carry ``Authorization: Bearer <sessionToken>``. WebSocket clients
(graphql-transport-ws) may put the same header value into the ``connection_init`` payload as
``{"Authorization": "Bearer ..."}`` (or ``authorization`` / ``authToken``); browsers cannot
set headers on WebSockets, so this is the common convention.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from services.core.api.graphql import errors
from services.core.domain.auth import EXPIRED, AuthContext, bearer_token, resolve_token
from services.core.domain.offers import Offer
from services.core.services import offers
from services.core.state import Core

CONNECTION_PARAMS = "voltra.connection_params"
_AUTH_KEY = "_auth"
NEEDS_SESSION = ("this operation needs a logged-in session: send "
                 "'Authorization: Bearer <sessionToken>' from initSession")


def core(info: GraphQLResolveInfo) -> Core:
    return info.context["core"]


def absolute_url(info: GraphQLResolveInfo, path: str) -> str:
    """A link to ``path`` on this core as the client reached it (its Host header), so links
    work for clients on other machines when the core listens on a LAN address; the
    configured base URL otherwise."""
    request = info.context.get("request")
    base = str(request.base_url) if request is not None else core(info).config.base_url
    return base.rstrip("/") + "/" + path.lstrip("/")


def on_ws_connect(websocket: Any, payload: Any) -> None:
    """graphql-transport-ws ``connection_init``: keep the payload for later auth lookups."""
    websocket.scope[CONNECTION_PARAMS] = payload if isinstance(payload, dict) else {}


def authorization_header(info: GraphQLResolveInfo) -> str | None:
    request = info.context.get("request")
    if request is None:
        return None
    value = request.headers.get("authorization")
    if value:
        return value
    params = request.scope.get(CONNECTION_PARAMS) or {}
    for key in ("Authorization", "authorization"):
        if isinstance(params.get(key), str):
            return params[key]
    token = params.get("authToken")
    return f"Bearer {token}" if isinstance(token, str) else None


def raw_bearer(info: GraphQLResolveInfo) -> str | None:
    """The bearer token as sent (renewSession reads the refresh token this way)."""
    return bearer_token(authorization_header(info))


async def auth(info: GraphQLResolveInfo) -> AuthContext | object | None:
    """AuthContext, ``EXPIRED`` or None (no / unknown / revoked token); looked up once."""
    ctx = info.context
    if _AUTH_KEY not in ctx:
        token = raw_bearer(info)
        ctx[_AUTH_KEY] = await core(info).db(resolve_token, token) if token else None
    return ctx[_AUTH_KEY]


async def session(info: GraphQLResolveInfo) -> AuthContext:
    """Any valid session, anonymous or logged in (e.g. invalidateSession)."""
    found = await auth(info)
    if found is EXPIRED:
        raise errors.error(errors.UNAUTHENTICATED,
                           "session token expired: renew it with renewSession",
                           reason="SESSION_EXPIRED")
    if not isinstance(found, AuthContext):
        raise errors.unauthenticated(NEEDS_SESSION)
    return found


async def viewer(info: GraphQLResolveInfo) -> AuthContext:
    """The logged-in user's session, or UNAUTHENTICATED. Anonymous sessions are refused:
    the document gives them public data only."""
    found = await session(info)
    if found.anonymous or found.user_id is None:
        raise errors.unauthenticated(
            "this operation needs a user session: anonymous sessions can read public "
            "data only; log in with initSession"
        )
    return found


async def optional_viewer(info: GraphQLResolveInfo) -> AuthContext | None:
    """The logged-in user's session if there is a valid one, else None (public queries:
    a missing, expired or anonymous token just means "nobody in particular")."""
    found = await auth(info)
    if isinstance(found, AuthContext) and not found.anonymous and found.user_id is not None:
        return found
    return None


API = "beenergised"


async def offer(info: GraphQLResolveInfo) -> Offer | None:
    """The stations this API sells and their prices, read once per request."""
    ctx = info.context
    if "offer" not in ctx:
        ctx["offer"] = await offers.of_caller(core(info), API)
    return ctx["offer"]
