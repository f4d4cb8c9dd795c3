"""One connected charge point: the OCPP 1.6J message handlers of the central system.

Rule for every handler: reply first, act later. A handler never awaits a call TO the
charger (the ocpp library reads the charger's replies in the same loop that runs the
handler, so awaiting one would deadlock); follow-up commands are queued by the handler and
started once its reply is sent (``_after_reply``). Two follow-ups keep the live view fresh:
after a BootNotification the charger is told its MeterValueSampleInterval, and after a
StartTransaction it is asked for a first MeterValues at once (TriggerMessage), so the driver
sees power within seconds instead of one sample interval later.

Every CALL from the charger is parsed and checked against its OCPP 1.6 JSON schema
(``services.core.ocpp.frames``) before a handler sees it; handlers take the payload as sent
(camelCase). The ocpp library carries the calls to the charger and their replies.

Transactions belong to the charger that started them: a transactionId is resolved within
this station only (``services.core.ocpp.transactions``), and on the connector it runs on.
Meter readings are checked against what the connector can deliver
(``services.core.domain.meter_checks``); impossible ones are dropped with a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from ocpp.v16 import ChargePoint, call

from services.core.domain import charging, reservations
from services.core.domain import meter_checks as checks
from services.core.domain.status import publish_connector_status
from services.core.ocpp import frames, transactions
from services.core.ocpp import status as status_store
from services.core.ocpp.frames import FrameError
from services.core.store.db import from_iso, to_iso

log = logging.getLogger(__name__)


class LinkHost(Protocol):
    """What a link needs from the central system that holds it (kept here, not imported
    from ``central``, so the two modules do not import each other)."""

    core: Any
    heartbeat_interval: int
    meter_interval: int

    def spawn(self, coro: Any) -> Any: ...

    def queue_meter_value(self, row: tuple) -> None: ...

    def after_status(self, station_id: int, connector_no: int, new: str) -> None: ...

    def session_changed(self, session_id: int) -> None: ...

    def reservation_changed(self, reservation_id: int) -> None: ...

    async def flush_meter_values(self) -> None: ...

VENDOR_ID = "org.voltra"
MAX_TRACKED_TRANSACTIONS = 64  # per charger; more means ids it was never given


def _ts(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        dt = from_iso(value)
    except ValueError:
        return datetime.now(UTC)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def parse_meter_values(
    meter_value: list[dict[str, Any]],
) -> list[tuple[str, float | None, float | None, float | None]]:
    """(ts, energy Wh, power W, SoC %) per sampled timestamp. Unknown measurands and
    phases are ignored; kWh/kW are scaled. Values are checked by the caller."""
    out = []
    for mv in meter_value or ():
        ts = to_iso(_ts(mv.get("timestamp")))
        energy = power = soc = None
        for sv in mv.get("sampledValue") or ():
            measurand = sv.get("measurand", "Energy.Active.Import.Register")
            if sv.get("phase"):
                continue
            try:
                value = float(sv["value"])
            except (KeyError, TypeError, ValueError):
                continue
            unit = sv.get("unit")
            if measurand == "Energy.Active.Import.Register":
                energy = value * 1000 if unit == "kWh" else value
            elif measurand == "Power.Active.Import":
                power = value * 1000 if unit == "kW" else value
            elif measurand == "SoC":
                soc = value
        if energy is not None or power is not None or soc is not None:
            out.append((ts, energy, power, soc))
    return out


class Tracked:
    """A running transaction of this charger: its session and newest plausible reading."""

    __slots__ = ("connector_no", "last", "max_kw", "session_id")

    def __init__(self, session_id: int, connector_no: int, max_kw: float, last: checks.Reading):
        self.session_id = session_id
        self.connector_no = connector_no
        self.max_kw = max_kw
        self.last = last


class StationLink(ChargePoint):
    def __init__(
        self,
        identity: str,
        connection: Any,
        central: LinkHost,
        station_id: int,
        response_timeout: float,
        time_factor: float = 1.0,
    ) -> None:
        super().__init__(
            identity,
            connection,
            response_timeout=response_timeout,
            logger=logging.getLogger("ocpp"),
        )
        self.central = central
        self.core = central.core
        self.station_id = station_id
        self.time_factor = time_factor
        self.closed = False
        # OCPP connectorId -> connectors.id, loaded when the charger connects
        self.connector_ids: dict[int, int] = {}
        self._tracked: dict[int, Tracked] = {}
        self._after_reply: list[Callable[[], Awaitable[Any]]] = []
        self._handlers: dict[str, Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]] = {
            "Authorize": self.on_authorize,
            "BootNotification": self.on_boot,
            "DataTransfer": self.on_data_transfer,
            "DiagnosticsStatusNotification": self.on_diagnostics_status,
            "FirmwareStatusNotification": self.on_firmware_status,
            "Heartbeat": self.on_heartbeat,
            "MeterValues": self.on_meter_values,
            "StartTransaction": self.on_start_transaction,
            "StatusNotification": self.on_status,
            "StopTransaction": self.on_stop_transaction,
        }

    # ------------------------------------------------------------- from the charger

    async def route_message(self, raw_msg: str) -> None:
        try:
            msg = frames.parse(raw_msg)
            if msg[0] != frames.CALL:
                if self._call_lock.locked():
                    # a reply to our call in flight: the library matches it by id
                    await super().route_message(raw_msg)
                else:
                    # nothing asked: queued, it would wait for the next call (memory)
                    log.info("ocpp %s: unsolicited reply dropped: %s", self.id,
                             frames.prefix(raw_msg))
                return
            c = frames.check_call(msg)
        except FrameError as err:
            await self.refuse(err, raw_msg)
            return
        try:
            reply = await self._handlers[c.action](c.payload)
        except FrameError as err:
            err.unique_id = c.unique_id
            await self.refuse(err, raw_msg)
            return
        except Exception:
            log.exception("ocpp %s: handling %s failed", self.id, frames.prefix(raw_msg))
            await self._send(frames.call_error(c.unique_id, "InternalError", "internal error"))
            return
        finally:
            follow_ups, self._after_reply = self._after_reply, []
        await self._send(frames.call_result(c.unique_id, reply))
        for follow_up in follow_ups:
            self.central.spawn(follow_up())

    async def refuse(self, err: FrameError, raw: str | bytes) -> None:
        log.warning(
            "ocpp %s: %s %s: %s", self.id, err.code, err.description, frames.prefix(raw)
        )
        if err.unique_id is not None and not self.closed:
            await self._send(frames.call_error(err.unique_id, err.code, err.description))

    async def on_heartbeat(self, _payload: dict[str, Any]) -> dict[str, Any]:
        # No database write: `connected` already says the charger is there.
        return {"currentTime": to_iso(datetime.now(UTC))}

    async def on_boot(self, p: dict[str, Any]) -> dict[str, Any]:
        now = to_iso(datetime.now(UTC))
        await self.core.db(
            status_store.record_boot,
            self.station_id,
            p["chargePointVendor"],
            p["chargePointModel"],
            p.get("firmwareVersion"),
            now,
        )
        interval = self.central.heartbeat_interval
        self._after_reply.append(self._configure_metering)
        return {"currentTime": now, "interval": interval, "status": "Accepted"}

    async def _configure_metering(self) -> None:
        status = await self.change_configuration(
            "MeterValueSampleInterval", str(self.central.meter_interval)
        )
        if status != "Accepted":
            log.info("ocpp %s: MeterValueSampleInterval not set (%s)", self.id, status)

    async def on_status(self, p: dict[str, Any]) -> dict[str, Any]:
        number, status = p["connectorId"], p["status"]
        if number == 0:
            await self.core.db(
                status_store.record_station_status,
                self.station_id,
                status,
                to_iso(_ts(p.get("timestamp"))),
            )
        elif number in self.connector_ids:
            await publish_connector_status(self.core, self.connector_ids[number], status)
            self.central.after_status(self.station_id, number, status)
        return {}

    async def on_authorize(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"idTagInfo": await self._id_tag_info(p["idTag"])}

    async def _id_tag_info(self, tag: str, status: str | None = None) -> dict[str, Any]:
        """idTagInfo for a tag; a card's parentIdTag (its driver) lets the charger admit
        any card of the driver who holds a reservation there."""
        if status is None:
            status = await self.core.db(charging.authorize_tag, tag, None, self.station_id)
        info: dict[str, Any] = {"status": status}
        parent = await self.core.db(reservations.parent_of_tag, tag)
        if parent is not None:
            info["parentIdTag"] = parent
        return info

    async def on_start_transaction(self, p: dict[str, Any]) -> dict[str, Any]:
        problem = checks.register_problem(p["meterStart"])
        if problem:
            raise FrameError("PropertyConstraintViolation", f"meterStart: {problem}", None)
        sid, st = await self.core.db(
            charging.start_transaction,
            station_id=self.station_id,
            connector_no=p["connectorId"],
            id_tag=p["idTag"],
            meter_start=p["meterStart"],
            timestamp=_ts(p["timestamp"]),
        )
        tx = await self.core.db(transactions.assign, sid) if sid else 0
        self._tracked.pop(tx, None)  # a repeated start re-reads the session
        self.central.session_changed(sid)
        if tx and st == "Accepted":
            connector_no = p["connectorId"]
            used = await self.core.db(
                reservations.use, station_id=self.station_id, connector_no=connector_no,
                tag=p["idTag"], reservation_id=p.get("reservationId"), session_id=sid,
            )
            if used is not None:
                self.central.reservation_changed(used)
            self._after_reply.append(lambda: self.trigger_message("MeterValues", connector_no))
        return {"transactionId": tx, "idTagInfo": await self._id_tag_info(p["idTag"], st)}

    async def _transaction(self, tx: int, connector_no: int | None) -> Tracked:
        """This charger's transaction ``tx``, or FrameError (another charger's transaction
        looks exactly like one that does not exist)."""
        t = self._tracked.get(tx)
        if t is None:
            s = await self.core.db(transactions.session_of, self.station_id, tx)
            if s is None:
                log.warning("ocpp %s: transactionId %d is not one of its transactions", self.id, tx)
                raise FrameError(
                    "PropertyConstraintViolation",
                    "transactionId: no such transaction at this charge point",
                    None,
                )
            await self.central.flush_meter_values()
            last = await self.core.db(transactions.last_reading, s["id"])
            if last is not None:
                reading = checks.Reading(_ts(last[0]), last[1])
            else:
                reading = checks.Reading(_ts(s["date_start"]), s["meter_start"] or 0)
            t = Tracked(s["id"], s["connector_no"], float(s["max_power_kw"] or 0), reading)
            if len(self._tracked) >= MAX_TRACKED_TRANSACTIONS:
                self._tracked.clear()
            self._tracked[tx] = t
        if connector_no is not None and connector_no != t.connector_no:
            raise FrameError(
                "PropertyConstraintViolation",
                f"connectorId: transaction {tx} runs on connector {t.connector_no}",
                None,
            )
        return t

    def _plausible(self, t: Tracked, sample: tuple) -> tuple | None:
        """The sample as a row to store (implausible parts removed), or None."""
        ts, wh, w, soc = sample
        when = _ts(ts)
        if wh is not None:
            new = checks.Reading(when, wh)
            problem = checks.energy_problem(
                t.last, new, t.max_kw, datetime.now(UTC), self.time_factor
            )
            if problem:
                log.warning(
                    "ocpp %s: dropped meter value of session %d at %s: %s",
                    self.id, t.session_id, ts, problem,
                )
                return None
            if when >= t.last.ts:
                t.last = new
            wh = round(wh)
        if w is not None and not checks.power_ok(w, t.max_kw, self.time_factor):
            w = None
        if soc is not None and not checks.soc_ok(soc):
            soc = None
        if wh is None and w is None and soc is None:
            return None
        return (t.session_id, ts, wh, w, soc)

    async def on_meter_values(self, p: dict[str, Any]) -> dict[str, Any]:
        tx = p.get("transactionId")
        if not tx:
            return {}  # clock-aligned connector values outside a transaction: not kept
        t = await self._transaction(tx, p["connectorId"])
        for sample in parse_meter_values(p["meterValue"]):
            row = self._plausible(t, sample)
            if row is not None:
                self.central.queue_meter_value(row)
        return {}

    async def on_stop_transaction(self, p: dict[str, Any]) -> dict[str, Any]:
        tx, id_tag = p["transactionId"], p.get("idTag")
        reply: dict[str, Any] = {}
        if id_tag:
            reply["idTagInfo"] = {"status": await self.core.db(charging.authorize_tag, id_tag)}
        if tx == 0:
            return reply  # a start we refused: nothing to finish
        t = await self._transaction(tx, None)
        rows = [
            r
            for r in (self._plausible(t, s) for s in parse_meter_values(p.get("transactionData")))
            if r is not None
        ]
        meter_stop = p["meterStop"]
        stop = checks.Reading(_ts(p["timestamp"]), meter_stop)
        problem = checks.energy_problem(
            t.last, stop, t.max_kw, datetime.now(UTC), self.time_factor
        )
        if problem:
            # The session still ends (the charger retries a refused stop forever), billed
            # from the newest plausible reading.
            log.warning(
                "ocpp %s: meterStop of session %d not plausible (%s); billed from %d Wh",
                self.id, t.session_id, problem, round(t.last.wh),
            )
            meter_stop = round(t.last.wh)
        # Values still buffered for this session land before it is billed.
        await self.central.flush_meter_values()
        if rows:
            await self.core.db(charging.record_meter_values, rows)
        finished = await self.core.db(
            charging.finish_transaction,
            transaction_id=t.session_id,
            meter_stop=meter_stop,
            timestamp=_ts(p["timestamp"]),
            reason=p.get("reason"),
            id_tag=id_tag,
        )
        self._tracked.pop(tx, None)
        if finished is not None:
            self.central.session_changed(t.session_id)
        return reply

    async def on_data_transfer(self, p: dict[str, Any]) -> dict[str, Any]:
        # No vendor extensions are defined; our own vendor id gets an echo so a charger
        # can test the round trip.
        if p["vendorId"] == VENDOR_ID:
            return {"status": "Accepted", **({"data": p["data"]} if "data" in p else {})}
        return {"status": "UnknownVendorId"}

    async def on_diagnostics_status(self, p: dict[str, Any]) -> dict[str, Any]:
        log.info("ocpp %s: diagnostics upload %s", self.id, p["status"])
        return {}

    async def on_firmware_status(self, p: dict[str, Any]) -> dict[str, Any]:
        log.info("ocpp %s: firmware update %s", self.id, p["status"])
        return {}

    # ------------------------------------------------------------- to the charger

    async def send(self, payload: Any) -> Any | None:
        """Send one call and return the charger's reply; None when it answered with a
        CallError, did not answer in time, or the connection is gone."""
        if self.closed:
            return None
        try:
            return await self.call(payload, skip_schema_validation=True)
        except TimeoutError:
            log.info("%s: no answer to %s", self.id, type(payload).__name__)
            return None
        except Exception as exc:  # disconnect while sending: quiet, the caller reports it
            log.debug("%s: %s failed: %s", self.id, type(payload).__name__, exc)
            return None

    async def remote_start(self, connector_no: int, id_tag: str) -> str | None:
        res = await self.send(call.RemoteStartTransaction(id_tag=id_tag, connector_id=connector_no))
        return str(res.status) if res is not None else None

    async def remote_stop(self, transaction_id: int) -> str | None:
        # callers name the session; the charger knows it by its OCPP transactionId
        tx = await self.core.db(transactions.tx_of_session, transaction_id)
        res = await self.send(call.RemoteStopTransaction(transaction_id=tx))
        return str(res.status) if res is not None else None

    async def reserve_now(self, connector_no: int, expiry: datetime, id_tag: str,
                          reservation_id: int, parent_id_tag: str | None) -> str | None:
        res = await self.send(
            call.ReserveNow(
                connector_id=connector_no, expiry_date=to_iso(expiry), id_tag=id_tag,
                reservation_id=reservation_id, parent_id_tag=parent_id_tag,
            )
        )
        return str(res.status) if res is not None else None

    async def cancel_reservation(self, reservation_id: int) -> str | None:
        res = await self.send(call.CancelReservation(reservation_id=reservation_id))
        return str(res.status) if res is not None else None

    async def unlock(self, connector_no: int) -> str | None:
        res = await self.send(call.UnlockConnector(connector_id=connector_no))
        return str(res.status) if res is not None else None

    async def reset(self, kind: str = "Soft") -> str | None:
        res = await self.send(call.Reset(type=kind))
        return str(res.status) if res is not None else None

    async def change_availability(self, connector_no: int, operative: bool) -> str | None:
        res = await self.send(
            call.ChangeAvailability(
                connector_id=connector_no, type="Operative" if operative else "Inoperative"
            )
        )
        return str(res.status) if res is not None else None

    async def change_configuration(self, key: str, value: str) -> str | None:
        res = await self.send(call.ChangeConfiguration(key=key, value=value))
        return str(res.status) if res is not None else None

    async def trigger_message(self, message: str, connector_no: int | None = None) -> str | None:
        res = await self.send(
            call.TriggerMessage(requested_message=message, connector_id=connector_no)
        )
        return str(res.status) if res is not None else None
