"""Plugsurfing OIOI v4 clients for tests: ``POST <core>/api/v4/request`` with
``Authorization: key=<partner key>``, one request type per body (:class:`Oioi`, and
:class:`AsyncOioi` for tests that drive chargers in the same event loop)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.clients.http import TIMEOUT_S

PATH = "/api/v4/request"
OEM_KEY = "oioi-demo-oem-key"
CPO_KEY = "oioi-demo-cpo-key"


@dataclass
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def code(self) -> int:
        return self.body["result"]["code"]

    @property
    def message(self) -> str:
        return self.body["result"]["message"]


def _answer(r: httpx.Response) -> Answer:
    assert r.headers["content-type"].startswith("application/json"), (r.status_code, r.text)
    body = r.json()
    assert isinstance(body, dict) and isinstance(body.get("result"), dict), body
    return Answer(r.status_code, body)


def user_ref(identifier: str, token: str | None = None, kind: str = "username"
             ) -> dict[str, Any]:  # fmt: skip
    ref = {"identifier-type": kind, "identifier": identifier}
    if token is not None:
        ref["token"] = token
    return ref


class Oioi:
    """``oioi(kind, fields)`` -> :class:`Answer`; ``oioi.raw(...)`` sends any body."""

    def __init__(self, base_url: str, key: str | None = OEM_KEY) -> None:
        self.endpoint = base_url.rstrip("/") + PATH
        self.key = key
        self.client = httpx.Client(timeout=TIMEOUT_S)

    def headers(self, key: str | None) -> dict[str, str]:
        return {"Authorization": f"key={key}"} if key is not None else {}

    def __call__(self, kind: str, fields: dict[str, Any] | None = None, *,
                 key: str | bool | None = True) -> Answer:  # fmt: skip
        return self.send({kind: {} if fields is None else fields}, key=key)

    def send(self, body: Any, *, key: str | bool | None = True) -> Answer:
        k = self.key if key is True else key
        return _answer(self.client.post(self.endpoint, json=body, headers=self.headers(k)))

    def raw(self, content: bytes, headers: dict[str, str] | None = None,
            method: str = "POST") -> Answer:  # fmt: skip
        r = self.client.request(method, self.endpoint, content=content,
                                headers={**self.headers(self.key), **(headers or {})})
        return _answer(r)

    def ok(self, kind: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
        a = self(kind, fields)
        assert a.status == 200 and a.code in (0, 11, 12), (kind, a)
        return a.body

    def sign_in(self, username: str, password: str) -> str:
        body = self.ok("user-verify", {"username": username, "password": password,
                                       "is-token": False, "language": "en"})
        return body["user"]["token"]

    def close(self) -> None:
        self.client.close()


class AsyncOioi:
    def __init__(self, base_url: str, key: str = OEM_KEY) -> None:
        self.endpoint = base_url.rstrip("/") + PATH
        self.key = key
        self.client = httpx.AsyncClient(timeout=TIMEOUT_S)

    async def __call__(self, kind: str, fields: dict[str, Any] | None = None) -> Answer:
        r = await self.client.post(self.endpoint, json={kind: fields or {}},
                                   headers={"Authorization": f"key={self.key}"})
        return _answer(r)

    async def close(self) -> None:
        await self.client.aclose()
