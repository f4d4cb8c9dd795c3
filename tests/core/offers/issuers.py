"""A small world where three APIs that issue cards sell different parts of it at different
prices: be.ENERGISED (driver logins), an AMPECO operator token and an OIOI OEM key. All three
sell station 1, none sells station 2, only be.ENERGISED sells station 3; these are simulated
chargers (station 4 is not). Served by a real core process (the ``issuer_world`` fixture)."""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.core.domain.offers import Coverage, Offer, Pricing
from services.core.services import partner_members, partners
from services.core.services.offers import set_offer
from services.core.store.db import connect
from services.hardware.simulator import Simulator
from tests.core.charging.world import PER_KWH, START_FEE, Seeded, seed

SPEED = 600
SOLD, UNSOLD, DIRECT_ONLY = 1, 2, 3  # station ids
AMPECO_PARTNER, OIOI_PARTNER = "Test Operator", "Test App"
DRIVER = "a@example.com"

# What each API bills at station 1 (whose own tariff is START_FEE + PER_KWH per kWh).
OFFERS = {
    "beenergised": Offer("beenergised", "Direct plus", coverage=Coverage(
        station_ids=frozenset({SOLD, DIRECT_ONLY})), pricing=Pricing(markup_percent=10.0)),
    "ampeco": Offer("ampeco", "Operator app", coverage=Coverage(
        station_ids=frozenset({SOLD})), pricing=Pricing(start_fee=0.0, per_kwh=0.45,
                                                        per_minute=0.03)),
    "plugsurfing": Offer("plugsurfing", "Roaming", coverage=Coverage(
        station_ids=frozenset({SOLD})), pricing=Pricing(markup_percent=20.0, start_fee=0.49)),
}
# (start fee, per kWh, per minute) each offer bills there, worked out by hand.
PRICES = {
    "beenergised": (round(START_FEE * 1.1, 2), round(PER_KWH * 1.1, 2), 0.0),
    "ampeco": (0.0, 0.45, 0.03),
    "plugsurfing": (0.49, round(PER_KWH * 1.2, 2), 0.0),
}


@dataclass(frozen=True)
class IssuerWorld:
    url: str
    db: Path
    seeded: Seeded
    sim: Simulator
    ampeco_token: str
    oioi_key: str
    rate: str  # a rate option's uuid (be.ENERGISED cards and payments name one)

    def query(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        conn = sqlite3.connect(self.db)
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    def station(self, station_id: int) -> str:
        return self.seeded.stations[station_id - 1]


def prepare(db: Path) -> tuple[Seeded, str, str, str]:
    seeded = seed(db, stations=4)
    conn = connect(db)
    try:
        rate = str(uuidlib.uuid4())
        with conn:
            conn.execute("INSERT INTO rate_options(uuid, name, tariff_id) VALUES (?, 'Ad hoc', 1)",
                         (rate,))  # fmt: skip
        ampeco = partners.create_credential(conn, "ampeco", AMPECO_PARTNER).secret
        oioi = partners.create_credential(conn, "plugsurfing", OIOI_PARTNER, role="oem").secret
        partner_members.add(conn, "ampeco", AMPECO_PARTNER, DRIVER)
        ids = {"ampeco": AMPECO_PARTNER, "plugsurfing": OIOI_PARTNER}
        for api, offer in OFFERS.items():
            if api in ids:
                pid = conn.execute("SELECT id FROM partners WHERE api = ? AND name = ?",
                                   (api, ids[api])).fetchone()[0]  # fmt: skip
                offer = Offer(offer.api, offer.name, partner_id=pid, coverage=offer.coverage,
                              pricing=offer.pricing)
            set_offer(conn, offer)
    finally:
        conn.close()
    return seeded, ampeco, oioi, rate
