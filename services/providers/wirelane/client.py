"""HTTP for the Wirelane API: the OAuth2 password grant and JSON GETs with typed errors.

Sign-in is the documented password grant (``client_id``, ``client_secret``, ``username``,
``password``, form-encoded to ``<base>/token`` unless another token URL is given), with scope
``account_admin``. :class:`services.auth.OAuth2Grant` renews the token before it expires
(by a refresh token when the server issues one, else by a new grant) and once after a 401.
The organisation the paths name is given, or read from the access token's claims.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc import jws
from joserfc.errors import JoseError

from services.auth import BearerToken, OAuth2Grant
from services.http import RedactingFilter, RetryPolicy, create_client
from services.provider import (
    BackendUnavailable,
    InvalidInput,
    NotAuthenticated,
    ProviderError,
)
from services.providers.common.transport_errors import unreachable

from . import requests as R
from .errors import from_response
from .wire import TokenClaims

log = logging.getLogger("voltra.http.wirelane")
log.addFilter(RedactingFilter())  # tokens and secrets must not reach any log handler

SCOPE = "account_admin"
RENEW_MARGIN_S = 60.0
MAX_PAGES = 50  # a list read to its end stops here (5,000 items at PAGE_SIZE)


def token_claims(access_token: str) -> TokenClaims:
    """The access token's claims, unverified: the server checks its own signature, the app
    only reads which organisation it acts for."""
    try:
        payload = jws.extract_compact(access_token.encode()).payload
        return TokenClaims.model_validate(json.loads(payload))
    except (JoseError, ValueError, TypeError):
        return TokenClaims()


def check_client(client_id: str | None, client_secret: str | None) -> None:
    if not client_id:
        raise InvalidInput("Enter the client id of this app.", field="client_id")
    if not client_secret:
        raise InvalidInput("Enter the client secret of this app.", field="client_secret")


class WirelaneClient:
    def __init__(
        self,
        base_url: str,
        *,
        client_id: str | None,
        client_secret: str | None,
        token_url: str | None = None,
        organisation_id: str | None = None,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        on_refresh_token: Callable[[str | None], None] | None = None,
    ) -> None:
        # Without a client the login must bring one (a remembered login's resume key)
        if client_id is not None or client_secret is not None:
            check_client(client_id, client_secret)
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url or self.base_url + "/token"
        self._client_id = client_id
        self._client_secret = client_secret
        self._given_organisation = organisation_id
        self._http = http or create_client(retry=retry)
        self._own_http = http is None
        self._clock = clock
        self._on_refresh_token = on_refresh_token
        self._grant: OAuth2Grant | None = None

    def __repr__(self) -> str:
        return f"WirelaneClient({self.base_url!r}, client_id={self._client_id!r})"

    @property
    def client(self) -> tuple[str | None, str | None]:
        """The app's OAuth client (id, secret) the token endpoint is asked with."""
        return self._client_id, self._client_secret

    def use_client(self, client_id: str | None, client_secret: str | None) -> None:
        check_client(client_id, client_secret)
        self._client_id, self._client_secret = client_id, client_secret

    @property
    def signed_in(self) -> bool:
        return self._grant is not None and self._grant.token is not None

    @property
    def grant_token(self) -> BearerToken | None:
        """The token the grant holds now (access and, where issued, refresh), or None."""
        return self._grant.token if self._grant else None

    @property
    def claims(self) -> TokenClaims:
        token = self._grant.token if self._grant else None
        return token_claims(token.access) if token and token.access else TokenClaims()

    @property
    def organisation_id(self) -> str:
        org = self._given_organisation or self.claims.org_id
        if not org:
            raise NotAuthenticated(detail="no organisation: not signed in, none in the token")
        return org

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    # ------------------------------------------------------------- sign-in

    async def sign_in(
        self,
        username: str,
        *,
        password: str | None = None,
        refresh_token: str | None = None,
    ) -> None:
        """Obtain a token now, so a wrong password or client is reported at sign-in."""
        check_client(self._client_id, self._client_secret)
        grant = OAuth2Grant(
            self.token_url,
            client_id=self._client_id,
            client_secret=self._client_secret,
            grant="password",
            username=username,
            password=password,
            refresh_token=refresh_token,
            scope=SCOPE,
            client_auth="body",
            margin_s=RENEW_MARGIN_S,
            clock=self._clock,
            on_refresh_token=self._on_refresh_token,
        )
        await self._obtain(grant)
        self._grant = grant

    async def _obtain(self, grant: OAuth2Grant) -> None:
        # Runs the grant's auth flow up to the point where it would send a request: only
        # the token requests go out.
        probe = httpx.Request("GET", self.token_url)
        flow = grant.async_auth_flow(probe)
        try:
            request = await anext(flow)
            while request is not probe:
                response = await self._send(request)
                await response.aread()
                request = await flow.asend(response)
        finally:
            await flow.aclose()

    def sign_out(self) -> None:
        """Forget the token. The document has no revocation endpoint; a JWT ends at expiry."""
        grant, self._grant = self._grant, None
        if grant is not None and self._on_refresh_token is not None:
            self._on_refresh_token(None)

    # ------------------------------------------------------------- requests

    async def _send(
        self, request: httpx.Request, *, auth: httpx.Auth | None = None
    ) -> httpx.Response:
        try:
            return await self._http.send(request, auth=auth)
        except httpx.TransportError as exc:
            raise unreachable(exc) from exc

    async def get(self, path: str, params: R.Params | None = None) -> Any:
        """GET ``path`` (below the base URL) as the signed-in user; the JSON answer."""
        if self._grant is None:
            raise NotAuthenticated(detail="not signed in")
        request = self._http.build_request(
            "GET",
            self.base_url + path,
            params=params or [],
            headers={"Accept": "application/json"},
        )
        response = await self._send(request, auth=self._grant)
        if response.status_code != 200:
            raise from_response(response)
        try:
            return response.json()
        except ValueError as exc:
            raise BackendUnavailable(detail=f"{path}: answer is not JSON") from exc

    async def get_list(self, path: str, params: R.Params, page: int, page_size: int) -> list:
        """One page of a list operation (a bare JSON array)."""
        body = await self.get(path, [*params, *R.paging(page, page_size)])
        if not isinstance(body, list):
            raise ProviderError(detail=f"{path}: expected a JSON array")
        return body

    async def get_all(
        self, path: str, params: R.Params, *, max_pages: int = MAX_PAGES
    ) -> list:
        """Every item of a list operation, page after page until a short page."""
        items: list = []
        for page in range(1, max_pages + 1):
            batch = await self.get_list(path, params, page, R.PAGE_SIZE)
            items.extend(batch)
            if len(batch) < R.PAGE_SIZE:
                break
        return items
