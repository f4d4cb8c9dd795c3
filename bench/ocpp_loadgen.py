"""Load generator worker for bench/bench_ocpp.py: a share of the simulated chargers in one
process (uvloop when installed), as lean as an OCPP-J client can be so the round trip it
measures is the core's, not the generator's own scheduling delay.

Per charger: one websocket (``websockets``, subprotocol ocpp1.6, to the real core on
loopback, Basic auth with the password the bench provisioned: ``password(key, identity)``),
BootNotification, StatusNotification, StartTransaction, then MeterValues once a
second on its own phase, then StopTransaction. Frames are real OCPP 1.6J CALLs; only the
MeterValues text is pre-encoded (a template filled with the message id, transaction id,
timestamp and meter reading), not built by json.dumps per message. One CALL is outstanding
per connection, as OCPP-J requires. The send time is taken right before the frame is
written and the receive time as soon as the reply frame is read, before it is parsed.

Every reply is checked: a MeterValues reply must be a CALLRESULT ``[3, <that id>, {}]``;
anything else (CALLERROR, wrong id, other payload, no reply) is counted as an error.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import os
import time
from array import array
from multiprocessing.connection import Connection
from typing import Any

import websockets

# MeterValues.req with the measurands a charging session reports; %-template, ids quoted.
METER_TEMPLATE = (
    '[2,"%s","MeterValues",{"connectorId":1,"transactionId":%d,"meterValue":[{"timestamp":'
    '"%s","sampledValue":[{"value":"%d","measurand":"Energy.Active.Import.Register",'
    '"unit":"Wh"},{"value":"22000","measurand":"Power.Active.Import","unit":"W"},'
    '{"value":"55.0","measurand":"SoC","unit":"Percent"}]}]}]'
)
EMPTY_RESULT = {}


def password(key: bytes, identity: str) -> str:
    """The bench run's password of one charger (the bench stores its hash in the store)."""
    return hmac.new(key, identity.encode(), hashlib.sha256).hexdigest()[:32]


class Clock:
    """ISO-8601 UTC timestamps with milliseconds, the date part formatted once a second."""

    def __init__(self) -> None:
        self._sec = -1
        self._prefix = ""

    def iso(self) -> str:
        now = time.time()
        sec = int(now)
        if sec != self._sec:
            self._sec = sec
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
        return f"{self._prefix}.{int((now - sec) * 1000):03d}Z"


class Charger:
    def __init__(self, url: str, identity: str, clock: Clock, key: bytes) -> None:
        self.url = url.replace("http://", "ws://") + "/ocpp/" + identity
        self.identity = identity
        token = base64.b64encode(f"{identity}:{password(key, identity)}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}"}
        self.clock = clock
        self.ws: Any = None
        self.n = 0
        self.uid = ""
        self.fut: asyncio.Future | None = None
        self.recv_t = 0.0
        self.tx = 0
        self.meter = 1_000_000
        self.errors: list[str] = []

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url, subprotocols=["ocpp1.6"], max_queue=16,
                                           ping_interval=None, compression=None,
                                           additional_headers=self.headers)
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                t = time.perf_counter()
                msg = json.loads(raw)
                if msg[0] == 2:  # the core asks something (not expected here): accept
                    await self.ws.send(json.dumps([3, msg[1], {"status": "Accepted"}]))
                    continue
                fut = self.fut
                if fut is None or fut.done() or msg[1] != self.uid:
                    self.errors.append(f"unexpected frame {str(raw)[:120]}")
                    continue
                self.recv_t = t
                fut.set_result(msg)

    def _next_uid(self) -> str:
        self.n += 1
        self.uid = f"{self.identity}-{self.n}"
        return self.uid

    async def _send(self, frame: str) -> tuple[list, float]:
        fut = self.fut = asyncio.get_running_loop().create_future()
        t0 = time.perf_counter()
        await self.ws.send(frame)
        msg = await fut
        return msg, self.recv_t - t0

    async def call(self, action: str, payload: dict) -> dict:
        msg, _ = await asyncio.wait_for(
            self._send(json.dumps([2, self._next_uid(), action, payload])), 30)
        if msg[0] != 3:
            raise RuntimeError(f"{self.identity} {action}: {msg}")
        return msg[2]

    async def setup(self) -> None:
        await self.call("BootNotification", {"chargePointVendor": "Bench",
                                             "chargePointModel": "Load"})
        await self.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError",
                                               "status": "Preparing"})
        res = await self.call("StartTransaction", {
            "connectorId": 1, "idTag": "EE00" + f"{hash(self.identity) & 0xFFFFFFFFFF:010X}",
            "meterStart": self.meter, "timestamp": self.clock.iso()})
        self.tx = res["transactionId"]

    async def meter_loop(self, first: float, until: float, rtts: array, span: list[float]
                         ) -> int:
        """MeterValues at first, first + 1 s, ... while before ``until``. Times are
        ``time.perf_counter()``: CLOCK_MONOTONIC on Linux, the same in every process, so the
        parent can give all workers one schedule."""
        sent = 0
        nxt = first
        while nxt < until:
            delay = nxt - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            self.meter += 6  # 22 kW for one second
            frame = METER_TEMPLATE % (self._next_uid(), self.tx, self.clock.iso(), self.meter)
            sent_at = time.perf_counter()
            try:
                async with asyncio.timeout(10):  # a timer handle, not a task per call
                    msg, rtt = await self._send(frame)
            except TimeoutError:
                self.errors.append(f"no reply to {self.uid} within 10 s")
                break
            if msg[0] != 3 or msg[2] != EMPTY_RESULT:
                self.errors.append(f"MeterValues {self.uid}: {str(msg)[:120]}")
            else:
                rtts.append(rtt)
            sent += 1
            span[0] = min(span[0], sent_at)
            span[1] = max(span[1], self.recv_t)
            nxt += 1.0
        return sent

    async def finish(self) -> None:
        await self.call("StopTransaction", {"transactionId": self.tx, "meterStop": self.meter,
                                            "timestamp": self.clock.iso(), "reason": "Local"})
        await self.ws.close()


async def _run(url: str, ids: list[str], offsets: list[float], pipe: Connection,
               key: bytes) -> dict:
    clock = Clock()
    chargers = [Charger(url, i, clock, key) for i in ids]
    sem = asyncio.Semaphore(25)

    async def up(c: Charger) -> None:
        async with sem:
            await c.connect()
            await c.setup()

    t0 = time.perf_counter()
    await asyncio.gather(*(up(c) for c in chargers))
    pipe.send({"ready": time.perf_counter() - t0})
    loop = asyncio.get_running_loop()
    start, until = await loop.run_in_executor(None, pipe.recv)  # perf_counter times
    rtts: array = array("d")
    span = [float("inf"), 0.0]
    counts = await asyncio.gather(*(
        c.meter_loop(start + off, until, rtts, span) for c, off in zip(chargers, offsets,
                                                                        strict=True)))
    await asyncio.gather(*(c.finish() for c in chargers))
    errors = [e for c in chargers for e in c.errors]
    return {"sent": sum(counts), "rtts": rtts.tobytes(), "errors": len(errors),
            "error_samples": errors[:5], "first": span[0], "last": span[1]}


def worker(url: str, ids: list[str], offsets: list[float], pipe: Connection,
           key: bytes) -> None:
    """multiprocessing target: run the share, send the result dict through ``pipe``."""
    try:
        import uvloop
        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    try:
        with runner:
            result = runner.run(_run(url, ids, offsets, pipe, key))
        result["pid"] = os.getpid()
        pipe.send(result)
    except Exception as exc:  # the parent reports it
        pipe.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        pipe.close()
