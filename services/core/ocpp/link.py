"""One connected charge point: the OCPP 1.6J message handlers of the central system.

Rule for every handler: reply first, act later. A handler never awaits a call TO the
charger (the ocpp library reads the charger's replies in the same loop that runs the
handler, so awaiting one would deadlock); follow-up commands are scheduled as tasks.

Schema validation: the library validates each message against the JSON schema in a worker
thread, twice per message (request and reply). That is worth it for rare messages, not for
the hot path (MeterValues, Heartbeat, StatusNotification), whose few fields are checked by
hand here instead.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Protocol

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.datatypes import IdTagInfo
from ocpp.v16.enums import (
    Action,
    AuthorizationStatus,
    DataTransferStatus,
    RegistrationStatus,
)

from services.core.domain import charging
from services.core.domain.status import publish_connector_status
from services.core.ocpp import status as status_store
from services.core.store.db import from_iso, to_iso

log = logging.getLogger(__name__)


class LinkHost(Protocol):
    """What a link needs from the central system that holds it (kept here, not imported
    from ``central``, so the two modules do not import each other)."""

    core: Any
    heartbeat_interval: int

    def queue_meter_value(self, row: tuple) -> None: ...

    def after_status(self, station_id: int, connector_no: int, new: str) -> None: ...

    def session_changed(self, session_id: int) -> None: ...

    async def flush_meter_values(self) -> None: ...

VENDOR_ID = "org.voltra"


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
) -> list[tuple[str, int | None, float | None, float | None]]:
    """(ts, energy Wh, power W, SoC %) per sampled timestamp; the library hands us the
    payload in snake_case. Unknown measurands and phases are ignored; kWh/kW are scaled."""
    out = []
    for mv in meter_value or ():
        ts = to_iso(_ts(mv.get("timestamp")))
        energy = power = soc = None
        for sv in mv.get("sampled_value") or mv.get("sampledValue") or ():
            measurand = sv.get("measurand", "Energy.Active.Import.Register")
            if sv.get("phase"):
                continue
            try:
                value = float(sv["value"])
            except (KeyError, TypeError, ValueError):
                continue
            unit = sv.get("unit")
            if measurand == "Energy.Active.Import.Register":
                energy = round(value * 1000 if unit == "kWh" else value)
            elif measurand == "Power.Active.Import":
                power = value * 1000 if unit == "kW" else value
            elif measurand == "SoC":
                soc = value
        if energy is not None or power is not None or soc is not None:
            out.append((ts, energy, power, soc))
    return out


class StationLink(ChargePoint):
    def __init__(
        self,
        identity: str,
        connection: Any,
        central: LinkHost,
        station_id: int,
        response_timeout: float,
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
        self.closed = False
        # OCPP connectorId -> connectors.id, loaded when the charger connects
        self.connector_ids: dict[int, int] = {}

    # ------------------------------------------------------------- from the charger

    async def route_message(self, raw_msg: str) -> None:
        """Fast path for the messages every charger sends all the time (MeterValues,
        Heartbeat): one json.loads, the handler, one json.dumps. The library's generic path
        (snake_case conversion of every key, dataclass round trips, signature inspection)
        costs several times more per message; everything else still goes through it."""
        if '"MeterValues"' in raw_msg or '"Heartbeat"' in raw_msg:
            try:
                msg = json.loads(raw_msg)
            except ValueError:
                msg = None
            if (
                isinstance(msg, list)
                and len(msg) == 4
                and msg[0] == 2
                and isinstance(msg[3], dict)
                and isinstance(msg[1], str)
            ):
                reply = self._fast_reply(msg[2], msg[3])
                if isinstance(reply, str):
                    # hand-checked fields (schema validation is off on the hot path)
                    err = [4, msg[1], "TypeConstraintViolation", reply, {}]
                    await self._send(json.dumps(err, separators=(",", ":")))
                    return
                if reply is not None:
                    await self._send(json.dumps([3, msg[1], reply], separators=(",", ":")))
                    return
        await super().route_message(raw_msg)

    def _fast_reply(self, action: Any, payload: dict[str, Any]) -> dict[str, Any] | str | None:
        """The reply payload, an error text for a malformed message, or None (not ours)."""
        if action == "Heartbeat":
            return {"currentTime": to_iso(datetime.now(UTC))}
        if action == "MeterValues":
            connector = payload.get("connectorId")
            values = payload.get("meterValue")
            tx = payload.get("transactionId")
            if not isinstance(connector, int) or connector < 0:
                return "connectorId: must be an integer >= 0"
            if not isinstance(values, list) or not values:
                return "meterValue: must be a non-empty list"
            if tx is not None and not isinstance(tx, int):
                return "transactionId: must be an integer"
            if isinstance(tx, int) and tx > 0:
                for ts, wh, w, soc in parse_meter_values(values):
                    self.central.queue_meter_value((tx, ts, wh, w, soc))
            return {}
        return None

    @on(Action.boot_notification)
    async def on_boot(
        self,
        charge_point_vendor: str,
        charge_point_model: str,
        firmware_version: str | None = None,
        **_: Any,
    ) -> Any:
        await self.core.db(
            status_store.record_boot,
            self.station_id,
            charge_point_vendor,
            charge_point_model,
            firmware_version,
            to_iso(datetime.now(UTC)),
        )
        return call_result.BootNotification(
            current_time=to_iso(datetime.now(UTC)),
            interval=self.central.heartbeat_interval,
            status=RegistrationStatus.accepted,
        )

    @on(Action.heartbeat, skip_schema_validation=True)
    def on_heartbeat(self, **_: Any) -> Any:
        # No database write: `connected` already says the charger is there.
        return call_result.Heartbeat(current_time=to_iso(datetime.now(UTC)))

    @on(Action.status_notification, skip_schema_validation=True)
    async def on_status(
        self,
        connector_id: int,
        status: str,
        error_code: str = "NoError",
        timestamp: str | None = None,
        **_: Any,
    ) -> Any:
        number = int(connector_id)
        if number == 0:
            await self.core.db(
                status_store.record_station_status,
                self.station_id,
                str(status),
                to_iso(_ts(timestamp)),
            )
        elif number in self.connector_ids:
            await publish_connector_status(self.core, self.connector_ids[number], str(status))
            self.central.after_status(self.station_id, number, str(status))
        return call_result.StatusNotification()

    @on(Action.authorize)
    async def on_authorize(self, id_tag: str, **_: Any) -> Any:
        st = await self.core.db(charging.authorize_tag, id_tag)
        return call_result.Authorize(id_tag_info=IdTagInfo(status=AuthorizationStatus(st)))

    @on(Action.start_transaction)
    async def on_start_transaction(
        self, connector_id: int, id_tag: str, meter_start: int, timestamp: str, **_: Any
    ) -> Any:
        tx, st = await self.core.db(
            charging.start_transaction,
            station_id=self.station_id,
            connector_no=int(connector_id),
            id_tag=id_tag,
            meter_start=int(meter_start),
            timestamp=_ts(timestamp),
        )
        self.central.session_changed(tx)
        return call_result.StartTransaction(
            transaction_id=tx, id_tag_info=IdTagInfo(status=AuthorizationStatus(st))
        )

    @on(Action.meter_values, skip_schema_validation=True)
    def on_meter_values(
        self,
        connector_id: int,
        meter_value: list | None = None,
        transaction_id: int | None = None,
        **_: Any,
    ) -> Any:
        if transaction_id:
            for ts, wh, w, soc in parse_meter_values(meter_value or []):
                self.central.queue_meter_value((int(transaction_id), ts, wh, w, soc))
        return call_result.MeterValues()

    @on(Action.stop_transaction)
    async def on_stop_transaction(
        self,
        meter_stop: int,
        timestamp: str,
        transaction_id: int,
        reason: str | None = None,
        id_tag: str | None = None,
        transaction_data: list | None = None,
        **_: Any,
    ) -> Any:
        rows = [(int(transaction_id), *r) for r in parse_meter_values(transaction_data or [])]
        # Values still buffered for this session land before it is billed.
        await self.central.flush_meter_values()
        if rows:
            await self.core.db(charging.record_meter_values, rows)
        finished = await self.core.db(
            charging.finish_transaction,
            transaction_id=int(transaction_id),
            meter_stop=int(meter_stop),
            timestamp=_ts(timestamp),
            reason=reason,
            id_tag=id_tag,
        )
        if finished is not None:
            self.central.session_changed(int(transaction_id))
        if id_tag:
            st = await self.core.db(charging.authorize_tag, id_tag)
            return call_result.StopTransaction(
                id_tag_info=IdTagInfo(status=AuthorizationStatus(st))
            )
        return call_result.StopTransaction()

    @on(Action.data_transfer)
    def on_data_transfer(
        self, vendor_id: str, message_id: str | None = None, data: str | None = None, **_: Any
    ) -> Any:
        # No vendor extensions are defined; our own vendor id gets an echo so a charger
        # can test the round trip.
        if vendor_id == VENDOR_ID:
            return call_result.DataTransfer(status=DataTransferStatus.accepted, data=data)
        return call_result.DataTransfer(status=DataTransferStatus.unknown_vendor_id)

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
        res = await self.send(call.RemoteStopTransaction(transaction_id=transaction_id))
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

    async def trigger_message(self, message: str, connector_no: int | None = None) -> str | None:
        res = await self.send(
            call.TriggerMessage(requested_message=message, connector_id=connector_no)
        )
        return str(res.status) if res is not None else None
