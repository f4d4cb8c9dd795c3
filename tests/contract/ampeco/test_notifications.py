"""Notifications (webhooks): subscriptions managed through the API with their input checked,
and deliveries of session, EVSE status and reservation events to a receiver on loopback (a
demo database), signed with the subscribing token as the document says, and retried."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from services.hardware.simulator import Simulator
from tests.contract.ampeco.charging_world import TOKEN, AsyncAmpeco, charging_core, simulate
from tests.contract.ampeco.client import Ampeco
from tests.contract.ampeco.document_parts import check_callback
from tests.core.charging.world import Seeded
from tests.waits import eventually

SUBSCRIBE = "/public-api/notifications/v2.0"
ONE = "/public-api/notifications/v2.0/{notification}"
START_AT = "/public-api/actions/charge-point/v1.0/{chargePoint}/start/{evse}"
STOP = "/public-api/actions/charge-point/v1.0/{chargePoint}/stop/{session}"
RESERVE = "/public-api/actions/charge-point/v1.0/{chargePoint}/reserve/{evse}"
CANCEL = "/public-api/actions/reservation/v1.0/{reservation}/cancel"


class Receiver:
    """A webhook receiver on 127.0.0.1 that records deliveries and can fail the first ones."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.fail_next = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    failing = receiver.fail_next > 0
                    receiver.fail_next -= 1 if failing else 0
                    receiver.received.append({"at": time.monotonic(), "body": body,
                                              "headers": dict(self.headers),
                                              "answered": 500 if failing else 202})
                self.send_response(500 if failing else 202)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def of(self, name: str, ok_only: bool = True) -> list[dict[str, Any]]:
        with self.lock:
            found = [dict(r, json=json.loads(r["body"])) for r in self.received]
        return [r for r in found if r["json"]["notification"] == name
                and (r["answered"] == 202 or not ok_only)]


# ------------------------------------------------------------------ subscriptions


def test_subscription_lifecycle(amp: Ampeco, other_operator: Ampeco) -> None:
    made = amp.call("POST", SUBSCRIBE, json={
        "via": "webhook", "notifications": ["session.start.stop.notification"],
        "webhook": {"callbackUrl": "http://127.0.0.1:9/hook"}})
    assert made.status_code == 201, made.text
    hook = made.json()["data"]
    assert hook["via"] == "webhook" and hook["webhook"]["callbackUrl"] == "http://127.0.0.1:9/hook"
    assert amp.ok(ONE, notification=hook["id"])["data"] == hook
    assert hook["id"] in [h["id"] for h in amp.ok(SUBSCRIBE)["data"]]
    changed = amp.call("PUT", ONE, notification=hook["id"], json={
        "via": "webhook", "notifications": ["HardwareStatusNotification", "evse.changed"],
        "webhook": {"callbackUrl": "http://localhost:9/other"}})
    assert changed.status_code == 200
    assert changed.json()["data"]["notifications"] == ["HardwareStatusNotification",
                                                       "evse.changed"]
    assert other_operator.get(ONE, notification=hook["id"]).status_code == 404
    assert hook["id"] not in [h["id"] for h in other_operator.ok(SUBSCRIBE)["data"]]
    assert other_operator.call("DELETE", ONE, notification=hook["id"]).status_code == 404
    assert amp.call("DELETE", ONE, notification=hook["id"]).status_code == 204
    assert amp.get(ONE, notification=hook["id"]).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"via": "kafka", "notifications": ["evse.changed"], "kafka": {"topic": "t",
                                                                  "brokers": ["b:9092"]}},
     "via"),
    ({"via": "webhook", "notifications": ["evse.changed"]}, "webhook.callbackUrl"),
    ({"via": "webhook", "notifications": [], "webhook": {"callbackUrl": "http://127.0.0.1/"}},
     "notifications"),
    ({"via": "webhook", "notifications": ["NoSuchNotification"],
      "webhook": {"callbackUrl": "http://127.0.0.1/"}}, "notifications.0"),
    ({"via": "webhook", "notifications": ["evse.changed"],
      "webhook": {"callbackUrl": "http://169.254.169.254/latest"}}, "webhook.callbackUrl"),
    ({"via": "webhook", "notifications": ["evse.changed"],
      "webhook": {"callbackUrl": "http://10.1.2.3/hook"}}, "webhook.callbackUrl"),
    ({"via": "webhook", "notifications": ["evse.changed"],
      "webhook": {"callbackUrl": "ftp://127.0.0.1/hook"}}, "webhook.callbackUrl"),
])
def test_subscription_input_is_refused_naming_the_field(amp: Ampeco, body: dict,
                                                        field: str) -> None:
    response = amp.call("POST", SUBSCRIBE, json=body)
    assert response.status_code == 422 and field in response.json()["errors"], response.text


# ------------------------------------------------------------------ deliveries


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded, Path]]:
    yield from charging_core(tmp_path_factory, "ampeco-notifications", demo=True,
                             env={"VOLTRA_WEBHOOK_RETRY_S": "0.3",
                                  "VOLTRA_WEBHOOK_ATTEMPTS": "4",
                                  "VOLTRA_MINUTE_SECONDS": "1"})


@pytest.fixture(scope="module")
async def sim(world: tuple[str, Seeded, Path]) -> AsyncIterator[Simulator]:
    async for s in simulate(world[0], world[1]):
        yield s


@pytest.fixture
async def client(world: tuple[str, Seeded, Path]) -> AsyncIterator[AsyncAmpeco]:
    c = AsyncAmpeco(world[0])
    yield c
    await c.close()


def _signed(record: dict[str, Any]) -> None:
    expected = hmac.new(TOKEN.encode(), record["body"], hashlib.sha256).hexdigest()
    assert record["headers"]["X-Signature"] == expected
    assert record["headers"]["X-Timestamp"].endswith("Z")
    assert record["headers"]["X-Tenant"]


async def test_deliveries_are_signed_retried_and_documented(world, sim, client) -> None:
    receiver = Receiver()
    receiver.fail_next = 1
    names = ["session.start.stop.notification", "SessionStartStopNotification",
             "SessionUpdateNotification", "HardwareStatusNotification", "evse.changed",
             "reservation.changed"]
    made = await client.call("POST", SUBSCRIBE, json={
        "via": "webhook", "notifications": names, "webhook": {"callbackUrl": receiver.url}})
    assert made.status_code == 201, made.text

    started = (await client.call("POST", START_AT, chargePoint=1, evse=1,
                                 json={"userId": 1})).json()
    assert started["success"] is True, started
    session = started["sessionId"]

    async def delivered(name: str, action: str | None = None) -> list[dict[str, Any]]:
        return [r for r in receiver.of(name) if action is None or r["json"].get("action")
                == action]  # fmt: skip

    start = (await eventually(lambda: delivered("session.start.stop.notification", "start")))[0]
    assert start["json"]["sessionId"] == session and start["json"]["chargePointId"] == 1
    _signed(start)
    check_callback("session.start.stop.notification", start["json"])
    # the first delivery was refused (500) and retried with the same body
    first = receiver.received[0]
    assert first["answered"] == 500

    async def retried() -> bool:
        with receiver.lock:
            return any(r["body"] == first["body"] and r["answered"] == 202
                       for r in receiver.received)

    await eventually(retried)

    assert (await client.call("POST", STOP, chargePoint=1, session=session)).status_code == 202
    stop = (await eventually(lambda: delivered("session.start.stop.notification", "stop")))[0]
    assert stop["json"]["energyConsumed"] > 0 and stop["json"]["stoppedAtTimestamp"]
    check_callback("session.start.stop.notification", stop["json"])
    old = (await eventually(lambda: delivered("SessionStartStopNotification", "stop")))[0]
    check_callback("SessionStartStopNotification", old["json"])
    update = (await eventually(lambda: delivered("SessionUpdateNotification")))[0]
    check_callback("SessionUpdateNotification", update["json"])

    hardware = await eventually(lambda: delivered("HardwareStatusNotification"))
    assert {h["json"]["hardwareStatus"] for h in hardware} & {"charging", "preparing"}
    for record in hardware:
        check_callback("HardwareStatusNotification", record["json"])
        _signed(record)
    evse = (await eventually(lambda: delivered("evse.changed")))[0]
    check_callback("evse.changed", evse["json"])

    reserved = await client.call("POST", RESERVE, chargePoint=2, evse=1, json={"userId": 2})
    reservation = reserved.json()["reservationId"]
    await client.call("POST", CANCEL, reservation=reservation)

    async def cancelled() -> list[dict[str, Any]]:
        return [r for r in await delivered("reservation.changed")
                if r["json"]["reservationId"] == reservation
                and r["json"]["status"] == "canceled"]

    record = (await eventually(cancelled))[0]
    check_callback("reservation.changed", record["json"])
    _signed(record)
