"""A small charging world written straight into a store (so energy and cost are
predictable): stations with an AC and a DC connector on one flat tariff, two drivers with
their cards. Cores serve it with ``core_process(db, stations=0, seed=None)``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.core.demo import chargers as demo_chargers
from services.core.domain.passwords import hash_password
from services.core.store.db import connect, migrate, utcnow
from services.hardware.charger import ConnectorSpec, SimStation, StationSpec
from tests.clients.beenergised import Api
from tests.waits import WITHIN_S, eventually

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


BOX_PASSWORD = "box-Secret-77"  # OCPP Basic auth password of station 0 in ``debug_core``
CAPABILITIES = "query($id: String!) { cpCapabilities(id: $id) { hasRemoteCommands } }"


def core_reaches(url: str, station: str) -> Callable[[], Awaitable[bool]]:
    """A check for :func:`tests.waits.eventually`: the core has a live OCPP connection to
    ``station`` (``hasRemoteCommands``)."""

    async def check() -> bool:
        api = Api(url)
        try:
            d = await api.data(CAPABILITIES, {"id": station})
        finally:
            await api.close()
        return d["cpCapabilities"]["hasRemoteCommands"]

    return check


async def reconnected(url: str, station: SimStation, boots_before: int,
                      within_s: float = WITHIN_S) -> None:
    """Wait until ``station`` booted again after a drop and the core reaches it: the boot
    count is the charger's own event, so a core that still shows the old connection
    cannot pass for a reconnected one."""
    reaches = core_reaches(url, station.identity)

    async def check() -> bool:
        return station.boots > boots_before and await reaches()

    await eventually(check, within_s=within_s)
