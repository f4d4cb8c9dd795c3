"""HTTP for the AMPECO Public API: the operator's token as ``Authorization: Bearer`` on every
request, JSON in and out, cursor pagination followed to the end, typed errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from services.auth import StaticBearer
from services.http import RetryPolicy, create_client, forget_secret, idempotent
from services.provider import BackendUnavailable, NotAuthenticated
from services.providers.common.transport_errors import unreachable

from .errors import from_response
from .wire import Listing

PREFIX = "/public-api"
PER_PAGE = 100  # the document's maximum
MAX_PAGES = 2_000  # 200,000 items: a listing read to its end stops here

Params = list[tuple[str, str]]


class AmpecoClient:
    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        kw: dict[str, Any] = {"retry": retry}
        if timeout is not None:
            kw["timeout"] = timeout
        self._http = http or create_client(**kw)
        self._own_http = http is None
        self._token: str | None = None

    def __repr__(self) -> str:
        return f"AmpecoClient({self.base_url!r})"

    @property
    def has_token(self) -> bool:
        return self._token is not None

    @property
    def token(self) -> str | None:
        return self._token

    def set_token(self, token: str | None) -> None:
        if self._token and self._token != token:
            forget_secret(self._token)
        self._token = token or None
        self._http.auth = StaticBearer(token) if token else None

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        ok: Iterable[int] = (200,),
        safe: bool | None = None,
    ) -> Any:
        """``path`` below ``/public-api``; the JSON answer (None for an empty body)."""
        if self._token is None:
            raise NotAuthenticated("Sign in with your operator's API token first.")
        extensions = idempotent(safe) if safe is not None else {}
        try:
            response = await self._http.request(
                method,
                self.base_url + PREFIX + path,
                params=params or [],
                json=json,
                headers={"Accept": "application/json"},
                extensions=extensions,
            )
        except httpx.TransportError as exc:
            raise unreachable(exc) from exc
        if response.status_code not in tuple(ok):
            raise from_response(response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise BackendUnavailable(detail=f"{path}: answer is not JSON") from exc

    async def get(self, path: str, params: Params | None = None) -> Any:
        return await self.request("GET", path, params=params)

    async def data(self, path: str, params: Params | None = None) -> dict:
        """The ``data`` object of a read."""
        body = await self.get(path, params)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise BackendUnavailable(detail=f"{path}: no data object")
        return data

    async def page(
        self, path: str, params: Params | None = None, *, cursor: str = "", per_page: int = PER_PAGE
    ) -> Listing:
        """One page of a listing; an empty cursor asks for the first page of cursor paging."""
        body = await self.get(
            path, [*(params or []), ("per_page", str(per_page)), ("cursor", cursor)]
        )
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise BackendUnavailable(detail=f"{path}: no data array")
        return Listing.model_validate(body)

    async def all(
        self, path: str, params: Params | None = None, *, max_pages: int = MAX_PAGES
    ) -> list[dict]:
        """Every item of a listing, page after page until no next cursor."""
        items: list[dict] = []
        cursor = ""
        seen: set[str] = set()
        for _ in range(max_pages):
            listing = await self.page(path, params, cursor=cursor)
            items.extend(d for d in listing.data if isinstance(d, dict))
            nxt = listing.meta.next_cursor if listing.meta else None
            if not nxt or nxt in seen:
                break
            seen.add(nxt)
            cursor = nxt
        return items
