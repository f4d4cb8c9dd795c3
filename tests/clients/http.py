"""Plain HTTP requests for tests (pages, downloads, health): httpx with one generous timeout,
so a busy machine slows a test down instead of failing it."""

from __future__ import annotations

from typing import Any

import httpx

TIMEOUT_S = 60.0


def get(url: str, **kw: Any) -> httpx.Response:
    kw.setdefault("timeout", TIMEOUT_S)
    return httpx.get(url, **kw)


def post(url: str, **kw: Any) -> httpx.Response:
    kw.setdefault("timeout", TIMEOUT_S)
    return httpx.post(url, **kw)
