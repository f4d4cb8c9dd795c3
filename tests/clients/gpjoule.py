"""GP JOULE CONNECT client for tests: GraphQL over HTTP at ``<core>/gpjoule/graphql`` with
an ``x-api-key``."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.clients.http import TIMEOUT_S

DEMO_KEY = "gpjoule-demo-key"
NO_KEY = object()  # send no x-api-key header at all


class Gpj:
    """``gpj(query, variables)`` -> the whole response body; ``gpj.last_status`` is the
    HTTP status of that answer."""

    def __init__(self, base_url: str, key: str = DEMO_KEY) -> None:
        self.base_url = base_url
        self.endpoint = base_url.rstrip("/") + "/gpjoule/graphql"
        self.key = key
        self.client = httpx.Client(timeout=TIMEOUT_S)
        self.last_status = 0

    def with_key(self, key: str) -> Gpj:
        other = Gpj(self.base_url, key)
        other.client = self.client
        return other

    def __call__(self, query: str, variables: dict | None = None,
                 key: Any = None) -> dict[str, Any]:  # fmt: skip
        headers = {"Content-Type": "application/json"}
        key = self.key if key is None else key
        if key is not NO_KEY:
            headers["x-api-key"] = key
        r = self.client.post(self.endpoint, json={"query": query, "variables": variables or {}},
                             headers=headers)  # fmt: skip
        self.last_status = r.status_code
        assert r.headers["content-type"].startswith("application/json"), r.text[:500]
        return r.json()

    def data(self, query: str, variables: dict | None = None, **kw: Any) -> dict[str, Any]:
        body = self(query, variables, **kw)
        assert not body.get("errors"), json.dumps(body["errors"], indent=1)
        return body["data"]

    def error(self, query: str, variables: dict | None = None, **kw: Any) -> dict[str, Any]:
        """The first error; asserts there is one."""
        body = self(query, variables, **kw)
        assert body.get("errors"), f"expected an error, got {body}"
        return body["errors"][0]

    def close(self) -> None:
        self.client.close()


class AsyncGpj:
    """The same over an async client, for tests running beside simulated chargers."""

    def __init__(self, base_url: str, key: str = DEMO_KEY) -> None:
        self.endpoint = base_url.rstrip("/") + "/gpjoule/graphql"
        self.key = key
        self.client = httpx.AsyncClient(timeout=TIMEOUT_S)

    async def __call__(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        r = await self.client.post(
            self.endpoint, json={"query": query, "variables": variables or {}},
            headers={"x-api-key": self.key})  # fmt: skip
        return r.json()

    async def data(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        body = await self(query, variables)
        assert not body.get("errors"), json.dumps(body["errors"], indent=1)
        return body["data"]

    async def close(self) -> None:
        await self.client.aclose()
