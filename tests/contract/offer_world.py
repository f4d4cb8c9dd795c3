"""A demo core of its own for the offer tests of every API (``offer_world``): the demo data
with its five offers, and simulated chargers at Voltra Charge stations in Berlin that all
five APIs sell (Wirelane's fleet list, GP JOULE's region, OIOI's roaming, AMPECO's
operator), one per API that can start, so the APIs' sessions never meet on a connector.
Plus stations one API does not sell: a Voltra Charge station in Munich (outside GP JOULE's
region), a municipal one (not in OIOI's roaming, nor AMPECO's operator's) and one outside
Wirelane's fleet list."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.hardware.simulator import Simulator
from tests.clients.beenergised import Api
from tests.core_launcher import core_process
from tests.waits import WITHIN_S, eventually

SPEED = 600
BASE_TARIFF = "Voltra Charge AC DE"  # 0.39 EUR/kWh, no start fee, no time charge
STARTING_APIS = ("beenergised", "plugsurfing", "gpjoule", "ampeco")
DRIVER = ("driver@example.com", "driver-demo")


@dataclass(frozen=True)
class Station:
    id: int
    uuid: str
    evse: str  # its first connector's EVSE id
    connector: int  # and that connector's id


@dataclass(frozen=True)
class OfferWorld:
    url: str
    db: Path
    charging: dict[str, Station]  # per API that starts: a simulated station all five sell
    munich: Station  # Voltra Charge, outside GP JOULE's region
    municipal: Station  # Stadtwerke Ladenetz: not roaming through OIOI
    off_fleet: Station  # not in Wirelane's fleet list
    driver_tag: str  # an active card of the demo driver

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        conn = sqlite3.connect(self.db)
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()


_FIRST_CONNECTOR = ("SELECT s.id, s.uuid, c.evse_id, c.id AS cid FROM stations s"
                    " JOIN connectors c ON c.station_id = s.id AND c.sort_order = 1"
                    " JOIN operators o ON o.id = s.operator_id"
                    " JOIN tariffs t ON t.id = c.tariff_id")


def _stations(conn: sqlite3.Connection, where: str, args: tuple[Any, ...], n: int
              ) -> list[Station]:  # fmt: skip
    rows = conn.execute(f"{_FIRST_CONNECTOR} WHERE {where} ORDER BY s.id LIMIT ?",
                        (*args, n)).fetchall()  # fmt: skip
    assert len(rows) == n, f"the demo data lacks stations where {where} {args}"
    return [Station(r[0], r[1], r[2], r[3]) for r in rows]


def _pick(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    try:
        fleet = ("s.id IN (SELECT station_id FROM offer_stations JOIN offers o"
                 " ON o.id = offer_id WHERE o.api = 'wirelane')")
        charging = _stations(
            conn, f"{fleet} AND t.name = ? AND c.free_of_charge = 0"
            " AND s.latitude BETWEEN 52.3 AND 52.7", (BASE_TARIFF,), len(STARTING_APIS))
        munich = _stations(conn, "o.name = 'Voltra Charge' AND s.latitude < 49", (), 1)[0]
        municipal = _stations(conn, "o.name = 'Stadtwerke Ladenetz'", (), 1)[0]
        off_fleet = _stations(conn, f"NOT {fleet}", (), 1)[0]
        now = datetime.now(UTC).isoformat()
        tag = conn.execute(
            "SELECT c.tag_id FROM cards c JOIN users u ON u.id = c.user_id WHERE u.email = ?"
            " AND upper(c.status) = 'ACTIVE' AND (c.expiry_date IS NULL OR c.expiry_date > ?)"
            " ORDER BY c.id LIMIT 1", (DRIVER[0], now)).fetchone()[0]
    finally:
        conn.close()
    return {"charging": dict(zip(STARTING_APIS, charging, strict=True)), "munich": munich,
            "municipal": municipal, "off_fleet": off_fleet, "driver_tag": tag}


@pytest.fixture(scope="session")
async def offer_world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[OfferWorld]:
    db = tmp_path_factory.mktemp("offers") / "core.sqlite3"
    with core_process(db, stations=3000, seed=42,
                      env={"VOLTRA_REMOTE_START_TIMEOUT": "20"}) as url:  # fmt: skip
        picked = _pick(db)
        sim = Simulator(url, station_ids=[s.uuid for s in picked["charging"].values()],
                        speed=SPEED, occupancy=0.0, seed=13)  # fmt: skip
        await sim.start()
        try:
            await sim.wait_online(within_s=WITHIN_S)
            yield OfferWorld(url=url, db=db, **picked)
        finally:
            await sim.stop()


async def charged(world: OfferWorld, session: str, stop: Any) -> dict[str, Any]:
    """Once ``session`` drew more than half a kWh, ``await stop()``; return the finished
    session as the driver's own bill shows it (be.ENERGISED ``chargelog``)."""
    api = await Api(world.url).login(*DRIVER)
    try:
        async def drawing() -> bool:
            return ((await api.summary(session))["sumEnergy"] or 0) > 0.5

        await eventually(drawing)
        await stop()

        async def billed() -> dict[str, Any] | None:
            log = await api.chargelog(session)
            return log if log["dateEnd"] and log["cost"] else None

        return await eventually(billed)
    finally:
        await api.close()


def bill_of(start_fee: float, per_kwh: float, energy_kwh: float) -> float:
    """Start fee plus energy, each item rounded to cents as the tariff engine does."""
    return round(round(start_fee, 2) + round(energy_kwh * per_kwh + 1e-9, 2), 2)
