"""An AMPECO client for the contract tests: requests by the document's path template and
path values, every answer checked against the document (``openapi_check``)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.contract.ampeco.openapi_check import check_response

DEMO_TOKEN = "ampeco-demo-token"


class Ampeco:
    def __init__(self, base_url: str, token: str | None = DEMO_TOKEN) -> None:
        self.token = token
        self.http = httpx.Client(base_url=base_url, timeout=60.0)

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, template: str, *, params: Any = None, json: Any = None,
             token: str | None = "", headers: dict[str, str] | None = None,
             **path: Any) -> httpx.Response:  # fmt: skip
        """One request, checked; ``token=""`` uses the client's token, None sends none."""
        url = template.format(**{k: str(v) for k, v in path.items()})
        token = self.token if token == "" else token
        sent = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        response = self.http.request(method, url, params=params, json=json, headers=sent)
        check_response(method, template, response)
        return response

    def get(self, template: str, *, params: Any = None, token: str | None = "",
            **path: Any) -> httpx.Response:  # fmt: skip
        return self.call("GET", template, params=params, token=token, **path)

    def ok(self, template: str, *, params: Any = None, **path: Any) -> Any:
        """The body of a GET that must succeed."""
        response = self.get(template, params=params, **path)
        assert response.status_code == 200, response.text[:500]
        return response.json()

    def all_pages(self, template: str, *, params: Any = None, **path: Any) -> list[Any]:
        """Every item of a cursor-paginated listing, following ``links.next``."""
        items: list[Any] = []
        body = self.ok(template, params={**(params or {}), "cursor": ""}, **path)
        items.extend(body["data"])
        while body["links"]["next"]:
            response = self.http.get(body["links"]["next"],
                                     headers={"Authorization": f"Bearer {self.token}"})
            check_response("GET", template, response)
            assert response.status_code == 200, response.text[:300]
            body = response.json()
            items.extend(body["data"])
        return items
