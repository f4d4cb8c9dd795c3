"""Webhook deliveries: following the core's events, queueing a signed JSON delivery per
webhook and happening, and sending them with retries.

- Happenings: a session of a member or on the organisation's stations starts
  (``session.started``: charging began) or ends (``session.ended``), an organisation's own
  point changes status (``point.status_changed``). Each is queued once per webhook.
- Body: ``{"event", "organization_id", "creation_date", "data"}``, ``data`` being the
  session or point exactly as ``GET`` answers it.
- Signature: ``X-Wirelane-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>"
  under the webhook's secret>``; ``X-Wirelane-Event``, ``X-Wirelane-Delivery`` (its id).
- Sending, retries and the address checks: ``api.rest.webhook_delivery.Deliveries``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import time
from collections import OrderedDict
from typing import Any

import orjson

from services.core.api.rest.webhook_delivery import Deliveries
from services.core.api.wirelane import vocabulary as words
from services.core.api.wirelane.render_points import point as render_point
from services.core.api.wirelane.render_sessions import session as render_session
from services.core.events import family_topic
from services.core.services import organisations, webhooks
from services.core.store.db import utcnow
from services.core.store.organisation_sessions import SessionQuery

log = logging.getLogger(__name__)

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
        self.deliveries = Deliveries(core, "wirelane", self._headers)
        self._tasks: list[asyncio.Task] = []
        self._queued: OrderedDict[tuple[int, str], None] = OrderedDict()

    def wake(self) -> None:
        self.deliveries.wake()

    async def start(self, core: Any) -> None:
        await self.deliveries.start(core)
        self._tasks = [asyncio.create_task(self._follow(), name="webhooks-follow")]

    async def stop(self, core: Any) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.deliveries.stop(core)

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

    @staticmethod
    def _headers(delivery: dict[str, Any], body: bytes) -> dict[str, str]:
        stamp = str(int(time.time()))
        return {"X-Wirelane-Event": delivery["event"], "X-Wirelane-Delivery": delivery["uuid"],
                "X-Wirelane-Signature": f"t={stamp},v1="
                + signature(delivery["secret"] or "", stamp, body)}
