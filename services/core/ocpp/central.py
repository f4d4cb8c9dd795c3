"""The OCPP 1.6J central system: connected charge points and the commands sent to them.

One ``CentralSystem`` per core; it is the core's ``ChargerGateway`` (``core.gateway``). It
keeps the live links by charge point identity (station uuid), batches meter values into one
transaction per flush, and runs a sweeper that fails remote starts that never began, stops
sessions whose stopMinutes / rate package automaticStop has elapsed or that reached a limit
of their stop conditions (also checked on every stored batch of meter values), and expires
reservations whose time ran out.

Tunables (``services.settings``, from the environment; defaults are production values):
- ``VOLTRA_OCPP_HEARTBEAT`` heartbeat interval sent in BootNotification (s, default 300);
- ``VOLTRA_OCPP_METER_INTERVAL`` MeterValueSampleInterval set on each charger after its
  BootNotification (s, default 10: a driver watching the live view sees the meter move);
- ``VOLTRA_OCPP_CALL_TIMEOUT`` how long to wait for a charger's reply (s, default 30);
- ``VOLTRA_REMOTE_START_TIMEOUT`` how long a remote start may wait for the vehicle (s, 120);
- ``VOLTRA_MINUTE_SECONDS`` length of a "minute" for stopMinutes/automaticStop (default 60;
  demos and tests with a simulated time factor shorten it);
- ``VOLTRA_STALE_SESSION_GRACE`` how long after a connector reported Available a session
  still open there is closed as stale (s, default 120);
- ``VOLTRA_DEMO_TIME_FACTOR`` how much faster than its clock a charger authenticated with
  demo credentials may deliver energy (default 10000: the simulator's ``--speed``);
- ``VOLTRA_METER_TIME_FACTOR`` the same for chargers with their own credentials (default 1:
  held to the physics of their connectors; only a simulated charger with a real password,
  in a test, needs more).

Charger authentication (OCPP 1.6 security profile 1): every charger presents HTTP Basic
credentials (user = its identity) in the WebSocket upgrade; a station without provisioned
credentials, or a wrong password, is refused before the upgrade. A second connection with
the identity of a connected charger replaces the first only once it has authenticated
itself (a charger that reconnects before its old socket timed out); an unauthenticated one
never touches the existing link.

Durability window: MeterValues are acknowledged when queued and stored within
``METER_FLUSH_S``; a crash in between loses at most that window of the live view, never
energy: the register is cumulative, so the charger's next MeterValues and its
StopTransaction (meterStop and transactionData, queued in its outbox while the core is
down) restore the session's readings and its billed energy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from starlette.websockets import WebSocket, WebSocketDisconnect

from services.core.demo.chargers import is_demo_password
from services.core.domain import charging, reservations, stop_conditions
from services.core.domain.charging import Failure
from services.core.domain.status import derive, publish_connector_status
from services.core.events import reservation_topic, session_topic
from services.core.ocpp import credentials, frames
from services.core.ocpp import status as status_store
from services.core.ocpp.link import StationLink
from services.core.store.db import to_iso
from services.settings import get_settings

log = logging.getLogger(__name__)

SUBPROTOCOL = "ocpp1.6"
METER_FLUSH_S = 0.25
SWEEP_S = 1.0
MAX_QUEUED_METER_ROWS = 200_000  # while the store is unavailable; older rows go first


class BoundedRecords(logging.Filter):
    """The ocpp library logs whole frames; a charger decides how big those are."""

    LIMIT = 1000

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        if len(message) > self.LIMIT:
            record.msg, record.args = frames.prefix(message[: self.LIMIT]) + "...", None
        record.exc_text = record.exc_text[: self.LIMIT] if record.exc_text else record.exc_text
        return True


class StarletteConnection:
    """What the ocpp library's ChargePoint needs from a connection: recv() and send()."""

    def __init__(self, ws: WebSocket, identity: str) -> None:
        self.ws = ws
        self.identity = identity

    async def recv(self) -> str:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
            if message.get("text") is not None:
                return message["text"]
            await self._binary(message.get("bytes") or b"")

    async def _binary(self, data: bytes) -> None:
        # OCPP-J is text frames only; the connection stays, the charger learns why.
        log.warning("ocpp %s: binary frame ignored: %s", self.identity, frames.prefix(data))
        uid = frames.unique_id_of(data[:64].decode("latin-1"))
        if uid is not None:
            await self.send(
                frames.call_error(uid, "FormationViolation", "binary frame: OCPP-J is text only")
            )

    async def send(self, message: str) -> None:
        await self.ws.send_text(message)


class CentralSystem:
    def __init__(self, core: Any) -> None:
        self.core = core
        self.links: dict[str, StationLink] = {}
        env = get_settings()
        self.heartbeat_interval = int(env.ocpp_heartbeat)
        self.meter_interval = int(env.ocpp_meter_interval)
        self.call_timeout = env.ocpp_call_timeout
        self.start_timeout = env.remote_start_timeout
        self.minute_seconds = env.minute_seconds
        self.stale_grace = env.stale_session_grace
        self.demo_time_factor = max(1.0, env.demo_time_factor)
        self.time_factor = max(1.0, env.meter_time_factor)
        self._warned_demo: set[str] = set()
        self._meter_rows: list[tuple] = []
        self._flush_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()
        self._loops: list[asyncio.Task] = []
        self._shutting_down = False

    # ------------------------------------------------------------- lifecycle

    async def start(self, _core: Any = None) -> None:
        library_log = logging.getLogger("ocpp")
        library_log.setLevel(logging.WARNING)
        if not any(isinstance(f, BoundedRecords) for f in library_log.filters):
            library_log.addFilter(BoundedRecords())
        await self.core.db(status_store.reset_connected)
        self._loops = [
            asyncio.create_task(self._flush_loop(), name="ocpp-meter-flush"),
            asyncio.create_task(self._sweep_loop(), name="ocpp-sweeper"),
        ]

    async def stop(self, _core: Any = None) -> None:
        self._shutting_down = True
        for t in self._loops:
            t.cancel()
        for link in list(self.links.values()):
            link.closed = True
            with contextlib.suppress(Exception):
                await link._connection.ws.close(code=1001)
        for t in list(self._tasks):
            t.cancel()
        with contextlib.suppress(Exception):
            await self.flush_meter_values()
        with contextlib.suppress(Exception):
            await self.core.db(status_store.reset_connected)

    def spawn(self, coro: Any) -> asyncio.Task:
        """Run a follow-up (e.g. a command to a charger) outside any message handler."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("ocpp follow-up failed", exc_info=task.exception())

    # ------------------------------------------------------------- WebSocket endpoint

    async def endpoint(self, ws: WebSocket) -> None:
        raw = ws.scope.get("raw_path") or ws.scope["path"].encode()
        identity = unquote(raw.decode("latin-1").split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])
        if SUBPROTOCOL not in (ws.scope.get("subprotocols") or []):
            # OCPP-J: a server that cannot agree on the subprotocol must refuse the upgrade.
            await ws.close(code=1002)
            return
        station = (
            await self.core.db(status_store.station_for_identity, identity) if identity else None
        )
        if station is None:
            log.info("ocpp: rejected unknown charge point identity %r", identity[:64])
            await ws.close(code=1008)
            return
        if not station["ocpp_password_hash"]:
            log.warning(
                "ocpp: rejected %s: no credentials provisioned"
                " (voltra-core charger set-password %s)", identity[:64], identity[:64]
            )
            await ws.close(code=1008)
            return
        password = await self._basic_auth(ws, identity, station["ocpp_password_hash"])
        if password is None:
            log.warning("ocpp: rejected %s: bad or missing Basic credentials", identity[:64])
            await ws.close(code=1008)
            return
        demo = is_demo_password(identity, password)
        if demo:
            self._warn_demo_beyond_loopback(ws, identity)
        await ws.accept(subprotocol=SUBPROTOCOL)
        link = StationLink(
            identity,
            StarletteConnection(ws, identity),
            self,
            station["id"],
            response_timeout=self.call_timeout,
            time_factor=self.demo_time_factor if demo else self.time_factor,
        )
        old = self.links.get(identity)
        self.links[identity] = link
        if old is not None:
            # Same identity, and this connection proved it: a charger that reconnected
            # before its old socket timed out. The authenticated newcomer wins.
            old.closed = True
            with contextlib.suppress(Exception):
                await old._connection.ws.close(code=1001)
        await self.core.db(
            status_store.set_connected, station["id"], True, to_iso(datetime.now(UTC))
        )
        connectors = await self.core.db(status_store.connectors_of, station["id"])
        link.connector_ids = {c["sort_order"]: c["id"] for c in connectors}
        self.spawn(self._resend_pending_stops(station["id"]))
        self.spawn(self._resend_cancellations(identity, station["id"]))
        try:
            await link.start()
        except (WebSocketDisconnect, RuntimeError, asyncio.CancelledError):
            pass  # a charger going away is normal operation, not an error
        except Exception:
            log.exception("ocpp: connection %s ended with an error", identity)
        finally:
            link.closed = True
            if self.links.get(identity) is link:
                del self.links[identity]
                with contextlib.suppress(Exception):
                    await self.core.db(
                        status_store.set_connected, station["id"], False, to_iso(datetime.now(UTC))
                    )
                if not self._shutting_down:
                    self.spawn(self._publish_offline(identity, station["id"]))

    async def _publish_offline(self, identity: str, station_id: int) -> None:
        """An offline charger's last report may be stale: subscribers see Unknown until it
        is back and reports again."""
        for c in await self.core.db(status_store.connectors_of, station_id):
            if identity in self.links:
                return  # already back
            calculated, simple = derive(c["ocpp_status"], connected=False)
            await publish_connector_status(self.core, c["id"], c["ocpp_status"], calculated, simple)

    async def _basic_auth(self, ws: WebSocket, identity: str, stored: str) -> str | None:
        """The password the charger presented, when it is the right one."""
        pair = credentials.basic_credentials(ws.headers.get("authorization", ""))
        if pair is None or pair[0] != identity:
            return None
        if credentials.is_slow(stored):
            # scrypt is deliberately slow: keep it off the event loop.
            ok = await asyncio.to_thread(credentials.verify, pair[1], stored)
        else:
            ok = credentials.verify(pair[1], stored)
        return pair[1] if ok else None

    def _warn_demo_beyond_loopback(self, ws: WebSocket, identity: str) -> None:
        host = ws.client.host if ws.client else ""
        if not credentials.is_loopback(host) and identity not in self._warned_demo:
            self._warned_demo.add(identity)
            log.warning(
                "ocpp: %s authenticated from %s with the public demo credentials: anyone can"
                " act as this charger; provision real ones (voltra-core charger set-password)",
                identity, host,
            )

    # ------------------------------------------------------------- events

    def session_changed(self, session_id: int) -> None:
        if session_id:
            self.core.bus.publish(session_topic(session_id), {"session_id": session_id})

    def reservation_changed(self, reservation_id: int) -> None:
        self.core.bus.publish(
            reservation_topic(reservation_id), {"reservation_id": reservation_id}
        )

    def after_status(self, station_id: int, connector_no: int, new: str) -> None:
        """A connector that returns to Available (or breaks) while a remote start waits for
        the vehicle ends that attempt: the charger gave up waiting for the plug. A reserved
        connector that returns to Available had its reservation expire at the charger."""
        if new == "Available":
            self.spawn(self._close_if_stale_later(station_id, connector_no, datetime.now(UTC)))
            self.spawn(self._reservation_freed(station_id, connector_no))
        if new in ("Available", "Faulted", "Unavailable"):
            reason = Failure.NO_VEHICLE if new == "Available" else Failure.CONNECTOR_OUT_OF_ORDER
            self.spawn(
                self._fail_waiting_attempts(
                    station_id, connector_no, reason, only_accepted=new == "Available"
                )
            )

    async def _reservation_freed(self, station_id: int, connector_no: int) -> None:
        rid = await self.core.db(reservations.freed_by_charger, station_id, connector_no)
        if rid is not None:
            self.reservation_changed(rid)

    async def _close_if_stale_later(
        self, station_id: int, connector_no: int, idle_since: datetime
    ) -> None:
        # The grace lets a StopTransaction still queued in a reconnecting charger arrive
        # first (chargers report status at once, queued transaction messages after).
        await asyncio.sleep(self.stale_grace)
        sid = await self.core.db(charging.close_if_stale, station_id, connector_no, idle_since)
        if sid is not None:
            log.info("ocpp: closed session %s: the charger reported the connector free", sid)
            self.session_changed(sid)

    async def _fail_waiting_attempts(
        self, station_id: int, connector_no: int, reason: str, only_accepted: bool
    ) -> None:
        for a in await self.core.db(charging.open_attempts_on_connector, station_id, connector_no):
            if only_accepted and a["status"] != charging.ACCEPTED:
                continue
            await self.core.db(charging.fail_attempt, a["id"], reason)

    # ------------------------------------------------------------- meter values

    def queue_meter_value(self, row: tuple) -> None:
        self._meter_rows.append(row)
        self.core.bus.publish(session_topic(row[0]), {"session_id": row[0]})

    async def flush_meter_values(self) -> None:
        async with self._flush_lock:
            rows, self._meter_rows = self._meter_rows, []
            if not rows:
                return
            try:
                await self.core.db(charging.record_meter_values, rows)
            except sqlite3.OperationalError:
                # The store is unavailable (locked, disk): keep them for the next flush,
                # bounded; the charger already got its answer.
                self._meter_rows[:0] = rows
                if len(self._meter_rows) > MAX_QUEUED_METER_ROWS:
                    dropped = len(self._meter_rows) - MAX_QUEUED_METER_ROWS
                    del self._meter_rows[:dropped]
                    log.error("ocpp: store unavailable, dropped %d oldest meter values", dropped)
                raise
            except Exception:
                # One bad row must not hold back the others: store them one by one.
                await self._store_one_by_one(rows)
            except BaseException:
                self._meter_rows[:0] = rows
                raise

    async def _store_one_by_one(self, rows: list[tuple]) -> None:
        for row in rows:
            try:
                await self.core.db(charging.record_meter_values, [row])
            except sqlite3.OperationalError:
                self._meter_rows.append(row)
            except Exception as exc:
                log.error(
                    "ocpp: dropped meter value %s: %s", frames.prefix(repr(row)), exc
                )

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(METER_FLUSH_S)
            try:
                sessions = {row[0] for row in self._meter_rows}
                await self.flush_meter_values()
                await self.enforce_limits(sessions)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("ocpp: storing meter values failed")

    # ------------------------------------------------------------- sweeper

    async def _sweep_loop(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_S)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("ocpp: sweep failed")

    async def sweep(self) -> None:
        for a in await self.core.db(charging.expired_attempts):
            await self.core.db(charging.fail_attempt, a["id"], a["reason"])
        for sid in await self.core.db(charging.sessions_due_auto_stop, None, self.minute_seconds):
            outcome, _s = await self.core.db(charging.request_stop, sid)
            if outcome == "stop":
                self.spawn(self.send_stop(sid))
        await self.enforce_limits(None)
        for rid in await self.core.db(reservations.expire_due):
            self.reservation_changed(rid)

    async def enforce_limits(self, session_ids: set[int] | None) -> None:
        """Stop the sessions (of ``session_ids``, or all) that reached a stop condition."""
        if session_ids is not None and not session_ids:
            return
        due = await self.core.db(
            stop_conditions.due, None, self.minute_seconds, session_ids
        )
        for sid, limit in due:
            if not await self.core.db(stop_conditions.record_reached, sid, limit):
                continue
            log.info("ocpp: session %s reached its limit %s: stopping it", sid, limit)
            outcome, _s = await self.core.db(charging.request_stop, sid)
            if outcome == "stop":
                self.spawn(self.send_stop(sid))
            self.session_changed(sid)

    # ------------------------------------------------------------- charging

    # ChargerGateway (services.core.services.gateway)

    @property
    def start_timeout_s(self) -> float:
        return self.start_timeout

    def is_connected(self, station_uuid: str) -> bool:
        return station_uuid in self.links

    async def send_remote_start(self, plan: charging.StartPlan, wait_s: float) -> None:
        task = self.spawn(self._send_start(plan))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), wait_s)

    def send_remote_stop(self, session_id: int) -> None:
        self.spawn(self.send_stop(session_id))

    async def reserve(self, station_uuid: str, connector_no: int, reservation_id: int,
                      expires_at: datetime, tag: str, parent_tag: str | None) -> str | None:
        link = self.links.get(station_uuid)
        if link is None:
            return None
        return await link.reserve_now(connector_no, expires_at, tag, reservation_id, parent_tag)

    async def cancel_reservation(self, station_uuid: str, reservation_id: int) -> str | None:
        link = self.links.get(station_uuid)
        if link is None:
            return None
        return await link.cancel_reservation(reservation_id)

    async def unlock(self, station_uuid: str, connector_no: int) -> str | None:
        link = self.links.get(station_uuid)
        if link is None:
            return None
        return await link.unlock(connector_no)

    async def _send_start(self, plan: charging.StartPlan) -> None:
        link = self.links.get(plan.station_uuid)
        if link is None:
            await self.core.db(charging.fail_attempt, plan.attempt_id, Failure.CHARGER_OFFLINE)
            return
        await self.core.db(charging.attempt_sent, plan.attempt_id)
        answer = await link.remote_start(plan.connector_no, plan.tag_id)
        if answer == "Accepted":
            await self.core.db(charging.attempt_accepted, plan.attempt_id)
        elif answer is None:
            reason = Failure.CHARGER_OFFLINE if link.closed else Failure.NO_ANSWER
            await self.core.db(charging.fail_attempt, plan.attempt_id, reason)
        else:
            await self.core.db(charging.fail_attempt, plan.attempt_id, Failure.REJECTED)
        self.session_changed(plan.session_id or 0)

    async def send_stop(self, session_id: int) -> str | None:
        where = await self.core.db(charging.session_station, session_id)
        if where is None:
            return None
        link = self.links.get(where["station_uuid"])
        if link is None:
            # Offline: the session stays `stopping`; the stop is re-sent when the charger
            # is back (_resend_pending_stops) and the charger's own StopTransaction,
            # queued while offline, completes it.
            return None
        return await link.remote_stop(session_id)

    async def _resend_cancellations(self, identity: str, station_id: int) -> None:
        """Reservations cancelled while the charger was away may still hold a connector
        there: it is told again (a charger that no longer holds one answers Rejected)."""
        for rid in await self.core.db(reservations.cancelled_unexpired, station_id):
            link = self.links.get(identity)
            if link is None:
                return
            await link.cancel_reservation(rid)

    async def _resend_pending_stops(self, station_id: int) -> None:
        """Stops requested while the charger was offline are sent once it is back."""
        for sid in await self.core.db(charging.stopping_sessions, station_id):
            await self.send_stop(sid)

    # ------------------------------------------------------------- other commands

    def link(self, station_uuid: str) -> StationLink | None:
        return self.links.get(station_uuid)
