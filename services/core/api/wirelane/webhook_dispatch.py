"""Webhook deliveries: following the core's events, queueing a signed JSON delivery per
webhook and happening, and sending them with retries.

- Happenings: a session of a member or on the organisation's stations starts
  (``session.started``: charging began) or ends (``session.ended``), an organisation's own
  point changes status (``point.status_changed``). Each is queued once per webhook.
- Body: ``{"event", "organization_id", "creation_date", "data"}``, ``data`` being the
  session or point exactly as ``GET`` answers it.
- Signature: ``X-Wirelane-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>"
  under the webhook's secret>``; ``X-Wirelane-Event``, ``X-Wirelane-Delivery`` (its id).
- Retries: any answer but 2xx (or no answer within 10 s) is retried after
  ``VOLTRA_WEBHOOK_RETRY_S`` (default 5) seconds, doubling each time, at most
  ``VOLTRA_WEBHOOK_ATTEMPTS`` (default 8) attempts. Redirects are not followed.
- Addresses: the host is resolved at each attempt and every address checked
  (``domain.webhook_targets``); the connection goes to the checked address, so a name that
  changes its answer between check and connect cannot reach an internal one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import os
import socket
import time
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import orjson

from services.core.api.wirelane import vocabulary as words
from services.core.api.wirelane.render_points import point as render_point
from services.core.api.wirelane.render_sessions import session as render_session
from services.core.domain.errors import BadInput
from services.core.domain.webhook_targets import check_addresses
from services.core.events import family_topic
from services.core.services import organisations, webhooks
from services.core.store.db import from_iso, utcnow
from services.core.store.organisation_sessions import SessionQuery

log = logging.getLogger(__name__)

RETRY_ENV = "VOLTRA_WEBHOOK_RETRY_S"
ATTEMPTS_ENV = "VOLTRA_WEBHOOK_ATTEMPTS"
SEND_TIMEOUT_S = 10.0
BATCH = 20
COALESCE_S = 0.2  # meter values arrive in bursts; one look per burst is enough
SEEN_SIZE = 20_000
STARTED = ("charging", "stopping")
ENDED = ("finished", "failed")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                    hashlib.sha256).hexdigest()  # fmt: skip


class Dispatch:
    def __init__(self, core: Any) -> None:
        self.core = core
        self.base_s = float(os.environ.get(RETRY_ENV) or 5.0)
        self.max_attempts = int(os.environ.get(ATTEMPTS_ENV) or 8)
        self._wakeup: asyncio.Event | None = None
        self._tasks: list[asyncio.Task] = []
        self._http: httpx.AsyncClient | None = None
        self._demo = False
        self._queued: OrderedDict[tuple[int, str], None] = OrderedDict()

    def wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    async def start(self, core: Any) -> None:
        self._wakeup = asyncio.Event()
        self._demo = await core.db(webhooks.is_demo_database)
        self._http = httpx.AsyncClient(timeout=SEND_TIMEOUT_S, follow_redirects=False,
                                       trust_env=False)  # fmt: skip
        self._tasks = [asyncio.create_task(self._follow(), name="webhooks-follow"),
                       asyncio.create_task(self._deliver(), name="webhooks-deliver")]

    async def stop(self, _core: Any) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._http is not None:
            await self._http.aclose()

    # -------------------------------------------------------------- queueing

    async def _follow(self) -> None:
        sub = self.core.bus.subscribe([family_topic("session"), family_topic("connector")],
                                      maxsize=4096)  # fmt: skip
        try:
            while True:
                events = [await sub.get()]
                await asyncio.sleep(COALESCE_S)
                while sub.pending():
                    events.append(await sub.get())
                sessions = {int(e.payload["session_id"]) for e in events
                            if e.topic.startswith("session:")}
                connectors = {int(e.payload.connector_id) for e in events
                              if e.topic.startswith("connector:")}
                try:
                    if await self.core.db(webhooks.any_active) and \
                            await self._enqueue(sessions, connectors):
                        self.wake()
                except Exception:
                    log.exception("webhooks: queueing deliveries failed")
        finally:
            sub.close()

    def _seen(self, hook: dict[str, Any], key: str) -> bool:
        """Whether this process already queued the happening for the hook: a running
        session announces itself with every meter value, and is looked at only once."""
        return (hook["id"], key) in self._queued

    async def _queue(self, hook: dict[str, Any], event: str, key: str, data: Any) -> bool:
        body = orjson.dumps({"event": event, "organization_id": hook["organisation"],
                             "creation_date": words.timestamp(utcnow()), "data": data})
        queued = await self.core.db(webhooks.enqueue, hook["id"], event, key, body.decode())
        self._queued[(hook["id"], key)] = None
        while len(self._queued) > SEEN_SIZE:
            self._queued.popitem(last=False)
        return queued

    async def _enqueue(self, session_ids: set[int], connector_ids: set[int]) -> bool:
        hooks = await self.core.db(webhooks.active_webhooks, "wirelane")
        queued = False
        for s in await self.core.db(webhooks.session_states, sorted(session_ids)):
            event = "session.started" if s["state"] in STARTED else \
                "session.ended" if s["state"] in ENDED else None
            if event is None:
                continue
            for hook in hooks:
                key = f"{event}:{s['uuid']}"
                if event not in hook["events"].split() or self._seen(hook, key):
                    continue
                query = SessionQuery(hook["partner_id"], hook["operator_id"])
                row = await self.core.db(organisations.session, query, s["uuid"])
                if row is not None:
                    data = render_session(row, hook["organisation"])
                    queued |= await self._queue(hook, event, key, data)
        for cid in sorted(connector_ids):
            place = await self.core.db(webhooks.connector_station, cid)
            if place is None:
                continue
            key = f"point.status_changed:{cid}:{place['status_since']}:" \
                f"{place['calculated_status']}"
            owners = [h for h in hooks if h["operator_id"] == place["operator_id"]
                      and "point.status_changed" in h["events"].split()
                      and not self._seen(h, key)]
            if not owners:
                continue
            point = await self.core.db(organisations.point, "id", str(cid))
            if point is None:
                continue
            data = render_point(point)
            for hook in owners:
                queued |= await self._queue(hook, "point.status_changed", key, data)
        return queued

    # -------------------------------------------------------------- sending

    async def _deliver(self) -> None:
        assert self._wakeup is not None
        while True:
            self._wakeup.clear()
            try:
                due = await self.core.db(webhooks.due, BATCH, "wirelane")
                if due:
                    await asyncio.gather(*(self._send(d) for d in due))
                    continue
                nxt = await self.core.db(webhooks.next_due, "wirelane")
            except Exception:
                log.exception("webhooks: delivery round failed")
                nxt = None
            wait = 30.0 if nxt is None else (from_iso(nxt) - datetime.now(UTC)).total_seconds()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), min(30.0, max(0.02, wait)))

    async def _send(self, delivery: dict[str, Any]) -> None:
        assert self._http is not None
        body = delivery["payload"].encode()
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "User-Agent": "voltra-core-webhooks",
                   "X-Wirelane-Event": delivery["event"], "X-Wirelane-Delivery": delivery["uuid"],
                   "X-Wirelane-Signature": f"t={stamp},v1="
                   + signature(delivery["secret"] or "", stamp, body)}
        ok, error = False, None
        try:
            parts = urlsplit(delivery["url"])
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme == "https" else 80)
            infos = await asyncio.get_running_loop().getaddrinfo(host, port,
                                                                 type=socket.SOCK_STREAM)
            address = check_addresses(host, [str(i[4][0]) for i in infos], demo=self._demo)
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
            log.info("webhooks: delivery %s failed (attempt %d): %s", delivery["uuid"],
                     int(delivery["attempts"]) + 1, error)
