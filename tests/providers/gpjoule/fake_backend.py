"""A GP JOULE CONNECT endpoint for respx: answers each operation by name, records what was
sent (operation, variables, x-api-key), and can fail any operation on demand."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import respx

from services.http import RetryPolicy
from services.providers.gpjoule import GpJouleProvider

BASE = "https://connect.example.test/gpjoule"
URL = BASE + "/graphql"
KEY = "gp-partner-key-0001"

Answer = dict | httpx.Response | Callable[[dict], dict | httpx.Response]


async def no_sleep(_s: float) -> None:
    return None


def operation(request: httpx.Request) -> tuple[str, dict]:
    body = json.loads(request.content)
    head = body["query"].strip().split("(")[0].split("{")[0].split()
    return head[-1], body.get("variables") or {}


class Backend:
    def __init__(self, router: respx.MockRouter) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self.calls: list[tuple[str, dict, str | None]] = []
        self.keys: set[str] = {KEY}
        self.route = router.post(URL).mock(side_effect=self._handle)

    def on(self, op: str, *answers: Answer) -> Backend:
        """Answers for ``op`` in turn; the last one repeats."""
        self.answers[op] = list(answers)
        return self

    def sent(self, op: str) -> list[dict]:
        return [v for name, v, _k in self.calls if name == op]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        op, variables = operation(request)
        key = request.headers.get("x-api-key")
        self.calls.append((op, variables, key))
        if key not in self.keys:
            return httpx.Response(
                401,
                json={
                    "errors": [
                        {
                            "message": "x-api-key: missing or unknown API key",
                            "extensions": {"code": "UNAUTHENTICATED"},
                        }
                    ]
                },
            )
        queue = self.answers.get(op)
        if not queue:
            raise AssertionError(f"unexpected operation {op}")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(answer):
            answer = answer(variables)
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json=answer)


def data(op: str, value: Any) -> dict:
    return {"data": {op: value}}


def provider(**kw: Any) -> GpJouleProvider:
    kw.setdefault("retry", RetryPolicy(attempts=3, sleep=no_sleep))
    kw.setdefault("poll_interval_s", 0.01)
    return GpJouleProvider(BASE, **kw)
