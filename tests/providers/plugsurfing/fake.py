"""An OIOI endpoint under respx: answers per request type, and every request kept."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import respx

BASE = "https://oioi.invalid"
URL = BASE + "/api/v4/request"
KEY = "a39ff3fb-fe0a-40a3-bdde-df6372c07c89"

Answer = dict | httpx.Response | Callable[[dict], dict | httpx.Response]


class FakeOioi:
    def __init__(self, router: respx.Router) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self.sent: list[tuple[str, dict, httpx.Headers]] = []
        router.post(URL).mock(side_effect=self._handle)

    def on(self, kind: str, *answers: Answer) -> None:
        """Answer ``kind`` with ``answers`` in turn; the last one repeats."""
        self.answers[kind] = list(answers)

    def kinds(self) -> list[str]:
        return [k for k, _, _ in self.sent]

    def fields(self, kind: str) -> list[dict]:
        return [f for k, f, _ in self.sent if k == kind]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        ((kind, fields),) = body.items()
        self.sent.append((kind, fields, request.headers))
        queue = self.answers.get(kind)
        if not queue:
            return httpx.Response(200, json={"result": {"code": 230, "message": "unknown"}})
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(answer):
            answer = answer(fields)
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json=answer)


def result(code: int, message: str = "") -> dict:
    return {"result": {"code": code, "message": message}}
