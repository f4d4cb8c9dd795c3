"""One simulated charge point: a real OCPP 1.6J client (ocpp library over websockets).

Behaviour follows what chargers do in the field:
- connect with subprotocol ocpp1.6 to ``{core}/ocpp/{identity}``, BootNotification, then a
  StatusNotification per connector, Heartbeat at the interval the central system asks for;
- connector states Available -> Preparing -> Charging -> SuspendedEV (battery full) ->
  Finishing -> Available, Faulted / Unavailable on demand;
- transaction messages (StartTransaction, MeterValues of a transaction, StopTransaction) go
  through an outbox that survives disconnects: while offline the car keeps charging and the
  values queue up; after the reconnect they are delivered in order, so no energy is lost;
- central system calls (remote start/stop, unlock, reset, change availability, trigger
  message) are answered first and acted on afterwards, like firmware does.

Time: energy and state of charge advance in simulated time (``speed`` x real time); OCPP
timestamps are the real wall clock (a charger's clock is real), so durations the core sees are
real durations while the energy flows ``speed`` times faster.

Metering: the register is integrated continuously (power x time since the last update), so
every value sent (a periodic sample, one asked for with TriggerMessage, the meterStop of
StopTransaction) is the register at that instant. Samples go out every
``MeterValueSampleInterval`` seconds as the central system configures it (ChangeConfiguration,
real seconds), but at least once per simulated minute so a sped-up demo still draws a curve.

Reservations (ReserveNow / CancelReservation): a reserved connector reports ``Reserved`` and
admits only the reservation's idTag, or a tag whose parentIdTag (learnt from the central
system's idTagInfo, like a charger's authorization cache) is the reservation's; others are
refused, remote or local. The admitted start carries the reservationId; at the expiryDate
(wall clock) the charger frees the connector (Available).

Remote start: a driver who starts from the app normally stands at the car with the cable
already in: the simulated car is plugged in ``REMOTE_PLUG_IN_S`` after the start (simulated
seconds, so a few seconds at ``--speed 1``); the fault ``no_vehicle`` models the driver who
never plugs in (the charger gives up after ``CONNECTION_TIMEOUT_S``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import random
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import websockets
from ocpp.routing import after, on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import (
    Action,
    AvailabilityStatus,
    CancelReservationStatus,
    RemoteStartStopStatus,
    ReservationStatus,
    ResetStatus,
    TriggerMessageStatus,
    UnlockStatus,
)
from websockets.exceptions import ConnectionClosed

from services.hardware.credentials import demo_password
from services.hardware.ev import Vehicle, random_vehicle

log = logging.getLogger(__name__)


class _HideCredentials(logging.Filter):
    """websockets logs the handshake headers at DEBUG, the Basic auth password included."""

    _AUTH = re.compile(r"(?i)(authorization:\s*\w+\s+)\S+")

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        if self._AUTH.search(message):
            record.msg, record.args = self._AUTH.sub(r"\1***", message), None
        return True


_ws_log = logging.getLogger(__name__ + ".websocket")
_ws_log.addFilter(_HideCredentials())

SAMPLE_INTERVAL_S = 60.0  # simulated seconds between MeterValues until configured otherwise
CONNECTION_TIMEOUT_S = 120.0  # simulated seconds to plug in after a remote start
REMOTE_PLUG_IN_S = 2.0  # simulated seconds from a remote start to the plug (cable in hand)
UNPLUG_DELAY_S = 30.0  # simulated seconds from Finishing to unplugged
# How long a closed connection may take to reach the reader as well (real seconds).
CLOSE_SEEN_S = 5.0


def now_iso() -> str:
    dt = datetime.now(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


@dataclass
class ConnectorSpec:
    number: int  # OCPP connectorId (the core's sortOrder)
    current_type: str = "AC"  # AC | DC
    max_kw: float = 22.0


@dataclass
class StationSpec:
    identity: str  # the core's Cp.id
    connectors: list[ConnectorSpec] = field(default_factory=lambda: [ConnectorSpec(1)])
    # Basic auth (security profile 1); None: the demo password derived from the identity
    password: str | None = None


@dataclass
class Faults:
    reject_remote_start: bool = False
    no_vehicle: bool = False
    unlock_fails: bool = False  # the connector's lock is stuck: UnlockConnector fails
    slow_s: float = 0.0  # real seconds added before answering each central system call


@dataclass
class Hold:
    """A reservation the charger accepted (OCPP ReserveNow)."""

    id: int
    id_tag: str
    parent_id_tag: str | None
    expiry: datetime


@dataclass
class Transaction:
    id_tag: str
    meter_start: int
    started: str
    id: int | None = None  # known once the central system answered StartTransaction
    stopped: bool = False
    remote: bool = False


class Connector:
    def __init__(self, station: SimStation, spec: ConnectorSpec, rng: random.Random) -> None:
        self.station = station
        self.spec = spec
        self.number = spec.number
        self.status = "Available"
        self.error_code = "NoError"
        self.vehicle: Vehicle | None = None
        self.tx: Transaction | None = None
        # A plausible lifetime register value so meters don't all start at 0.
        self.meter_wh = rng.randrange(100_000, 5_000_000)
        self.power_w = 0.0
        self.pending_tag: str | None = None  # authorised remote start waiting for the plug
        self.reservation: Hold | None = None
        self.inoperative = False
        self.faulted = False
        self._task: asyncio.Task | None = None
        self.unplug_when_done = True
        self._integrated_at = 0.0  # loop time the register was last brought up to date

    @property
    def busy(self) -> bool:
        return self.tx is not None or self.vehicle is not None or self.pending_tag is not None

    def idle_status(self) -> str:
        """The status of this connector with no transaction running."""
        if self.faulted:
            return "Faulted"
        if self.inoperative:
            return "Unavailable"
        if self.reservation is not None:
            return "Reserved"
        return "Preparing" if self.vehicle is not None else "Available"

    def admits(self, id_tag: str) -> bool:
        """Whether ``id_tag`` may start here (a reserved connector admits its holder only)."""
        hold = self.reservation
        if hold is None:
            return True
        if id_tag.upper() == hold.id_tag.upper():
            return True
        parent = self.station.parent_tags.get(id_tag.upper())
        return hold.parent_id_tag is not None and parent == hold.parent_id_tag

    def set_status(self, status: str, error_code: str = "NoError") -> None:
        if status == self.status and error_code == self.error_code:
            return
        self.status, self.error_code = status, error_code
        self.station.send_status(self)

    # -------------------------------------------------------- driver actions

    def plug_in(self, vehicle: Vehicle) -> None:
        self.vehicle = vehicle
        if self.pending_tag is not None:
            tag, self.pending_tag = self.pending_tag, None
            self.start_transaction(tag, remote=True)
        else:
            self.set_status(self.idle_status())

    async def swipe(self, id_tag: str) -> str | None:
        """A driver holds an RFID card against the reader: Authorize, and when accepted
        with a vehicle plugged in, start a transaction. Returns the idTagInfo status
        (None when the charger is offline; ``Reserved`` when the central system accepted
        the card but the connector is reserved for someone else)."""
        client = self.station.client
        if client is None:
            return None
        try:
            res = await client.call(call.Authorize(id_tag=id_tag), skip_schema_validation=True)
        except Exception:  # offline mid-call: no local auth cache in this charger
            return None
        if res is None:
            return None
        info = res.id_tag_info
        status = info["status"] if isinstance(info, dict) else info.status
        self.station.learn(id_tag, info)
        if (
            status == "Accepted"
            and self.vehicle is not None
            and self.tx is None
            and not self.faulted
        ):
            if not self.admits(id_tag):
                log.info("%s/%d: reserved for another driver", self.station.identity, self.number)
                return "Reserved"
            self.start_transaction(id_tag)
        return status

    def unplug(self) -> None:
        if self.tx is not None:
            self.stop_transaction("EVDisconnected")
        self.vehicle = None
        self.pending_tag = None
        if not self.faulted:
            self.set_status(self.idle_status())

    def start_transaction(self, id_tag: str, remote: bool = False) -> None:
        assert self.vehicle is not None
        self.tx = Transaction(
            id_tag=id_tag, meter_start=self.meter_wh, started=now_iso(), remote=remote
        )
        tx = self.tx
        hold, self.reservation = self.reservation, None
        reservation_id = hold.id if hold is not None else None
        self._integrated_at = asyncio.get_running_loop().time()
        self._update_power()
        self.station.enqueue(
            lambda: call.StartTransaction(
                connector_id=self.number,
                id_tag=tx.id_tag,
                meter_start=tx.meter_start,
                timestamp=tx.started,
                reservation_id=reservation_id,
            ),
            on_result=lambda res: self._started(tx, res),
        )
        self.set_status("Charging")
        self._task = self.station.spawn(self._meter_loop(tx))

    def _started(self, tx: Transaction, res: Any) -> None:
        tx.id = int(res.transaction_id)
        self.station.learn(tx.id_tag, res.id_tag_info)
        status = (
            res.id_tag_info["status"]
            if isinstance(res.id_tag_info, dict)
            else res.id_tag_info.status
        )
        if status != "Accepted" and not tx.stopped:
            # StopTransactionOnInvalidId: the charger ends a transaction it may not run.
            log.info("%s/%d: start refused (%s)", self.station.identity, self.number, status)
            self.stop_transaction("DeAuthorized")

    def stop_transaction(self, reason: str) -> None:
        tx = self.tx
        if tx is None:
            return
        self.advance()  # meterStop is the register now, not at the last sample
        tx.stopped = True
        self.tx = None
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.power_w = 0.0
        meter_stop = self.meter_wh
        ts = now_iso()
        # Built at send time: by then StartTransaction has been answered. Id 0 means the
        # central system refused the start; there is nothing to report then.
        self.station.enqueue(
            lambda: (
                None
                if not tx.id
                else call.StopTransaction(
                    meter_stop=meter_stop,
                    timestamp=ts,
                    transaction_id=tx.id,
                    reason=reason,
                    id_tag=tx.id_tag,
                )
            )
        )
        if self.faulted:
            return
        self.set_status("Finishing")
        if self.unplug_when_done:
            self.station.spawn(self._unplug_later())

    async def _unplug_later(self) -> None:
        await self.station.sim_sleep(UNPLUG_DELAY_S)
        if self.tx is None and self.status == "Finishing":
            self.unplug()

    # -------------------------------------------------------- energy

    def _update_power(self) -> None:
        v = self.vehicle
        if v is None or v.full:
            self.power_w = 0.0
        else:
            self.power_w = v.power_kw(self.spec.current_type, self.spec.max_kw) * 1000

    def advance(self) -> None:
        """Bring the register and the car's charge up to this instant (simulated time)."""
        now = asyncio.get_running_loop().time()
        sim_hours = max(0.0, now - self._integrated_at) * self.station.speed / 3600.0
        self._integrated_at = now
        v = self.vehicle
        if self.tx is None or v is None or sim_hours == 0.0:
            return
        power_kw = v.power_kw(self.spec.current_type, self.spec.max_kw)
        energy = v.charge(power_kw, sim_hours)
        self.meter_wh += round(energy * 1000)
        self._update_power()
        if v.full and self.status == "Charging":
            self.set_status("SuspendedEV")

    async def _meter_loop(self, tx: Transaction) -> None:
        while not tx.stopped:
            await asyncio.sleep(self.station.meter_interval_real())
            if tx.stopped or self.vehicle is None:
                break
            self.advance()
            self.station.enqueue(self._meter_payload(tx))

    def _meter_payload(self, tx: Transaction, context: str = "Sample.Periodic") -> Any:
        wh, w = self.meter_wh, self.power_w
        soc = self.vehicle.soc if self.vehicle else None
        ts = now_iso()
        sampled = [
            {
                "value": str(wh),
                "measurand": "Energy.Active.Import.Register",
                "unit": "Wh",
                "context": context,
            },
            {
                "value": f"{w:.0f}",
                "measurand": "Power.Active.Import",
                "unit": "W",
                "context": context,
            },
        ]
        if soc is not None:
            sampled.append(
                {
                    "value": f"{soc:.1f}",
                    "measurand": "SoC",
                    "unit": "Percent",
                    "context": context,
                }
            )
        return lambda: (
            None
            if not tx.id
            else call.MeterValues(
                connector_id=self.number,
                transaction_id=tx.id,
                meter_value=[{"timestamp": ts, "sampledValue": sampled}],
            )
        )


def _returned(task: asyncio.Task) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


class _Client(ChargePoint):
    """The ocpp library's view of our station: handlers for central system calls."""

    def __init__(self, station: SimStation, ws: Any) -> None:
        super().__init__(
            station.identity,
            ws,
            response_timeout=station.call_timeout,
            logger=logging.getLogger("ocpp"),
        )
        self.station = station

    async def _slow(self) -> None:
        if self.station.faults.slow_s:
            await asyncio.sleep(self.station.faults.slow_s)

    @on(Action.remote_start_transaction)
    async def on_remote_start(self, id_tag: str, connector_id: int | None = None, **_: Any) -> Any:
        await self._slow()
        ok = self.station.can_remote_start(connector_id, id_tag)
        return call_result.RemoteStartTransaction(
            status=RemoteStartStopStatus.accepted if ok else RemoteStartStopStatus.rejected
        )

    @after(Action.remote_start_transaction)
    def after_remote_start(self, id_tag: str, connector_id: int | None = None, **_: Any) -> None:
        if self.station.can_remote_start(connector_id, id_tag):
            self.station.begin_remote_start(id_tag, connector_id)

    @on(Action.remote_stop_transaction)
    async def on_remote_stop(self, transaction_id: int, **_: Any) -> Any:
        await self._slow()
        c = self.station.connector_for_tx(transaction_id)
        return call_result.RemoteStopTransaction(
            status=RemoteStartStopStatus.accepted if c else RemoteStartStopStatus.rejected
        )

    @after(Action.remote_stop_transaction)
    def after_remote_stop(self, transaction_id: int, **_: Any) -> None:
        c = self.station.connector_for_tx(transaction_id)
        if c is not None:
            c.stop_transaction("Remote")

    @on(Action.unlock_connector)
    async def on_unlock(self, connector_id: int, **_: Any) -> Any:
        await self._slow()
        if connector_id not in self.station.connectors:
            status = UnlockStatus.not_supported
        elif self.station.faults.unlock_fails:
            status = UnlockStatus.unlock_failed
        else:
            status = UnlockStatus.unlocked
        return call_result.UnlockConnector(status=status)

    @after(Action.unlock_connector)
    def after_unlock(self, connector_id: int, **_: Any) -> None:
        c = self.station.connectors.get(connector_id)
        if c is not None and not self.station.faults.unlock_fails:
            if c.tx is not None:
                c.stop_transaction("UnlockCommand")
            if c.vehicle is not None:
                c.unplug()

    @on(Action.reserve_now)
    async def on_reserve_now(self, connector_id: int, expiry_date: str, id_tag: str,
                             reservation_id: int, parent_id_tag: str | None = None,
                             **_: Any) -> Any:
        await self._slow()
        status = self.station.reserve(
            connector_id, expiry_date, id_tag, reservation_id, parent_id_tag
        )
        return call_result.ReserveNow(status=ReservationStatus(status))

    @after(Action.reserve_now)
    def after_reserve_now(self, connector_id: int, reservation_id: int, **_: Any) -> None:
        c = self.station.connectors.get(connector_id)
        if c is not None and c.reservation is not None and c.reservation.id == reservation_id:
            c.set_status(c.idle_status())

    @on(Action.cancel_reservation)
    async def on_cancel_reservation(self, reservation_id: int, **_: Any) -> Any:
        await self._slow()
        found = self.station.connector_reserved(reservation_id) is not None
        return call_result.CancelReservation(
            status=CancelReservationStatus.accepted if found
            else CancelReservationStatus.rejected
        )

    @after(Action.cancel_reservation)
    def after_cancel_reservation(self, reservation_id: int, **_: Any) -> None:
        c = self.station.connector_reserved(reservation_id)
        if c is not None:
            c.reservation = None
            if c.tx is None:
                c.set_status(c.idle_status())

    @on(Action.reset)
    async def on_reset(self, type: str, **_: Any) -> Any:
        await self._slow()
        return call_result.Reset(status=ResetStatus.accepted)

    @after(Action.reset)
    def after_reset(self, type: str, **_: Any) -> None:
        self.station.spawn(self.station.reboot("HardReset" if type == "Hard" else "SoftReset"))

    @on(Action.change_availability)
    async def on_change_availability(self, connector_id: int, type: str, **_: Any) -> Any:
        await self._slow()
        targets = self.station.targets(connector_id)
        if not targets:
            return call_result.ChangeAvailability(status=AvailabilityStatus.rejected)
        busy = type == "Inoperative" and any(c.tx is not None for c in targets)
        return call_result.ChangeAvailability(
            status=AvailabilityStatus.scheduled if busy else AvailabilityStatus.accepted
        )

    @after(Action.change_availability)
    def after_change_availability(self, connector_id: int, type: str, **_: Any) -> None:
        for c in self.station.targets(connector_id):
            c.inoperative = type == "Inoperative"
            if c.tx is None and c.vehicle is None and not c.faulted:
                c.set_status(c.idle_status())

    @on(Action.change_configuration)
    async def on_change_configuration(self, key: str, value: str, **_: Any) -> Any:
        await self._slow()
        return call_result.ChangeConfiguration(status=self.station.configure(key, value))

    @on(Action.get_configuration)
    async def on_get_configuration(self, key: list[str] | None = None, **_: Any) -> Any:
        await self._slow()
        known = {"MeterValueSampleInterval": str(int(self.station.sample_interval_s))}
        asked = key or list(known)
        return call_result.GetConfiguration(
            configuration_key=[
                {"key": k, "readonly": False, "value": known[k]} for k in asked if k in known
            ],
            unknown_key=[k for k in asked if k not in known] or None,
        )

    @on(Action.trigger_message)
    async def on_trigger(
        self, requested_message: str, connector_id: int | None = None, **_: Any
    ) -> Any:
        await self._slow()
        known = requested_message in (
            "StatusNotification",
            "Heartbeat",
            "BootNotification",
            "MeterValues",
        )
        return call_result.TriggerMessage(
            status=TriggerMessageStatus.accepted if known else TriggerMessageStatus.not_implemented
        )

    @after(Action.trigger_message)
    def after_trigger(
        self, requested_message: str, connector_id: int | None = None, **_: Any
    ) -> None:
        self.station.spawn(self.station.triggered(requested_message, connector_id))


class SimStation:
    def __init__(
        self,
        spec: StationSpec,
        core_url: str,
        *,
        speed: float = 1.0,
        rng: random.Random | None = None,
        call_timeout: float = 30.0,
        meter_interval_s: float | None = None,
        reconnect_max_s: float = 5.0,
    ) -> None:
        self.spec = spec
        self.reconnect_max_s = reconnect_max_s
        self.identity = spec.identity
        self.ws_url = (
            core_url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/")
            + "/ocpp/"
            + quote(spec.identity, safe="")
        )
        self.speed = max(0.001, float(speed))
        self.rng = rng or random.Random()
        self.call_timeout = call_timeout
        self._meter_interval_s = meter_interval_s
        self.sample_interval_s = 0.0  # MeterValueSampleInterval set by the central system
        self.connectors = {c.number: Connector(self, c, self.rng) for c in spec.connectors}
        self.faults = Faults()
        self.outbox: deque[tuple[Any, Any]] = deque()
        self._outbox_event = asyncio.Event()
        self.client: _Client | None = None
        self.online = asyncio.Event()
        self.heartbeat_interval = 300.0
        self._ws: Any = None
        self._offline_until: float = 0.0
        self._back = asyncio.Event()
        self._stopped = False
        self._tasks: set[asyncio.Task] = set()
        self._main: asyncio.Task | None = None
        self.boots = 0
        self.delivered = 0  # transaction messages delivered (tests and the bench read it)
        # idTag -> parentIdTag from the central system's answers (an authorization cache)
        self.parent_tags: dict[str, str] = {}

    # -------------------------------------------------------- plumbing

    def spawn(self, coro: Any) -> asyncio.Task:
        t = asyncio.create_task(coro)
        self._tasks.add(t)
        t.add_done_callback(self._done)
        return t

    def _done(self, t: asyncio.Task) -> None:
        self._tasks.discard(t)
        if not t.cancelled() and t.exception() is not None:
            log.error("%s: task failed", self.identity, exc_info=t.exception())

    async def sim_sleep(self, sim_seconds: float) -> None:
        await asyncio.sleep(sim_seconds / self.speed)

    def meter_interval_real(self) -> float:
        if self._meter_interval_s is not None:
            return self._meter_interval_s
        per_sim_minute = SAMPLE_INTERVAL_S / self.speed
        if self.sample_interval_s:
            return max(0.05, min(self.sample_interval_s, per_sim_minute))
        return max(0.05, per_sim_minute)

    def configure(self, key: str, value: str) -> str:
        """ChangeConfiguration: the answer status for ``key`` = ``value``."""
        if key != "MeterValueSampleInterval":
            return "NotSupported"
        try:
            seconds = int(value)
        except ValueError:
            return "Rejected"
        if seconds < 0:
            return "Rejected"
        self.sample_interval_s = float(seconds)  # 0: the charger's own default
        return "Accepted"

    def enqueue(self, build: Any, on_result: Any = None) -> None:
        """Queue a transaction message; ``build`` makes the payload at send time (so a
        transaction id learnt meanwhile is used)."""
        self.outbox.append((build, on_result))
        self._outbox_event.set()

    def send_status(self, c: Connector) -> None:
        if self.client is not None and self.online.is_set():
            payload = call.StatusNotification(
                connector_id=c.number, error_code=c.error_code, status=c.status, timestamp=now_iso()
            )
            self.spawn(self._call_quietly(payload))

    async def _call_quietly(self, payload: Any) -> Any:
        client = self.client
        if client is None:
            return None
        try:
            return await client.call(payload, skip_schema_validation=True)
        except Exception as exc:  # offline or timed out: status is re-sent after reconnect
            log.debug("%s: %s not delivered: %s", self.identity, type(payload).__name__, exc)
            return None

    # -------------------------------------------------------- lifecycle

    def start(self) -> None:
        self._main = asyncio.create_task(self._run(), name=f"station-{self.identity}")
        self._main.add_done_callback(self._done)

    async def stop(self) -> None:
        self._stopped = True
        for t in list(self._tasks):
            t.cancel()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._main is not None:
            self._main.cancel()
            with contextlib.suppress(BaseException):
                await self._main

    async def _run(self) -> None:
        backoff = 0.2
        loop = asyncio.get_running_loop()
        while not self._stopped:
            wait = self._offline_until - loop.time()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._back.wait(), wait)
                self._back.clear()
                continue
            try:
                await self._session()
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.debug("%s: connection ended: %r", self.identity, exc)
            self.online.clear()
            self.client = None
            self._ws = None
            if self._stopped:
                break
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.reconnect_max_s)

    async def _session(self) -> None:
        password = self.spec.password or demo_password(self.identity)
        token = base64.b64encode(f"{self.identity}:{password}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
        async with websockets.connect(
            self.ws_url,
            subprotocols=["ocpp1.6"],
            additional_headers=headers,
            logger=_ws_log,
            open_timeout=10,
            ping_interval=20,
            ping_timeout=20,
            max_queue=64,
        ) as ws:
            self._ws = ws
            client = _Client(self, ws)
            reader = asyncio.create_task(client.start())
            announce: asyncio.Task | None = None
            try:
                boot = await client.call(
                    call.BootNotification(
                        charge_point_model="VoltraSim " + ("DC" if self._has_dc() else "AC"),
                        charge_point_vendor="Voltra",
                        firmware_version="sim-1.0",
                    ),
                    skip_schema_validation=True,
                )
                if boot is not None and boot.interval:
                    self.heartbeat_interval = float(boot.interval)
                self.boots += 1
                self.client = client
                self.online.set()
                announce = asyncio.create_task(self._announce(client))
                await asyncio.wait({reader, announce}, return_when=asyncio.FIRST_COMPLETED)
                if not announce.done():
                    # Dropped while announcing: the answers cannot come, so reconnect now
                    # instead of waiting out the call timeout while looking online.
                    announce.cancel()
                    return
                announce.result()
                await self._serve(reader, client)
            finally:
                self.online.clear()
                self.client = None
                # Also when this session is cancelled (the station stops) mid-announce: a
                # call left running would fail at its timeout with nobody to hear it.
                ending = [t for t in (reader, announce) if t is not None]
                for t in ending:
                    t.cancel()
                with contextlib.suppress(BaseException):
                    await asyncio.gather(*ending, return_exceptions=True)

    async def _serve(self, reader: asyncio.Task, client: _Client) -> None:
        """Run the connection's background work until one part ends; then end the others and
        collect every outcome, so no task is left holding an exception nobody retrieves (a
        closing connection often fails the reader and a pending call at the same time)."""
        sender = asyncio.create_task(self._drain(client))
        beat = asyncio.create_task(self._heartbeat(client))
        try:
            await asyncio.wait({reader, sender, beat}, return_when=asyncio.FIRST_COMPLETED)
            if not reader.done() and any(_returned(t) for t in (sender, beat)):
                # They return early only when the connection closed; the reader meets the
                # close too, and its outcome says how the connection ended.
                await asyncio.wait({reader}, timeout=CLOSE_SEEN_S)
        finally:
            for t in (sender, beat):
                t.cancel()
            outcomes = await asyncio.gather(sender, beat, return_exceptions=True)
        if reader.done() and not reader.cancelled() and reader.exception() is not None:
            raise reader.exception()  # type: ignore[misc]
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome

    async def _announce(self, client: _Client) -> None:
        for c in self.connectors.values():
            await client.call(
                call.StatusNotification(
                    connector_id=c.number,
                    error_code=c.error_code,
                    status=c.status,
                    timestamp=now_iso(),
                ),
                skip_schema_validation=True,
            )

    def _has_dc(self) -> bool:
        return any(c.spec.current_type == "DC" for c in self.connectors.values())

    async def _heartbeat(self, client: _Client) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            try:
                await client.call(call.Heartbeat(), skip_schema_validation=True)
            except ConnectionClosed:
                return  # the reader sees the close too; the next connection beats anew

    async def _drain(self, client: _Client) -> None:
        """Deliver queued transaction messages in order; an item leaves the queue only once
        the central system answered it."""
        while True:
            while not self.outbox:
                self._outbox_event.clear()
                await self._outbox_event.wait()
            build, on_result = self.outbox[0]
            payload = build()
            if payload is None:
                # Belongs to a transaction the central system refused (id 0).
                self.outbox.popleft()
                continue
            try:
                res = await client.call(payload, skip_schema_validation=True)
            except ConnectionClosed:
                return  # the item stays queued and goes out on the next connection
            if res is None and client is not self.client:
                continue  # connection gone mid-call: retry after reconnect
            self.outbox.popleft()
            self.delivered += 1
            if on_result is not None and res is not None:
                on_result(res)

    # -------------------------------------------------------- central system commands

    def targets(self, connector_id: int) -> list[Connector]:
        if connector_id == 0:
            return list(self.connectors.values())
        c = self.connectors.get(connector_id)
        return [c] if c else []

    def learn(self, id_tag: str, info: Any) -> None:
        """Remember the parentIdTag the central system gave for ``id_tag``."""
        if isinstance(info, dict):
            parent = info.get("parentIdTag") or info.get("parent_id_tag")
        else:
            parent = getattr(info, "parent_id_tag", None)
        if parent:
            if len(self.parent_tags) >= 1000:
                self.parent_tags.clear()  # a cache, not a record
            self.parent_tags[id_tag.upper()] = parent

    def can_remote_start(self, connector_id: int | None, id_tag: str) -> bool:
        if self.faults.reject_remote_start:
            return False
        c = self._pick_connector(connector_id, id_tag)
        return c is not None

    def _pick_connector(self, connector_id: int | None, id_tag: str) -> Connector | None:
        cands = self.targets(connector_id) if connector_id else list(self.connectors.values())
        for c in cands:
            if c.faulted or c.inoperative or c.tx is not None or c.pending_tag is not None:
                continue
            if not c.admits(id_tag):
                continue
            if c.status in ("Available", "Preparing", "Reserved"):
                return c
        return None

    def reserve(self, connector_id: int, expiry_date: str, id_tag: str, reservation_id: int,
                parent_id_tag: str | None) -> str:
        """ReserveNow: the answer status; when Accepted the connector is held from now."""
        c = self.connectors.get(connector_id)
        if c is None:
            return "Rejected"  # connector 0 (any connector) is not supported here
        if c.faulted:
            return "Faulted"
        if c.inoperative:
            return "Unavailable"
        same = c.reservation is not None and c.reservation.id == reservation_id
        if not same and (c.reservation is not None or c.busy or c.status != "Available"):
            return "Occupied"
        try:
            expiry = datetime.fromisoformat(expiry_date.replace("Z", "+00:00"))
        except ValueError:
            return "Rejected"
        if expiry.tzinfo is None:
            expiry = expiry.replace(tzinfo=UTC)
        hold = Hold(reservation_id, id_tag, parent_id_tag, expiry)
        c.reservation = hold
        self.spawn(self._expire(c, hold))
        return "Accepted"

    async def _expire(self, c: Connector, hold: Hold) -> None:
        await asyncio.sleep(max(0.0, (hold.expiry - datetime.now(UTC)).total_seconds()))
        if c.reservation is hold:
            c.reservation = None
            if c.tx is None and c.pending_tag is None:
                c.set_status(c.idle_status())

    def connector_reserved(self, reservation_id: int) -> Connector | None:
        for c in self.connectors.values():
            if c.reservation is not None and c.reservation.id == reservation_id:
                return c
        return None

    def begin_remote_start(self, id_tag: str, connector_id: int | None) -> None:
        c = self._pick_connector(connector_id, id_tag)
        if c is None:
            return
        if c.vehicle is not None:
            c.start_transaction(id_tag, remote=True)
            return
        c.pending_tag = id_tag
        c.set_status("Preparing")
        self.spawn(self._await_plug(c, id_tag))

    async def _await_plug(self, c: Connector, id_tag: str) -> None:
        if not self.faults.no_vehicle:
            # The driver who started from the app stands at the car, cable in hand.
            await self.sim_sleep(REMOTE_PLUG_IN_S)
            if c.pending_tag == id_tag and c.vehicle is None:
                c.plug_in(random_vehicle(self.rng))
                return
        await self.sim_sleep(CONNECTION_TIMEOUT_S)
        if c.pending_tag == id_tag and c.tx is None:
            # ConnectionTimeOut: nobody plugged in, the charger gives up.
            c.pending_tag = None
            if c.vehicle is None and not c.faulted:
                c.set_status(c.idle_status())

    def connector_for_tx(self, transaction_id: int) -> Connector | None:
        for c in self.connectors.values():
            if c.tx is not None and c.tx.id == transaction_id:
                return c
        return None

    async def reboot(self, reason: str) -> None:
        for c in self.connectors.values():
            if c.tx is not None:
                c.unplug_when_done = False
                c.stop_transaction(reason)
                c.unplug_when_done = True
            c.vehicle = None
            c.pending_tag = None
            if not c.faulted:
                c.status = "Unavailable" if c.inoperative else "Available"
        await asyncio.sleep(0.05)
        # Let the StopTransactions go out, then drop the connection and boot again.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._outbox_empty(), 5)
        await self.disconnect(offline_s=0.1)

    async def _outbox_empty(self) -> None:
        while self.outbox:  # noqa: ASYNC110 (the outbox drains at the network's pace)
            await asyncio.sleep(0.02)

    async def triggered(self, message: str, connector_id: int | None) -> None:
        client = self.client
        if client is None:
            return
        if message == "StatusNotification":
            for c in self.targets(connector_id or 0):
                await self._call_quietly(
                    call.StatusNotification(
                        connector_id=c.number,
                        error_code=c.error_code,
                        status=c.status,
                        timestamp=now_iso(),
                    )
                )
        elif message == "Heartbeat":
            await self._call_quietly(call.Heartbeat())
        elif message == "BootNotification":
            await self._call_quietly(
                call.BootNotification(charge_point_model="VoltraSim", charge_point_vendor="Voltra")
            )
        elif message == "MeterValues":
            for c in self.targets(connector_id or 0):
                if c.tx is not None:
                    c.advance()
                    self.enqueue(c._meter_payload(c.tx, "Trigger"))

    # -------------------------------------------------------- faults

    async def disconnect(self, offline_s: float = 0.0) -> None:
        """Drop the connection (like a network outage); reconnect after ``offline_s``
        real seconds (0: at once with the usual backoff)."""
        self._offline_until = asyncio.get_running_loop().time() + offline_s
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()

    def reconnect_now(self) -> None:
        self._offline_until = 0.0
        self._back.set()  # ends an outage being waited out now

    def set_faulted(self, connector_no: int, faulted: bool) -> None:
        for c in self.targets(connector_no):
            c.faulted = faulted
            if faulted:
                if c.tx is not None:
                    c.stop_transaction("EmergencyStop")
                c.pending_tag = None
                c.set_status("Faulted", "GroundFailure")
            else:
                c.set_status(c.idle_status())
