"""Shared pieces of the charging integration tests: a small store of our own (so energy and
cost are predictable), a core subprocess on a fixed port (so it can be restarted under the
same URL), GraphQL helpers for the charging operations."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from services.core.demo import chargers as demo_chargers
from services.core.domain.passwords import hash_password
from services.core.store.db import connect, migrate, utcnow
from services.hardware.charger import ConnectorSpec, StationSpec
from tests.support import _wait_ready

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "charge-Me-2026"
# Tariff of every test connector: 1.00 start + 0.50/kWh, 19 % VAT, no time components, so
# the expected bill depends on the metered energy only.
START_FEE, PER_KWH, TAX = 1.0, 0.5, 19.0


@dataclass
class Seeded:
    stations: list[str]  # station uuids (Cp.id = OCPP identity)
    connectors: dict[str, list[int]]  # station uuid -> connector ids (1..n = sort order)
    users: dict[str, dict[str, Any]]  # email -> {"cards": {label: (uuid, tag)}}

    def specs(self, uuids: list[str] | None = None) -> list[StationSpec]:
        out = []
        for u in uuids or self.stations:
            out.append(
                StationSpec(u, [ConnectorSpec(1, "AC", 22.0), ConnectorSpec(2, "DC", 150.0)])
            )
        return out


def seed(db: Path, stations: int = 6) -> Seeded:
    conn = connect(db)
    migrate(conn)
    ts = utcnow()
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO operators(id, name, party_id, country) VALUES (1, 'Voltra Test', 'VOL', 'DE')"
    )
    conn.execute(
        "INSERT INTO tariffs(id, name, start_fee, per_kwh, per_minute, parking_per_minute,"
        " parking_grace_minutes, tax_rate) VALUES (1, 'Test AC/DC', ?, ?, 0, 0, 0, ?)",
        (START_FEE, PER_KWH, TAX),
    )
    conn.execute(
        "INSERT INTO sites(id, uuid, name, operator_id, country, latitude, longitude)"
        " VALUES (1, 'site-test-1', 'Test site', 1, 'DEU', 52.52, 13.405)"
    )
    uuids, connectors = [], {}
    for i in range(1, stations + 1):
        u = f"00000000-0000-4000-8000-{i:012d}"
        uuids.append(u)
        conn.execute(
            "INSERT INTO stations(id, uuid, site_id, operator_id, label, country, latitude,"
            " longitude) VALUES (?, ?, 1, 1, ?, 'DEU', ?, 13.405)",
            (i, u, f"Test station {i}", 52.52 + i / 1000),
        )
        connectors[u] = []
        for n, (plug, cur, kw) in enumerate((("TYPE2", "AC", 22.0), ("CCS", "DC", 150.0)), 1):
            cid = i * 10 + n
            conn.execute(
                "INSERT INTO connectors(id, station_id, sort_order, evse_id, plug_type,"
                " current_type, max_power_kw, tariff_id) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                (cid, i, n, f"DE*VOL*ET{i}*{n}", plug, cur, kw),
            )
            connectors[u].append(cid)
    demo_chargers.provision(conn)
    users: dict[str, dict[str, Any]] = {}
    pw = hash_password(PASSWORD)
    cards = {
        "a@example.com": [
            ("main", "A1A1A1A1", "ACTIVE", None),
            ("blocked", "B10CB10C", "INACTIVE", None),
            ("expired", "E0E0E0E0", "ACTIVE", "2024-01-31"),
        ],
        "b@example.com": [("main", "B2B2B2B2", "ACTIVE", None)],
    }
    for uid, (email, user_cards) in enumerate(cards.items(), start=1):
        conn.execute(
            "INSERT INTO users(id, uuid, email, password_hash, created_at, email_verified)"
            " VALUES (?, ?, ?, ?, ?, 1)",
            (uid, f"user-{uid}", email, pw, ts),
        )
        users[email] = {"cards": {}}
        for k, (label, tag, status, expiry) in enumerate(user_cards):
            cu = f"card-{uid}-{k}"
            conn.execute(
                "INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status,"
                " expiry_date, created_at) VALUES (?, ?, ?, ?, ?, 'default', ?, ?, ?)",
                (cu, uid, tag, f"NO-{tag}", label, status, expiry, ts),
            )
            users[email]["cards"][label] = (cu, tag)
    conn.execute("COMMIT")
    conn.close()
    return Seeded(uuids, connectors, users)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def core_on(db: Path, port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    """``python -m services.core`` on a fixed port over an existing store; SIGTERM at exit."""
    log_path = db.with_name(f"core-{port}-{time.monotonic_ns()}.log")
    cmd = [
        sys.executable,
        "-m",
        "services.core",
        "--port",
        str(port),
        "--db",
        str(db),
        "--stations",
        "0",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=log, cwd=ROOT, env={**os.environ, **(env or {})}
        )
        try:
            yield _wait_ready(proc, 60, log_path)
        finally:
            stop_process(proc)
            if proc.stdout:
                proc.stdout.close()


def stop_process(proc: subprocess.Popen, hard: bool = False) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Api:
    """Async be.ENERGISED client for one user."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url.rstrip("/") + "/graphql/"
        self.http = httpx.AsyncClient(timeout=30)
        self.token: str | None = None

    async def close(self) -> None:
        await self.http.aclose()

    async def raw(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        r = await self.http.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=headers
        )
        return r.json()

    async def data(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        body = await self.raw(query, variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def login(self, email: str) -> Api:
        d = await self.data(
            "mutation($u: String!, $p: String!) { initSession(username: $u, password: $p)"
            " { sessionToken } }",
            {"u": email, "p": PASSWORD},
        )
        self.token = d["initSession"]["sessionToken"]
        return self

    async def remote_start(
        self, connector: int | str, card: str, kind: str = "RFID"
    ) -> dict[str, Any]:
        d = await self.data(
            "mutation($a: Authorization, $c: String) { remoteStart(authorization: $a,"
            " connector: $c) { id status message session transaction code } }",
            {"a": {"identifier": card, "type": kind}, "c": str(connector)},
        )
        return d["remoteStart"]

    async def attempt(
        self, connector: int | str, tag: str, config: dict | None = None
    ) -> dict[str, Any]:
        d = await self.data(
            "mutation($i: AttemptRemoteStartInput!) { attemptRemoteStart(input: $i)"
            " { id status isFailure failureReason chargeLogId connectorId lastSentAt } }",
            {"i": {"connectorId": str(connector), "tagId": tag, "config": config}},
        )
        return d["attemptRemoteStart"]

    async def attempt_status(self, attempt_id: str) -> dict[str, Any]:
        d = await self.data(
            "query($id: String!) { remoteStartAttemptStatus(id: $id)"
            " { id status isFailure failureReason chargeLogId connectorId lastSentAt } }",
            {"id": attempt_id},
        )
        return d["remoteStartAttemptStatus"]

    async def remote_stop(self, transaction: str) -> dict[str, Any]:
        d = await self.data(
            "mutation($t: String) { remoteStop(transaction: $t) { status code title message } }",
            {"t": transaction},
        )
        return d["remoteStop"]

    async def summary(self, chargelog: str) -> dict[str, Any]:
        d = await self.data(
            "query($u: String!) { chargelogMeterValuesSummary(uuid: $u) { sumEnergy"
            " currentPower currentStateOfCharge initialStateOfCharge energyLastValue } }",
            {"u": chargelog},
        )
        return d["chargelogMeterValuesSummary"]

    async def chargelog(self, chargelog: str) -> dict[str, Any]:
        d = await self.data(
            "query($id: ID!) { chargelog(id: $id) { id status authId meterStart meterEnd"
            " energyConsumption co2Saving dateStart dateEnd sessionId rateName"
            " cost { total currency grossAmount costItems { description netAmount taxAmount"
            " grossAmount taxRate } } } }",
            {"id": chargelog},
        )
        return d["chargelog"]


async def eventually(check, within_s: float = 20.0, interval: float = 0.1):  # type: ignore[no-untyped-def]
    """Poll an async ``check`` until it returns something truthy; return that."""
    deadline = time.monotonic() + within_s
    last = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {within_s}s; last value: {last!r}")
