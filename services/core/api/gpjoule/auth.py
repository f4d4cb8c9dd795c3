"""``x-api-key`` on every call: a partner's key, checked before any GraphQL work. A
missing, unknown or revoked key gets 401 with a GraphQL-shaped body; a known key's
``Principal`` travels in the request scope to the resolvers (``context.principal``)."""

from __future__ import annotations

from typing import Any

from services.core.api.graphql import errors
from services.core.api.graphql.app import error_response
from services.core.services import partners

API = "gpjoule"
HEADER = b"x-api-key"
PRINCIPAL = "voltra.gpjoule.principal"
# Longer than any key the core issues; a longer header is refused unread.
MAX_KEY = 4096


class KeyedEndpoint:
    """ASGI: authenticate the key, then hand the request to the GraphQL app."""

    def __init__(self, core: Any, app: Any) -> None:
        self.core = core
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        key = None
        for name, value in scope.get("headers") or ():
            if name == HEADER:
                key = value.decode("latin-1").strip()
                break
        if not key:
            message = "missing API key: send the header 'x-api-key: <your key>'"
        elif len(key) > MAX_KEY:
            message = "invalid API key"
        else:
            principal = await self.core.db(partners.authenticate, API, key)
            if principal is not None:
                scope[PRINCIPAL] = principal
                await self.app(scope, receive, send)
                return
            message = "invalid API key"
        response = error_response(401, message, errors.UNAUTHENTICATED)
        await response(scope, receive, send)
