"""The demo offers: each API of the embedded core sells its own part of the network at its
own prices, so a driver signed in to several back ends can compare them (README "Demo
offers"). Around Berlin all five overlap at different prices.

- be.ENERGISED, the driver's home account: every station at its operator's base price.
- Plugsurfing OIOI (the demo OEM), roaming: every station except the municipal operator's,
  marked up 20 % with a start fee of 0.49 EUR.
- GP JOULE (the demo partner key): its region, north and east Germany with Hamburg and
  Berlin, at a subscription rate of 0.35 EUR/kWh, no start fee, no time charge.
- Wirelane (DEMOTENANT): the fleet's depot and partner stations in Berlin and Munich at the
  fleet rate of 0.29 EUR/kWh (plus the organisation's own points, which every partner
  covers).
- AMPECO (the demo operator, Voltra Charge): that operator's stations at its own app
  tariff of 0.45 EUR/kWh and 0.03 EUR/min.
"""

from __future__ import annotations

import sqlite3

from services.core.demo.partners import DEMO_OPERATOR, DEMO_PARTNERS, DemoPartner
from services.core.domain.offers import Coverage, Offer, Pricing
from services.core.services.offers import set_offer
from services.core.store.db import transaction
from services.core.store.geo import haversine_m

DEPOTS = {"Berlin": (52.5200, 13.4050), "Munich": (48.1370, 11.5750)}
FLEET_RADIUS_M = 15_000
FLEET_OPERATORS = (DEMO_OPERATOR, "Spreestrom Mobil", "Stadtwerke Ladenetz")
PER_DEPOT = 20
NOT_ROAMING = "Stadtwerke Ladenetz"
GPJOULE_REGION = (51.90, 7.80, 55.10, 14.95)  # (south, west, north, east)

ROAMING = Pricing(markup_percent=20.0, start_fee=0.49)
SUBSCRIPTION = Pricing(start_fee=0.0, per_kwh=0.35, per_minute=0.0)
FLEET = Pricing(start_fee=0.0, per_kwh=0.29, per_minute=0.0)
OPERATOR_APP = Pricing(start_fee=0.0, per_kwh=0.45, per_minute=0.03)


def _demo(api: str) -> DemoPartner:
    return next(d for d in DEMO_PARTNERS if d.api == api and d.role != "cpo")


def _partner_id(conn: sqlite3.Connection, demo: DemoPartner) -> int | None:
    row = conn.execute("SELECT id FROM partners WHERE uuid = ?", (demo.partner_uuid,)
                       ).fetchone()  # fmt: skip
    return int(row[0]) if row is not None else None


def _operator_ids(conn: sqlite3.Connection, *names: str) -> frozenset[int]:
    marks = ",".join("?" * len(names))
    return frozenset(int(r[0]) for r in conn.execute(
        f"SELECT id FROM operators WHERE name IN ({marks})", names))


def fleet_stations(conn: sqlite3.Connection) -> frozenset[int]:
    """The fleet's depot and partner stations: in each depot city, the nearest
    ``PER_DEPOT`` stations of ``FLEET_OPERATORS`` within ``FLEET_RADIUS_M`` of its centre."""
    ops = sorted(_operator_ids(conn, *FLEET_OPERATORS))
    found: set[int] = set()
    for lat, lon in DEPOTS.values():
        d = FLEET_RADIUS_M / 111_000 * 2
        rows = conn.execute(
            f"SELECT id, latitude, longitude FROM stations WHERE operator_id IN"
            f" ({','.join('?' * len(ops))}) AND latitude BETWEEN ? AND ?"
            " AND longitude BETWEEN ? AND ?", (*ops, lat - d, lat + d, lon - d, lon + d),
        ).fetchall()
        near = sorted((haversine_m(lat, lon, r[1], r[2]), r[0]) for r in rows)
        found.update(sid for dist, sid in near[:PER_DEPOT] if dist <= FLEET_RADIUS_M)
    return frozenset(found)


def demo_offers(conn: sqlite3.Connection) -> list[Offer]:
    """The five offers; a partner's is left out when that demo partner was revoked and
    deleted (it must not become the offer of the whole API)."""
    offers = [
        Offer("beenergised", "Voltra direct"),
        Offer("plugsurfing", "Plugsurfing roaming",
              partner_id=_partner_id(conn, _demo("plugsurfing")),
              coverage=Coverage(everything=True,
                                excluded_operator_ids=_operator_ids(conn, NOT_ROAMING)),
              pricing=ROAMING),
        Offer("gpjoule", "GP JOULE CONNECT subscription",
              partner_id=_partner_id(conn, _demo("gpjoule")),
              coverage=Coverage(regions=(GPJOULE_REGION,)), pricing=SUBSCRIPTION),
        Offer("wirelane", "Wirelane fleet rate",
              partner_id=_partner_id(conn, _demo("wirelane")),
              coverage=Coverage(station_ids=fleet_stations(conn)), pricing=FLEET),
        Offer("ampeco", f"{DEMO_OPERATOR} app tariff",
              partner_id=_partner_id(conn, _demo("ampeco")),
              coverage=Coverage(operator_ids=_operator_ids(conn, DEMO_OPERATOR)),
              pricing=OPERATOR_APP),
    ]
    return [o for o in offers if o.api == "beenergised" or o.partner_id is not None]


def seed_offers(conn: sqlite3.Connection) -> None:
    """Store the demo offers (part of the demo seed's transaction)."""
    with transaction(conn):
        for offer in demo_offers(conn):
            set_offer(conn, offer)


def ensure_demo_offers(conn: sqlite3.Connection) -> bool:
    """Give a demo database seeded before offers existed its demo offers. A demo database
    is one holding the demo partners; returns whether anything was added."""
    if conn.execute("SELECT 1 FROM offers LIMIT 1").fetchone():
        return False
    if not conn.execute("SELECT 1 FROM partners WHERE demo = 1 LIMIT 1").fetchone():
        return False
    seed_offers(conn)
    return True
