"""``…/webhooks``: registration, and signed deliveries of session and point events to a
receiver on loopback (a demo database), with retries and back-off. A core of its own, so
retries can be fast (``VOLTRA_WEBHOOK_RETRY_S``)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.core.store.db import connect
from services.hardware.charger import ConnectorSpec, StationSpec
from services.hardware.ev import Vehicle
from services.hardware.simulator import Simulator
from tests.clients.http import TIMEOUT_S
from tests.clients.wirelane import Wirelane, provision_charger
from tests.core_launcher import core_process
from tests.waits import WITHIN_S, eventually

RETRY_S = 0.3


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
                    receiver.received.append({"at": time.monotonic(), "path": self.path,
                                              "headers": dict(self.headers), "body": body,
                                              "answered": 500 if failing else 204})
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, event: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.received if r["headers"].get("X-Wirelane-Event") == event]


@pytest.fixture(scope="module")
def hook_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("webhooks") / "core.sqlite3"


@pytest.fixture(scope="module")
def hook_core(hook_db: Path) -> Iterator[str]:
    with core_process(hook_db, stations=60, seed=5,
                      env={"VOLTRA_WEBHOOK_RETRY_S": str(RETRY_S),
                           "VOLTRA_WEBHOOK_ATTEMPTS": "4"}) as url:
        yield url


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture(scope="module")
def hwl(hook_core: str) -> Iterator[Wirelane]:
    client = Wirelane(hook_core)
    yield client
    client.close()


def member_tags(db: Path, email: str) -> list[str]:
    conn = connect(db)
    try:
        return [r[0] for r in conn.execute(
            "SELECT k.tag_id FROM cards k JOIN users u ON u.id = k.user_id"
            " WHERE u.email = ? AND k.status = 'ACTIVE' ORDER BY k.id", (email,))]
    finally:
        conn.close()


def verify(secret: str, delivery: dict[str, Any]) -> dict[str, Any]:
    parts = dict(p.split("=", 1) for p in delivery["headers"]["X-Wirelane-Signature"].split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + delivery["body"],
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected), "signature does not verify"
    assert abs(int(parts["t"]) - time.time()) < 600
    return json.loads(delivery["body"])


def test_registration_refuses_what_is_not_allowed(hwl: Wirelane) -> None:
    token = hwl.password_token()
    for url, reason in (("ftp://127.0.0.1/x", "http or https"),
                        ("http://10.0.0.7/hook", "public"),
                        ("http://169.254.169.254/latest", "public"),
                        ("https://hooks.example.com/x", "allowed")):
        r = hwl.request("POST", "/webhooks", token, json={"url": url})
        assert r.status_code == 422, r.text
        assert r.json()["parameter"] == "url" and reason in r.json()["message"]
    r = hwl.request("POST", "/webhooks", token, json={"url": "http://127.0.0.1:1/",
                                                       "events": ["everything"]})
    assert r.status_code == 422 and r.json()["parameter"] == "events.0"
    r = hwl.get("/webhooks/00000000-0000-4000-8000-000000000000", token)
    assert r.status_code == 404 and r.json()["parameter"] == "webhookId"


def test_register_list_and_delete(hwl: Wirelane, receiver: Receiver) -> None:
    token = hwl.password_token()
    r = hwl.request("POST", "/webhooks", token, json={"url": receiver.url + "/gone",
                                                       "events": ["session.ended"]})
    assert r.status_code == 201, r.text
    hook = r.json()
    assert hook["secret"].startswith("whsec_") and hook["events"] == ["session.ended"]
    listed = hwl.ok("/webhooks", token)
    assert hook["id"] in {h["id"] for h in listed}
    assert all("secret" not in h for h in listed)
    assert hwl.request("DELETE", f"/webhooks/{hook['id']}", token).status_code == 204
    assert hook["id"] not in {h["id"] for h in hwl.ok("/webhooks", token)}
    assert hwl.request("DELETE", f"/webhooks/{hook['id']}", token).status_code == 404


async def _get(url: str, token: str) -> Any:
    async with httpx.AsyncClient(timeout=TIMEOUT_S) as http:
        r = await http.get(url, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return r.json()


async def test_signed_deliveries_of_point_and_session_events_with_retries(
        hwl: Wirelane, hook_core: str, hook_db: Path, receiver: Receiver) -> None:
    token = hwl.password_token()
    r = hwl.request("POST", "/webhooks", token, json={"url": receiver.url + "/wirelane"})
    assert r.status_code == 201, r.text
    hook = r.json()
    assert hook["events"] == ["session.started", "session.ended", "point.status_changed"]
    tag = uuid.uuid4().hex[:8]
    station = f"hooked-{tag}"
    r = hwl.request("POST", "/points", token, json={
        "charging_station_id": station, "charge_point_id": f"HOOK-{tag}",
        "plug_types": ["CCS"], "power": 50, "latitude": 52.5, "longitude": 13.4})
    assert r.status_code == 201, r.text
    point = r.json()
    with receiver.lock:
        receiver.fail_next = 2  # the first two deliveries get a 500: retried with back-off
    password = provision_charger(hook_db, station)
    sim = Simulator(hook_core, specs=[StationSpec(station, [ConnectorSpec(1, "DC", 50.0)],
                                                  password=password)],
                    speed=1, seed=3, meter_interval_s=0.3)
    await sim.start()
    try:
        await sim.wait_online(within_s=WITHIN_S)

        async def status_delivered() -> list[dict[str, Any]]:
            return [d for d in receiver.events("point.status_changed") if d["answered"] == 204
                    and verify(hook["secret"], d)["data"]["id"] == point["id"]]

        delivered = (await eventually(status_delivered))[0]
        body = verify(hook["secret"], delivered)
        assert body["event"] == "point.status_changed"
        assert body["organization_id"] == "DEMOTENANT"
        assert body["data"]["status"] == "FREE"
        assert delivered["path"] == "/wirelane"
        tries = [d for d in receiver.events("point.status_changed")
                 if d["headers"]["X-Wirelane-Delivery"]
                 == delivered["headers"]["X-Wirelane-Delivery"]]
        assert [d["answered"] for d in tries] == [500, 500, 204]
        gaps = [b["at"] - a["at"] for a, b in itertools.pairwise(tries)]
        assert gaps[0] >= RETRY_S * 0.9 and gaps[1] >= 2 * RETRY_S * 0.9, gaps
        state = await _get(hwl.org_path(f"/webhooks/{hook['id']}"), token)
        mine = next(d for d in state["deliveries"]
                    if d["id"] == delivered["headers"]["X-Wirelane-Delivery"])
        assert mine["delivered"] is True and mine["attempts"] == 3

        connector = sim.station(station).connectors[1]
        connector.plug_in(Vehicle("Test EV", 60.0, 11.0, 50.0, soc=20.0, target_soc=90.0))
        accepted = None
        for card_tag in member_tags(hook_db, "driver@example.com"):
            accepted = await connector.swipe(card_tag)
            if accepted == "Accepted":
                break
        assert accepted == "Accepted"

        async def started() -> list[dict[str, Any]]:
            return receiver.events("session.started")

        session = verify(hook["secret"], (await eventually(started))[0])["data"]
        assert session["charging_station_id"] == station and session["status"] == "started"
        connector.unplug()

        async def ended() -> list[dict[str, Any]]:
            return [d for d in receiver.events("session.ended")
                    if verify(hook["secret"], d)["data"]["session_id"] == session["session_id"]]

        final = verify(hook["secret"], (await eventually(ended))[0])["data"]
        assert final["status"] == "closed" and final["kwh"] is not None
        assert len(receiver.events("session.started")) == 1, "one delivery per happening"
    finally:
        await sim.stop()
