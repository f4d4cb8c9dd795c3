"""GraphQL over HTTP for GP JOULE CONNECT: ``POST <api-url>/graphql`` with the partner key
in ``x-api-key`` on every request (services.auth.ApiKeyHeader)."""

from __future__ import annotations

import httpx

from services.auth import ApiKeyHeader
from services.http import RetryPolicy, create_client, forget_secret
from services.provider import InvalidCredentials, NotAuthenticated
from services.providers.common.graphql import GraphQLTransport

from .errors import from_error, key_refused

# remoteStart may be answered only once the charger has accepted or refused the command.
DEFAULT_TIMEOUT = httpx.Timeout(45.0, connect=5.0)


class GraphQLClient:
    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.endpoint = self.base_url + "/graphql"
        self._http = http or create_client(retry=retry, timeout=timeout)
        self._own_http = http is None
        self._transport = GraphQLTransport(self.endpoint, self._http, errors=from_error)
        self._key: str | None = None

    @property
    def has_key(self) -> bool:
        return self._key is not None

    @property
    def key(self) -> str | None:
        return self._key

    def set_key(self, key: str | None) -> None:
        if self._key and self._key != key:
            forget_secret(self._key)
        self._key = key or None
        self._http.auth = ApiKeyHeader(key) if key else None

    async def execute(
        self, document: str, variables: dict | None = None, *, safe: bool | None = None
    ) -> dict:
        """Run one operation; return ``data``. Queries are safe to repeat; mutations only
        when the caller says so."""
        if self._key is None:
            raise NotAuthenticated("Sign in with your operator's API key first.")
        if safe is None:
            safe = document.lstrip().startswith("query")
        try:
            return await self._transport.post(document, variables or {}, safe=safe)
        except NotAuthenticated as exc:
            # a bare HTTP 401 (no GraphQL body): still the key, the only credential sent
            if isinstance(exc, InvalidCredentials):
                raise
            raise key_refused(exc.detail) from exc

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()
