"""Sending the webhook deliveries a facade queued (``services.webhooks``): each due delivery
is POSTed to its URL with the headers the facade's document asks for (``sign(delivery,
body) -> headers``), retried with exponential back-off until delivered or given up.

- Retries: any answer but 2xx (or none within ``SEND_TIMEOUT_S``) is retried after
  ``VOLTRA_WEBHOOK_RETRY_S`` (default 5) seconds, doubling each time, at most
  ``VOLTRA_WEBHOOK_ATTEMPTS`` (default 8) attempts. Redirects are not followed.
- Addresses: the host is resolved at each attempt and every address checked
  (``domain.webhook_targets``: public addresses only, loopback for a demo database); the
  connection goes to the checked address, so a name that changes its answer between check
  and connect cannot reach an internal one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from services.core.domain.errors import BadInput
from services.core.domain.webhook_targets import check_addresses
from services.core.services import webhooks
from services.core.store.db import from_iso
from services.settings import get_settings

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 10.0
BATCH = 20
Signer = Callable[[dict[str, Any], bytes], Mapping[str, str]]


class Deliveries:
    """The sending loop of one facade's webhooks (``api``: its partners' API name)."""

    def __init__(self, core: Any, api: str, sign: Signer) -> None:
        self.core = core
        self.api = api
        self.sign = sign
        settings = get_settings()
        self.base_s = settings.webhook_retry_s
        self.max_attempts = settings.webhook_attempts
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._http: httpx.AsyncClient | None = None
        self.demo = False

    def wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    async def start(self, core: Any) -> None:
        self._wakeup = asyncio.Event()
        self.demo = await core.db(webhooks.is_demo_database)
        self._http = httpx.AsyncClient(timeout=SEND_TIMEOUT_S, follow_redirects=False,
                                       trust_env=False)  # fmt: skip
        self._task = asyncio.create_task(self._run(), name=f"{self.api}-webhooks-deliver")

    async def stop(self, _core: Any) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._http is not None:
            await self._http.aclose()

    async def _run(self) -> None:
        assert self._wakeup is not None
        while True:
            self._wakeup.clear()
            try:
                due = await self.core.db(webhooks.due, BATCH, self.api)
                if due:
                    await asyncio.gather(*(self._send(d) for d in due))
                    continue
                nxt = await self.core.db(webhooks.next_due, self.api)
            except Exception:
                log.exception("%s webhooks: delivery round failed", self.api)
                nxt = None
            wait = 30.0 if nxt is None else (from_iso(nxt) - datetime.now(UTC)).total_seconds()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), min(30.0, max(0.02, wait)))

    async def _send(self, delivery: dict[str, Any]) -> None:
        assert self._http is not None
        body = delivery["payload"].encode()
        headers = {"Content-Type": "application/json", "User-Agent": "voltra-core-webhooks",
                   **self.sign(delivery, body)}
        ok, error = False, None
        try:
            parts = urlsplit(delivery["url"])
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme == "https" else 80)
            infos = await asyncio.get_running_loop().getaddrinfo(host, port,
                                                                 type=socket.SOCK_STREAM)
            address = check_addresses(host, [str(i[4][0]) for i in infos], demo=self.demo)
            netloc = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
            target = urlunsplit(parts._replace(netloc=netloc))
            headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
            extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
            answer = await self._http.post(target, content=body, headers=headers,
                                           extensions=extensions)
            ok = 200 <= answer.status_code < 300
            error = None if ok else f"HTTP {answer.status_code}"
        except BadInput as exc:
            error = exc.reason
        except (httpx.HTTPError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        await self.core.db(webhooks.record, delivery, ok, error, base_seconds=self.base_s,
                           max_attempts=self.max_attempts)
        if not ok:
            log.info("%s webhooks: delivery %s failed (attempt %d): %s", self.api,
                     delivery["uuid"], int(delivery["attempts"]) + 1, error)
