"""A raw OCPP-J 1.6 client for tests that must send what no well-behaved charger would, and
a small store of chargers to point it at (demo credentials or their own)."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import websockets

from services.core.demo import chargers as demo_chargers
from services.core.store.db import connect, migrate, utcnow
from services.hardware.credentials import demo_password

ROOT = Path(__file__).resolve().parents[3]
TAG_A, TAG_B = "0CA0CA0C", "0CB0CB0C"
PER_KWH = 0.5


@dataclass
class Store:
    db: Path
    stations: list[str]  # identities; connector 1 = 22 kW AC, connector 2 = 150 kW DC
    passwords: dict[str, str] = field(default_factory=dict)
    user_email: str = "ocpp-driver@example.com"
    user_password: str = "ocpp-driver-pw"


def seed(db: Path, stations: int = 4) -> Store:
    """Stations with demo credentials, a tariff of PER_KWH per kWh (no tax), one driver
    with two cards. Stations get their own passwords with ``set_password``."""
    from services.core.domain.passwords import hash_password

    conn = connect(db)
    migrate(conn)
    ts = utcnow()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO operators(id, name, party_id, country) VALUES (1, 'O', 'OCP', 'DE')")
    conn.execute(
        "INSERT INTO tariffs(id, name, start_fee, per_kwh, per_minute, parking_per_minute,"
        " parking_grace_minutes, tax_rate) VALUES (1, 'T', 0, ?, 0, 0, 0, 0)",
        (PER_KWH,),
    )
    conn.execute(
        "INSERT INTO sites(id, uuid, name, operator_id, country, latitude, longitude)"
        " VALUES (1, 'ocpp-site', 'S', 1, 'DEU', 52.5, 13.4)"
    )
    idents = []
    for i in range(1, stations + 1):
        ident = f"OCPP-TEST-{i:03d}"
        idents.append(ident)
        conn.execute(
            "INSERT INTO stations(id, uuid, site_id, operator_id, label, country, latitude,"
            " longitude) VALUES (?, ?, 1, 1, ?, 'DEU', 52.5, 13.4)",
            (i, ident, ident),
        )
        for n, (cur, kw) in enumerate((("AC", 22.0), ("DC", 150.0)), 1):
            conn.execute(
                "INSERT INTO connectors(id, station_id, sort_order, evse_id, plug_type,"
                " current_type, max_power_kw, tariff_id) VALUES (?, ?, ?, ?, 'TYPE2', ?, ?, 1)",
                (i * 10 + n, i, n, f"DE*OCP*E{i}*{n}", cur, kw),
            )
    demo_chargers.provision(conn)
    store = Store(db, idents)
    conn.execute(
        "INSERT INTO users(id, uuid, email, password_hash, created_at, email_verified)"
        " VALUES (1, 'ocpp-user', ?, ?, ?, 1)",
        (store.user_email, hash_password(store.user_password), ts),
    )
    for k, tag in enumerate((TAG_A, TAG_B)):
        conn.execute(
            "INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status,"
            " created_at) VALUES (?, 1, ?, ?, ?, 'default', 'ACTIVE', ?)",
            (f"ocpp-card-{k}", tag, f"NO-{tag}", f"card {k}", ts),
        )
    conn.execute("COMMIT")
    conn.close()
    return store


def set_password(store: Store, ident: str) -> str:
    """Give a charger its own password through the real CLI; returns the password."""
    out = subprocess.run(
        [sys.executable, "-m", "services.core", "charger", "set-password", ident,
         "--db", str(store.db)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )
    store.passwords[ident] = out.stdout.strip()
    return store.passwords[ident]


def session_row(db: Path, tx: int) -> dict[str, Any] | None:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM sessions WHERE ocpp_tx_id = ?", (tx,)).fetchone()
        return dict(row) if row else None
    finally:
        conn.close()


def meter_rows(db: Path, session_id: int) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT ts, energy_wh, power_w, soc FROM meter_values WHERE session_id = ?"
            " ORDER BY id",
            (session_id,),
        ).fetchall()
    finally:
        conn.close()


def iso(dt: datetime | None = None) -> str:
    dt = dt or datetime.now(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def sample(wh: float | str, ts: str | None = None) -> list[dict[str, Any]]:
    return [
        {
            "timestamp": ts or iso(),
            "sampledValue": [
                {"value": str(wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh"}
            ],
        }
    ]


class RawCharger:
    """One OCPP-J connection; ``call`` returns the whole reply frame."""

    _ids = itertools.count(1)

    def __init__(self, ws: Any, identity: str) -> None:
        self.ws = ws
        self.identity = identity

    @classmethod
    async def connect(
        cls, base_url: str, identity: str, password: str | None = "demo", ssl: Any = None
    ) -> RawCharger:
        headers = {}
        if password is not None:
            pw = demo_password(identity) if password == "demo" else password
            token = base64.b64encode(f"{identity}:{pw}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        ws_url = base_url.replace("http://", "ws://").replace("https://", "wss://")
        ws = await websockets.connect(
            ws_url + "/ocpp/" + identity,
            ssl=ssl,
            subprotocols=["ocpp1.6"],
            additional_headers=headers,
            max_size=None,
            open_timeout=20,
        )
        return cls(ws, identity)

    async def send_raw(self, frame: str | bytes) -> None:
        await self.ws.send(frame)

    async def recv(self, wait: float = 20.0) -> list[Any]:
        while True:
            msg = json.loads(await asyncio.wait_for(self.ws.recv(), wait))
            if msg[0] == 2:  # the core asks something (a remote stop): accept
                await self.ws.send(json.dumps([3, msg[1], {"status": "Accepted"}]))
                continue
            return msg

    async def call(self, action: str, payload: Any, wait: float = 20.0) -> list[Any]:
        uid = f"t{next(self._ids)}"
        await self.ws.send(json.dumps([2, uid, action, payload]))
        msg = await self.recv(wait)
        assert msg[1] == uid, msg
        return msg

    async def ok(self, action: str, payload: Any) -> dict[str, Any]:
        msg = await self.call(action, payload)
        assert msg[0] == 3, msg
        return msg[2]

    async def boot(self) -> None:
        await self.ok("BootNotification", {"chargePointVendor": "Test", "chargePointModel": "T"})

    async def start(self, connector: int, tag: str, meter_start: int, ts: str | None = None) -> int:
        res = await self.ok(
            "StartTransaction",
            {"connectorId": connector, "idTag": tag, "meterStart": meter_start,
             "timestamp": ts or iso()},
        )
        assert res["idTagInfo"]["status"] == "Accepted", res
        return res["transactionId"]

    async def close(self) -> None:
        await self.ws.close()
