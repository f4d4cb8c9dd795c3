"""``httpx.Auth`` for the sign-in schemes of the APIs Voltra speaks.

- :class:`RefreshingBearer`: a bearer token renewed by a callable shortly before it expires
  and once after a 401 (then the request is sent again);
- :class:`ApiKeyHeader`: a fixed key in a header (GP JOULE ``x-api-key``);
- :class:`OAuth2Grant`: OAuth2 password and client-credentials grants (RFC 6749 4.3, 4.4)
  against a token endpoint, renewed with the refresh token (6) or a new grant (Wirelane);
- :class:`OioiKey`: Plugsurfing OIOI's ``Authorization: key=<key>``, plus the user token
  that OIOI carries in request bodies.

All are async only (every provider is) and register their secrets with services.http, so
logs never show them. Token requests go through the same client (retries, timeouts).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass

import httpx

from services.http import forget_secret, parse_retry_after, register_secret
from services.provider import (
    BackendUnavailable,
    Forbidden,
    InvalidCredentials,
    NotAuthenticated,
    ProviderError,
    RateLimited,
    SessionExpired,
)

Clock = Callable[[], float]


@dataclass
class BearerToken:
    access: str
    expires_at: float | None = None  # time.time() based; None: the server did not say
    refresh: str | None = None

    def __repr__(self) -> str:  # never print tokens
        return f"BearerToken(expires_at={self.expires_at})"

    def expiring(self, clock: Clock, margin_s: float) -> bool:
        return self.expires_at is not None and self.expires_at - clock() < margin_s


def _remember(token: BearerToken | None) -> None:
    if token is not None:
        register_secret(token.access)
        register_secret(token.refresh)


def _forget(token: BearerToken | None) -> None:
    if token is not None:
        forget_secret(token.access)
        forget_secret(token.refresh)


class _AsyncOnly(httpx.Auth):
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError(f"{type(self).__name__} works with httpx.AsyncClient only")


class RefreshingBearer(_AsyncOnly):
    """``Authorization: Bearer <token>``. ``refresh`` gets a new token: it is awaited when
    there is none yet, when the current one expires within ``margin_s``, and once after a
    401, after which the request is repeated (a request refused as unauthenticated was not
    carried out). Concurrent requests share one refresh."""

    def __init__(
        self,
        refresh: Callable[[], Awaitable[BearerToken | str]],
        token: BearerToken | str | None = None,
        *,
        margin_s: float = 60.0,
        clock: Clock = time.time,
    ) -> None:
        self._refresh = refresh
        self._token = self._coerce(token) if token is not None else None
        _remember(self._token)
        self._margin_s = margin_s
        self._clock = clock
        self._lock = asyncio.Lock()

    @staticmethod
    def _coerce(token: BearerToken | str) -> BearerToken:
        return token if isinstance(token, BearerToken) else BearerToken(token)

    @property
    def token(self) -> BearerToken | None:
        return self._token

    async def _renew(self, stale: BearerToken | None) -> BearerToken:
        async with self._lock:
            if self._token is not None and self._token is not stale:
                return self._token  # another request renewed it meanwhile
            fresh = self._coerce(await self._refresh())
            _forget(self._token)
            _remember(fresh)
            self._token = fresh
            return fresh

    async def _current(self) -> BearerToken:
        token = self._token
        if token is None or token.expiring(self._clock, self._margin_s):
            token = await self._renew(token)
        return token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._current()
        request.headers["Authorization"] = f"Bearer {token.access}"
        response = yield request
        if response.status_code == 401:
            token = await self._renew(token)
            request.headers["Authorization"] = f"Bearer {token.access}"
            yield request


class ApiKeyHeader(_AsyncOnly):
    """A fixed key in a header on every request (``x-api-key: <key>``)."""

    def __init__(self, key: str, header: str = "x-api-key") -> None:
        if not key:
            raise ValueError("key: an API key is required")
        register_secret(key)
        self._key = key
        self._header = header

    def __repr__(self) -> str:
        return f"ApiKeyHeader(header={self._header!r})"

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers[self._header] = self._key
        yield request


class StaticBearer(_AsyncOnly):
    """A long-lived API token sent as ``Authorization: Bearer <token>`` (AMPECO operator
    tokens); nothing to renew, a refusal is final."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("token: an API token is required")
        register_secret(token)
        self._token = token

    def __repr__(self) -> str:
        return "StaticBearer()"

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class OioiKey(_AsyncOnly):
    """OIOI's ``Authorization: key=<key>`` on every request. The user token (from
    user-login or user-register) is not a header in OIOI: it goes into the request body's
    ``user`` object, which :meth:`user` builds; it is kept here so it is redacted too."""

    def __init__(self, key: str, user_token: str | None = None) -> None:
        if not key:
            raise ValueError("key: an API key is required")
        register_secret(key)
        self._key = key
        self._user_token: str | None = None
        self.user_token = user_token

    def __repr__(self) -> str:
        return f"OioiKey(user_token={'set' if self._user_token else 'none'})"

    @property
    def user_token(self) -> str | None:
        return self._user_token

    @user_token.setter
    def user_token(self, value: str | None) -> None:
        forget_secret(self._user_token)
        register_secret(value)
        self._user_token = value or None

    def user(self, identifier: str, identifier_type: str = "username") -> dict:
        """The ``user`` object of an OIOI request for the logged-in user."""
        if self._user_token is None:
            raise NotAuthenticated(detail="no OIOI user token")
        return {
            "identifier-type": identifier_type,
            "identifier": identifier,
            "token": self._user_token,
        }

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"key={self._key}"
        yield request


class OAuth2Grant(_AsyncOnly):
    """An OAuth2 access token from ``token_url``, sent as ``Authorization: Bearer``.

    ``grant`` is ``"password"`` (a driver's ``username``/``password``) or
    ``"client_credentials"`` (the app alone). The client authenticates with ``client_id``
    and ``client_secret`` in the form body (RFC 6749 2.3.1, as Wirelane documents) or with
    HTTP Basic (``client_auth="basic"``). The token is fetched on first use, renewed
    ``margin_s`` before ``expires_in`` runs out and once after a 401 (then the request is
    repeated): with the refresh token when one was issued, else by a new grant. The
    driver's password is kept only while no refresh token stands in for it.
    ``on_refresh_token`` hears each new refresh token (to remember the login) and None
    when the login is gone."""

    def __init__(
        self,
        token_url: str,
        *,
        client_id: str,
        client_secret: str | None = None,
        grant: str = "client_credentials",
        username: str | None = None,
        password: str | None = None,
        refresh_token: str | None = None,
        scope: str | None = None,
        client_auth: str = "body",
        margin_s: float = 60.0,
        clock: Clock = time.time,
        on_refresh_token: Callable[[str | None], None] | None = None,
    ) -> None:
        if grant not in ("password", "client_credentials"):
            raise ValueError(f"grant: {grant!r} is not password or client_credentials")
        if grant == "password" and not (username and (password or refresh_token)):
            raise ValueError("username: the password grant needs a username and a password")
        if client_auth not in ("body", "basic"):
            raise ValueError(f"client_auth: {client_auth!r} is not body or basic")
        self.token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._grant = grant
        self._username = username
        self._password = password
        self._scope = scope
        self._client_auth = client_auth
        self._margin_s = margin_s
        self._clock = clock
        self._on_refresh_token = on_refresh_token
        self._token: BearerToken | None = (
            BearerToken("", expires_at=0.0, refresh=refresh_token) if refresh_token else None
        )
        self._lock = asyncio.Lock()
        for secret in (client_secret, password, refresh_token):
            register_secret(secret)

    def __repr__(self) -> str:
        return f"OAuth2Grant(grant={self._grant!r}, client_id={self._client_id!r})"

    @property
    def token(self) -> BearerToken | None:
        return self._token

    # ------------------------------------------------------------- token endpoint

    def _token_request(self, form: dict[str, str]) -> httpx.Request:
        headers = {"Accept": "application/json"}
        auth = None
        if self._client_auth == "basic":
            auth = httpx.BasicAuth(self._client_id, self._client_secret or "")
        else:
            form = {**form, "client_id": self._client_id}
            if self._client_secret:
                form["client_secret"] = self._client_secret
        request = httpx.Request("POST", self.token_url, data=form, headers=headers)
        if auth is not None:
            request = next(auth.auth_flow(request))
        return request

    def _grant_form(self) -> dict[str, str]:
        form = {"grant_type": self._grant}
        if self._grant == "password":
            if not self._password:
                raise SessionExpired(detail="no password or refresh token left to renew with")
            form.update(username=self._username or "", password=self._password)
        if self._scope:
            form["scope"] = self._scope
        return form

    def _read_token(self, response: httpx.Response, *, refreshing: bool) -> BearerToken:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        if status == 200 and body.get("access_token"):
            expires_in = body.get("expires_in")
            try:
                expires_at = self._clock() + float(expires_in) if expires_in else None
            except (TypeError, ValueError):
                expires_at = None
            return BearerToken(
                access=str(body["access_token"]),
                expires_at=expires_at,
                refresh=body.get("refresh_token") or None,
            )
        error = str(body.get("error") or "")
        detail = f"token endpoint HTTP {status}: {error or 'no access_token'}"
        if status == 429:
            raise RateLimited(
                retry_after=parse_retry_after(response.headers.get("Retry-After")), detail=detail
            )
        if status >= 500:
            raise BackendUnavailable(detail=detail)
        if error == "invalid_grant":
            if refreshing:
                raise SessionExpired(detail=detail)
            if self._grant == "password":
                raise InvalidCredentials(detail=detail)
        if error in ("invalid_client", "unauthorized_client", "invalid_scope"):
            raise Forbidden(
                "This app is not allowed to use the charging service. Check its settings.",
                detail=detail,
            )
        if status in (400, 401):
            raise NotAuthenticated(detail=detail)
        raise ProviderError(detail=detail)

    def _store(self, fresh: BearerToken, *, kept_refresh: str | None = None) -> None:
        # RFC 6749 6: without a new refresh token in the answer, the one used stays valid
        fresh.refresh = fresh.refresh or kept_refresh
        old_refresh = self._token.refresh if self._token else None
        _forget(self._token)
        _remember(fresh)
        self._token = fresh
        if fresh.refresh:
            forget_secret(self._password)
            self._password = None  # the refresh token stands in for it from now on
        if self._on_refresh_token is not None and fresh.refresh != old_refresh:
            self._on_refresh_token(fresh.refresh)

    async def _obtain(
        self, stale: BearerToken | None
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Yields token requests; leaves a fresh token in ``self._token``."""
        if self._token is not None and self._token is not stale and self._token.access:
            return  # renewed by a concurrent request meanwhile
        refresh = self._token.refresh if self._token else None
        if refresh:
            response = yield self._token_request(
                {"grant_type": "refresh_token", "refresh_token": refresh}
            )
            try:
                self._store(self._read_token(response, refreshing=True), kept_refresh=refresh)
                return
            except SessionExpired:
                if self._grant == "password" and not self._password:
                    self._drop()
                    raise
        response = yield self._token_request(self._grant_form())
        self._store(self._read_token(response, refreshing=False))

    def _drop(self) -> None:
        had = self._token is not None and self._token.refresh
        _forget(self._token)
        self._token = None
        if had and self._on_refresh_token is not None:
            self._on_refresh_token(None)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        used: BearerToken | None = None
        for after_401 in (False, True):
            async with self._lock:
                token = self._token
                if (
                    after_401
                    or token is None
                    or not token.access
                    or token.expiring(self._clock, self._margin_s)
                ):
                    # the token requests go out through the client running this flow
                    steps = self._obtain(used if after_401 else token)
                    try:
                        step = await anext(steps)
                        while True:
                            response = yield step
                            await response.aread()
                            step = await steps.asend(response)
                    except StopAsyncIteration:
                        pass
            used = self._token
            assert used is not None
            request.headers["Authorization"] = f"Bearer {used.access}"
            response = yield request
            if response.status_code != 401:
                return
