"""AMPECO notifications: following the core's events, queueing one delivery per subscription
and happening, sending them signed (``rest.webhook_delivery``: retries with back-off, public
addresses only).

Sent (the rest of the document's names may be subscribed but this core never has them):
- ``session.start.stop.notification`` and the deprecated ``SessionStartStopNotification``:
  a session of one of the operator's users began charging (``action: start``) or finished
  (``action: stop``); ``SessionUpdateNotification``: such a session changed status, with
  the session as ``GET /sessions`` shows it;
- ``HardwareStatusNotification`` and ``evse.changed`` (``action: updated``): an EVSE of the
  operator's network changed status;
- ``reservation.changed``: a reservation of one of the operator's users changed status.

Headers as the document says: ``X-Signature`` is the hex SHA256-HMAC of the body under the
access token that created the subscription; ``X-Timestamp`` the sending time (ISO 8601,
microseconds, Zulu); ``X-Tenant`` the operator's partner id.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections import OrderedDict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from services.core.api.ampeco.render_reservations import render as render_reservation
from services.core.api.ampeco.render_sessions import session as render_session
from services.core.api.ampeco.respond import timestamp
from services.core.api.rest.webhook_delivery import Deliveries
from services.core.events import family_topic
from services.core.services import member_notifications, webhooks
from services.core.store.db import utcnow

log = logging.getLogger(__name__)

API = "ampeco"
COALESCE_S = 0.2  # meter values arrive in bursts; one look per burst is enough
SEEN_SIZE = 20_000
START_STOP = ("session.start.stop.notification", "SessionStartStopNotification")
HARDWARE = {"Available": "available", "Preparing": "preparing", "Charging": "charging",
            "SuspendedEV": "suspendedEV", "SuspendedEVSE": "suspendedEVSE",
            "Finishing": "finishing", "Reserved": "reserved", "Unavailable": "unavailable",
            "Faulted": "faulted"}  # fmt: skip


def signature(token: str, body: bytes) -> str:
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


class Dispatch:
    def __init__(self, core: Any) -> None:
        self.core = core
        self.deliveries = Deliveries(core, API, self._headers)
        self._task: asyncio.Task | None = None
        self._queued: OrderedDict[tuple[int, str], None] = OrderedDict()
        self._tenants: dict[int, str] = {}

    def _headers(self, delivery: dict[str, Any], body: bytes) -> Mapping[str, str]:
        return {"X-Signature": signature(delivery["secret"] or "", body),
                "X-Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "X-Tenant": self._tenants.get(int(delivery.get("webhook_id") or 0), "")}

    def wake(self) -> None:
        self.deliveries.wake()

    async def start(self, core: Any) -> None:
        await self.deliveries.start(core)
        self._task = asyncio.create_task(self._follow(), name="ampeco-notifications-follow")

    async def stop(self, core: Any) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.deliveries.stop(core)

    async def _follow(self) -> None:
        sub = self.core.bus.subscribe([family_topic("session"), family_topic("connector"),
                                       family_topic("reservation")], maxsize=4096)
        try:
            while True:
                events = [await sub.get()]
                await asyncio.sleep(COALESCE_S)
                while sub.pending():
                    events.append(await sub.get())
                try:
                    if await self.core.db(webhooks.any_active) and await self._enqueue(events):
                        self.wake()
                except Exception:
                    log.exception("ampeco notifications: queueing deliveries failed")
        finally:
            sub.close()

    async def _queue(self, hook: dict[str, Any], event: str, key: str,
                     body: dict[str, Any]) -> bool:  # fmt: skip
        if (hook["id"], key) in self._queued:
            return False
        queued = await self.core.db(webhooks.enqueue, hook["id"], event, key,
                                    orjson.dumps(body).decode())  # fmt: skip
        self._queued[(hook["id"], key)] = None
        while len(self._queued) > SEEN_SIZE:
            self._queued.popitem(last=False)
        return queued

    async def _enqueue(self, events: list[Any]) -> bool:
        hooks = await self.core.db(webhooks.active_webhooks, API)
        if not hooks:
            return False
        for hook in hooks:
            self._tenants[int(hook["id"])] = hook["partner_uuid"]
        sessions = sorted({int(e.payload["session_id"]) for e in events
                           if e.topic.startswith("session:")})
        connectors = sorted({int(e.payload.connector_id) for e in events
                             if e.topic.startswith("connector:")})
        held = sorted({int(e.payload["reservation_id"]) for e in events
                       if e.topic.startswith("reservation:")})
        queued = False
        for hook in hooks:
            wanted = set(hook["events"].split())
            if wanted & {*START_STOP, "SessionUpdateNotification"}:
                for sid in sessions:
                    queued |= await self._session(hook, wanted, sid)
            if wanted & {"HardwareStatusNotification", "evse.changed"}:
                for cid in connectors:
                    queued |= await self._connector(hook, wanted, cid)
            if "reservation.changed" in wanted:
                for rid in held:
                    queued |= await self._reservation(hook, rid)
        return queued

    async def _session(self, hook: dict[str, Any], wanted: set[str], session_id: int) -> bool:
        row = await self.core.db(member_notifications.session_of_partner, hook["partner_id"],
                                 session_id)  # fmt: skip
        if row is None:
            return False
        queued = False
        operator_id = hook["operator_id"] or 0
        if "SessionUpdateNotification" in wanted:
            queued |= await self._queue(
                hook, "SessionUpdateNotification", f"update:{session_id}:{row['state']}",
                {"notification": "SessionUpdateNotification",
                 "session": render_session(row, operator_id)})
        action = {"charging": "start", "stopping": "start", "finished": "stop"}.get(row["state"])
        if action is None:
            return queued
        shown = render_session(row, operator_id)
        body: dict[str, Any] = {
            "sessionId": int(row["id"]), "userId": row["user_id"],
            "chargePointId": int(row["station_id"]), "evseId": int(row["connector_id"]),
            "action": action, "idTag": row["auth_id"],
            "startedAtTimestamp": shown["startedAt"],
            "meterStart": int(row["meter_start"] or 0),
            "meterStop": int(row["meter_end"] if row["meter_end"] is not None
                             else row["meter_start"] or 0),
            "energyConsumed": shown["energy"], "lastUpdatedAt": shown["lastUpdatedAt"]}
        if action == "stop":
            body["stoppedAtTimestamp"] = shown["stoppedAt"]
            if "reason" in shown:
                body["reason"] = shown["reason"]
        for name in START_STOP:
            if name in wanted:
                queued |= await self._queue(hook, name, f"{name}:{action}:{session_id}",
                                            {"notification": name, **body})  # fmt: skip
        return queued

    async def _connector(self, hook: dict[str, Any], wanted: set[str], connector_id: int
                         ) -> bool:  # fmt: skip
        place = await self.core.db(member_notifications.connector, hook["operator_id"],
                                   connector_id)  # fmt: skip
        if place is None:
            return False
        key = f"{connector_id}:{place['status_since']}:{place['ocpp_status']}"
        when = timestamp(place["status_since"] or utcnow())
        queued = False
        if "HardwareStatusNotification" in wanted and place["ocpp_status"] in HARDWARE:
            queued |= await self._queue(hook, "HardwareStatusNotification", f"hw:{key}", {
                "notification": "HardwareStatusNotification",
                "chargePointId": int(place["station_id"]), "evseId": connector_id,
                "timestamp": when, "hardwareStatus": HARDWARE[place["ocpp_status"]]})
        if "evse.changed" in wanted:
            queued |= await self._queue(hook, "evse.changed", f"evse:{key}", {
                "notification": "evse.changed", "evseId": connector_id, "action": "updated",
                "lastUpdatedAt": when})
        return queued

    async def _reservation(self, hook: dict[str, Any], reservation_id: int) -> bool:
        found = await self.core.db(member_notifications.reservation, hook["partner_id"],
                                   reservation_id)  # fmt: skip
        if found is None:
            return False
        shown = render_reservation(found, hook["operator_id"] or 0)
        return await self._queue(hook, "reservation.changed",
                                 f"reservation:{reservation_id}:{shown['status']}", {
                                     "notification": "reservation.changed",
                                     "reservationId": reservation_id, "status": shown["status"],
                                     "lastUpdatedAt": shown["lastUpdatedAt"]})
