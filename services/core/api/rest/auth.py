"""Who is calling a REST facade: the credential from a header, checked by the facade's
verifier (``verify(credential) -> principal or None``, sync or async), or 401 in the
facade's format.

``BearerAuth`` reads ``Authorization: Bearer <token>``; ``HeaderKeyAuth`` reads a named
header, optionally after a scheme prefix (``x-api-key: <key>``, ``Authorization: key=<key>``).
Use them inside handlers: ``principal = await auth(request)``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request

from services.core.api.rest.errors import ApiError

Verifier = Callable[[str], Any | Awaitable[Any]]

# Longer than any credential the core issues; a longer header is refused unread.
MAX_CREDENTIAL = 4096


async def _verified(verify: Verifier, credential: str) -> Any:
    found = verify(credential)
    if inspect.isawaitable(found):
        found = await found
    return found


class HeaderKeyAuth:
    def __init__(self, header: str, verify: Verifier, *, prefix: str = "",
                 realm: str | None = None, hint: str | None = None) -> None:
        self.header = header
        self.verify = verify
        self.prefix = prefix
        self.challenge = {"WWW-Authenticate": realm} if realm else {}
        self.hint = hint or f"{header}: {prefix}<credential>"

    def credential(self, request: Request) -> str | None:
        raw = request.headers.get(self.header)
        if raw is None:
            return None
        raw = raw.strip()
        if self.prefix:
            if raw[:len(self.prefix)].lower() != self.prefix.lower():
                return None
            raw = raw[len(self.prefix):].strip()
        return raw or None

    def _refuse(self, message: str) -> ApiError:
        return ApiError(401, message, headers=self.challenge, code="unauthorized")

    async def __call__(self, request: Request) -> Any:
        credential = self.credential(request)
        if credential is None:
            raise self._refuse(f"missing credentials: send '{self.hint}'")
        if len(credential) > MAX_CREDENTIAL:
            raise self._refuse("invalid credentials")
        principal = await _verified(self.verify, credential)
        if principal is None:
            raise self._refuse("invalid credentials")
        return principal


class BearerAuth(HeaderKeyAuth):
    def __init__(self, verify: Verifier, *, realm: str = "Bearer") -> None:
        super().__init__("authorization", verify, prefix="Bearer ", realm=realm,
                         hint="Authorization: Bearer <token>")
