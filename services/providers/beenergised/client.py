"""GraphQL over HTTP for be.ENERGISED, with the session lifecycle the document describes.

Sessions: ``initSession`` (login) or ``initAnonymousSession`` (public data before login) give
a session token (valid 60 min) and a refresh token (valid a month); requests carry the session
token as ``Authorization: Bearer``. ``renewSession`` exchanges them for new ones.
Reading of the document: ``renewSession`` takes no arguments, and the deprecated
``refreshSession`` it replaces says the refresh token goes in the Bearer header; we do the same
for ``renewSession``.

Tokens are renewed shortly before the 60 minutes are up, and once more on an
expired-token error (then the failed request is sent again: a request rejected as
unauthenticated was not carried out, so this is safe even for mutations).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from services.http import RedactingFilter, RetryPolicy, create_client, forget_secret
from services.http import register_secret as _register
from services.provider import (
    BackendUnavailable,
    NotAuthenticated,
    ProviderError,
    SessionExpired,
)
from services.providers.common.graphql import GraphQLTransport, is_token_problem

from . import queries as Q

log = logging.getLogger("voltra.http.beenergised")
log.addFilter(RedactingFilter())  # tokens must not reach any log handler

SESSION_LIFETIME_S = 60 * 60  # documented: 60 minutes
REFRESH_LIFETIME_S = 30 * 24 * 60 * 60  # documented: a month
RENEW_MARGIN_S = 5 * 60  # renew this long before the session token expires


@dataclass
class Tokens:
    session: str
    refresh: str | None
    expires_at: float  # monotonic-independent wall clock (time.time())
    anonymous: bool

    def __repr__(self) -> str:  # never print tokens
        return f"Tokens(anonymous={self.anonymous}, expires_at={self.expires_at:.0f})"


def _jwt_exp(token: str) -> float | None:
    """If the token is a JWT, its ``exp``; the document does not say tokens are JWTs."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        exp = payload.get("exp")
        return float(exp) if exp is not None else None
    except (ValueError, TypeError, json.JSONDecodeError):
        return None


class GraphQLClient:
    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        on_tokens: Callable[[Tokens | None], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.endpoint = self.base_url + "/graphql/"
        self._http = http or create_client(retry=retry)
        self._own_http = http is None
        self._transport = GraphQLTransport(self.endpoint, self._http)
        self._clock = clock
        self._tokens: Tokens | None = None
        self._lock = asyncio.Lock()
        self._on_tokens = on_tokens

    # ------------------------------------------------------------- tokens

    @property
    def tokens(self) -> Tokens | None:
        return self._tokens

    @property
    def logged_in(self) -> bool:
        return self._tokens is not None and not self._tokens.anonymous

    def set_tokens(self, session: str | None, refresh: str | None, *, anonymous: bool) -> None:
        old = self._tokens
        if old is not None:
            forget_secret(old.session)
            forget_secret(old.refresh)
        if not session:
            self._tokens = None
        else:
            _register(session)
            _register(refresh)
            expires = _jwt_exp(session) or (self._clock() + SESSION_LIFETIME_S)
            self._tokens = Tokens(session, refresh, expires, anonymous)
        if self._on_tokens is not None:
            self._on_tokens(self._tokens)

    async def _ensure_session(self) -> None:
        async with self._lock:
            t = self._tokens
            if t is None:
                await self._init_anonymous()
            elif t.expires_at - self._clock() < RENEW_MARGIN_S:
                await self._renew_locked()

    async def _init_anonymous(self) -> None:
        data = await self._post(Q.INIT_ANONYMOUS_SESSION, {}, token=None, safe=False)
        r = data["initAnonymousSession"] or {}
        if not r.get("sessionToken"):
            raise BackendUnavailable(detail="initAnonymousSession returned no session token")
        self.set_tokens(r["sessionToken"], r.get("refreshToken"), anonymous=True)

    async def _renew_locked(self) -> None:
        t = self._tokens
        if t is None or not t.refresh:
            await self._fallback_after_expiry(t)
            return
        try:
            data = await self._post(Q.RENEW_SESSION, {}, token=t.refresh, safe=False)
        except NotAuthenticated:
            await self._fallback_after_expiry(t)
            return
        r = data["renewSession"] or {}
        if not r.get("sessionToken"):
            await self._fallback_after_expiry(t)
            return
        self.set_tokens(
            r["sessionToken"], r.get("refreshToken") or t.refresh, anonymous=t.anonymous
        )

    async def _fallback_after_expiry(self, t: Tokens | None) -> None:
        if t is not None and not t.anonymous:
            self.set_tokens(None, None, anonymous=True)
            raise SessionExpired()
        await self._init_anonymous()  # an anonymous session is simply started again

    async def renew(self) -> None:
        async with self._lock:
            await self._renew_locked()

    async def login(self, username: str, password: str) -> None:
        if self.logged_in:  # another driver on this device: end the previous session
            await self.logout()
        _register(password)
        try:
            data = await self._post(
                Q.INIT_SESSION,
                {"username": username, "password": password},
                token=None,
                safe=False,
            )
        finally:
            forget_secret(password)
        r = data["initSession"] or {}
        if not r.get("sessionToken"):
            raise NotAuthenticated(detail="initSession returned no session token")
        self.set_tokens(r["sessionToken"], r.get("refreshToken"), anonymous=False)

    async def resume(self, refresh_token: str) -> None:
        """Log in again from a saved refresh token (no password kept on the device)."""
        self._tokens = Tokens("", refresh_token, 0.0, anonymous=False)
        _register(refresh_token)
        await self.renew()

    async def logout(self) -> None:
        t = self._tokens
        if t is not None and not t.anonymous:
            try:
                await self._post(Q.INVALIDATE_SESSION, {}, token=t.session, safe=True)
            except ProviderError as exc:  # logging out locally matters more
                log.info("invalidateSession failed: %s", exc.code)
        self.set_tokens(None, None, anonymous=True)

    # ------------------------------------------------------------- requests

    async def execute(
        self,
        document: str,
        variables: dict | None = None,
        *,
        safe: bool | None = None,
        auth: bool = True,
    ) -> dict:
        """Run one operation; return ``data``. Queries are safe to repeat; mutations are
        repeated only when the caller says so (``safe=True``)."""
        if safe is None:
            safe = document.lstrip().startswith("query")
        if not auth:
            return await self._post(document, variables or {}, token=None, safe=safe)
        await self._ensure_session()
        try:
            return await self._post(
                document,
                variables or {},
                token=self._tokens.session if self._tokens else None,
                safe=safe,
            )
        except NotAuthenticated as exc:
            if not is_token_problem(exc):
                raise
            t = self._tokens
            if t is not None and t.anonymous and t.expires_at > self._clock():
                raise  # a fresh anonymous session: this operation needs a login
            async with self._lock:
                await self._renew_locked()
            return await self._post(
                document,
                variables or {},
                token=self._tokens.session if self._tokens else None,
                safe=safe,
            )

    async def _post(self, document: str, variables: dict, *, token: str | None, safe: bool) -> dict:
        return await self._transport.post(document, variables, bearer=token, safe=safe)

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()
