"""Demo users and what they own: cards, favourites, a SEPA contract, a payment method,
monthly invoices, months of finished charging history (costed with tariffs.py), and other
drivers' anonymous sessions near Berlin that feed the occupancy figures."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.core.demo import catalog
from services.core.demo.places import BERLIN
from services.core.demo.stations import Catalogue, new_uuid
from services.core.domain import occupancy, tariffs
from services.core.domain.field_crypto import seal
from services.core.domain.passwords import hash_password
from services.core.store import connectors as connector_store
from services.core.store import geo
from services.core.store.db import to_iso
from services.core.store.station_filter import StationFilter

DRIVER_EMAIL = "driver@example.com"
DRIVER_PASSWORD = "driver-demo"  # noqa: S105 - the documented demo login, not a secret
TERMS_EN = "c0a8e4b2-6d1f-4c1e-9b7a-2f1d3e4a5b60"  # migration 2's English terms


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    first: str
    last: str
    gender: str
    street: str
    zip: str
    city: str
    country: str
    language: str
    home: tuple[float, float]
    work: tuple[float, float]
    months: int
    per_week: float
    # (label, card_type, status, rate option name)
    cards: tuple[tuple[str, str, str, str], ...]
    contract: bool = False


USERS = (
    DemoUser(DRIVER_EMAIL, DRIVER_PASSWORD, "Dana", "Fischer", "female", "Kastanienallee 12",
             "10435", "Berlin", "DE", "en", (52.5405, 13.4095), (52.5075, 13.3900), 6, 3.0,
             (("Voltra Card", "default", "ACTIVE", "Voltra Plus"),
              ("Roaming Card", "roaming", "ACTIVE", "Voltra Roaming"),
              ("Phone key", "virtual", "ACTIVE", "Voltra Basic"),
              ("Old card", "default", "INACTIVE", "Voltra Basic")), True),
    DemoUser("alex@example.com", "alex-demo", "Alex", "Meyer", "male", "Bergmannstraße 40",
             "10961", "Berlin", "DE", "de", (52.4890, 13.3950), (52.5250, 13.3690), 3, 2.0,
             (("Alex Voltra", "default", "ACTIVE", "Voltra Basic"),
              ("Alex eMSP", "emsp", "ACTIVE", "Voltra Roaming"))),
    DemoUser("sam@example.com", "sam-demo", "Sam", "Jansen", "diverse", "Sonnenallee 101",
             "12045", "Berlin", "DE", "en", (52.4800, 13.4400), (52.5200, 13.4100), 3, 1.5,
             (("Sam card", "simple", "ACTIVE", "Voltra Basic"),)),
    DemoUser("fleet@example.com", "fleet-demo", "Fleet", "Manager", "diverse",
             "Friedrichstraße 120", "10117", "Berlin", "DE", "de", (52.5250, 13.3880),
             (52.5000, 13.4500), 2, 4.0,
             tuple((f"Van {i}", "default", "ACTIVE", "Voltra Plus") for i in range(1, 6))),
)  # fmt: skip


@dataclass
class Picked:
    station: dict[str, Any]
    connectors: list[dict[str, Any]]


@dataclass
class SeededUser:
    id: int
    email: str
    card_ids: list[int] = field(default_factory=list)
    session_ids: list[int] = field(default_factory=list)


def _tag(rnd: random.Random, length: int) -> str:
    return f"{rnd.getrandbits(length * 4):0{length}X}"


def _iban_de(rnd: random.Random) -> str:
    bban = f"{rnd.randint(10000000, 99999999)}{rnd.randint(0, 9999999999):010d}"
    digits = "".join(str(int(ch, 36)) for ch in bban + "DE00")
    return f"DE{98 - int(digits) % 97:02d}{bban}"


def _near(
    conn: sqlite3.Connection,
    point: tuple[float, float],
    radius_m: float,
    *,
    current: str | None = None,
    internal: bool = True,
    paying: bool = True,
    limit: int = 20,
) -> list[Picked]:
    flt = StationFilter.build(current_types=[current] if current else ())
    page = geo.stations_near(conn, point[0], point[1], radius_m, limit=200, flt=flt)
    rows = [
        r for r in page.items
        if (not internal or r["access_type"] == "INTERNAL")
    ][: limit * 3]  # fmt: skip
    cons = connector_store.connectors_of_stations(conn, [r["id"] for r in rows])
    out = []
    for r in rows:
        cs = [c for c in cons[r["id"]] if not current or c["current_type"] == current]
        if not cs or (paying and cs[0]["free_of_charge"]):
            continue
        out.append(Picked(r, cs))
        if len(out) >= limit:
            break
    return out


def _free_tariff(country3: str) -> dict[str, Any]:
    alpha2 = {v: k for k, v in catalog.ALPHA3.items()}.get(country3, "DE")
    return {"name": "Free of charge", "currency": catalog.CURRENCY.get(alpha2, "EUR"),
            "tax_rate": catalog.TAX_RATE[alpha2]}  # fmt: skip


class SessionWriter:
    """Writes finished sessions with cost items and (optionally) meter values."""

    def __init__(self, conn: sqlite3.Connection, rnd: random.Random) -> None:
        self.conn = conn
        self.rnd = rnd
        self.meter: dict[int, int] = {}  # connector id -> running Wh register

    def write(
        self,
        picked: Picked,
        start: datetime,
        *,
        user_id: int | None,
        card: dict[str, Any] | None,
        tag: str,
        meter_values: bool,
        rate_name: str | None = None,
    ) -> int:
        rnd = self.rnd
        c = picked.connectors[int(rnd.random() * len(picked.connectors))]
        kw = float(c["max_power_kw"])
        dc = c["current_type"] == "DC"
        need_kwh = rnd.uniform(12, 58) if dc else rnd.uniform(6, 45)
        car_kw = min(kw, rnd.choice((11.0, 11.0, 7.4, 22.0))) if not dc else kw
        # DC power tapers: on average about 60% of the rated power over a session.
        eff_kw = car_kw * (0.6 if dc else 0.92)
        charge_min = max(5.0, min(need_kwh / eff_kw * 60, 45 if dc else 600))
        energy_kwh = round(eff_kw * charge_min / 60, 3)
        idle_min = rnd.uniform(0, 8) if dc else rnd.choice((0, 5, 20, 60, 150, 300))
        charging_end = start + timedelta(minutes=charge_min)
        end = charging_end + timedelta(minutes=idle_min)
        reg = self.meter.get(c["id"])
        if reg is None:
            reg = rnd.randint(1_000_000, 40_000_000)
        meter_start = reg
        meter_end = meter_start + round(energy_kwh * 1000)
        energy_kwh = (meter_end - meter_start) / 1000
        self.meter[c["id"]] = meter_end + rnd.randint(0, 50_000)
        free = bool(c["free_of_charge"]) or c["tariff_id"] is None
        if free:
            tariff_row = _free_tariff(picked.station["country"])
        else:
            tariff_row = {
                "name": c["tariff_name"], "currency": c["tariff_currency"],
                "start_fee": c["start_fee"], "per_kwh": c["per_kwh"],
                "per_minute": c["per_minute"], "parking_per_minute": c["parking_per_minute"],
                "parking_grace_minutes": c["parking_grace_minutes"], "tax_rate": c["tax_rate"],
            }  # fmt: skip
        snap = tariffs.snapshot(tariff_row)
        cost = tariffs.session_cost(
            tariff_row, energy_kwh=energy_kwh, start=start, end=end, charging_end=charging_end,
            free_of_charge=free,
        )  # fmt: skip
        cur = self.conn.execute(
            "INSERT INTO sessions(uuid, user_id, card_id, connector_id, station_id, state,"
            " auth_id, auth_type, date_start, date_end, charging_end, meter_start, meter_end,"
            " energy_kwh, co2_kg, tariff_snapshot, rate_name, currency, cost_total, cost_net,"
            " cost_tax, stop_reason, invoiced, created_at)"
            " VALUES (?,?,?,?,?,'finished',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)",
            (
                new_uuid(rnd), user_id, card["id"] if card else None, c["id"],
                picked.station["id"], tag, "RFID" if card is None or rnd.random() < 0.7
                else "APP", to_iso(start), to_iso(end), to_iso(charging_end), meter_start,
                meter_end, energy_kwh, tariffs.co2_saving_kg(energy_kwh), snap,
                rate_name or tariff_row["name"], cost.currency, cost.total, cost.net,
                cost.tax, rnd.choice(("EVDisconnected", "Local", "Remote")), to_iso(start),
            ),
        )  # fmt: skip
        sid = int(cur.lastrowid)
        self.conn.executemany(
            "INSERT INTO session_cost_items(session_id, description, net_amount, tax_rate,"
            " tax_amount, gross_amount) VALUES (?,?,?,?,?,?)",
            [(sid, i.description, i.net_amount, i.tax_rate, i.tax_amount, i.gross_amount)
             for i in cost.items],
        )  # fmt: skip
        if meter_values:
            self._meter_values(sid, start, charging_end, end, meter_start, meter_end, eff_kw, dc)
        return sid

    def _meter_values(self, sid: int, start: datetime, charging_end: datetime, end: datetime,
                      m0: int, m1: int, eff_kw: float, dc: bool) -> None:  # fmt: skip
        rows = []
        total_s = max(1.0, (charging_end - start).total_seconds())
        soc0 = self.rnd.uniform(10, 45)
        soc1 = min(100.0, soc0 + (m1 - m0) / 1000 / 60 * 100)
        t = start
        step = timedelta(minutes=5 if dc else 15)
        while t < charging_end:
            f = (t - start).total_seconds() / total_s
            power = eff_kw * 1000 * ((1.4 - 0.8 * f) if dc else 1.0)
            rows.append((sid, to_iso(t), m0 + int((m1 - m0) * f), round(power, 1),
                         round(soc0 + (soc1 - soc0) * f, 1) if dc else None))  # fmt: skip
            t += step
        rows.append((sid, to_iso(charging_end), m1, 0.0, round(soc1, 1) if dc else None))
        if end > charging_end:
            rows.append((sid, to_iso(end), m1, 0.0, round(soc1, 1) if dc else None))
        self.conn.executemany(
            "INSERT INTO meter_values(session_id, ts, energy_wh, power_w, soc) VALUES (?,?,?,?,?)",
            rows,
        )


def _start_time(rnd: random.Random, day: datetime, kind: str) -> datetime:
    if kind == "home":
        hour = rnd.choice((18, 19, 20, 21, 22))
    elif kind == "work":
        hour = rnd.choice((7, 8, 9))
    else:
        hour = rnd.randint(8, 19)
    return day + timedelta(hours=hour, minutes=rnd.randint(0, 59), seconds=rnd.randint(0, 59))


def seed_users(
    conn: sqlite3.Connection, rnd: random.Random, cat: Catalogue, anchor: datetime
) -> list[SeededUser]:
    writer = SessionWriter(conn, rnd)
    seeded = []
    fast = _near(conn, BERLIN, 25_000, current="DC", internal=True, limit=6)
    roaming = [p for p in _near(conn, BERLIN, 25_000, internal=False, limit=60)
               if p.station["access_type"] == "ROAMING"][:4]  # fmt: skip
    trips = []
    for point in ((53.5511, 9.9937), (51.3397, 12.3731), (48.1374, 11.5755)):  # HH, L, M
        trips += _near(conn, point, 30_000, current="DC", internal=False, limit=2)
    for u in USERS:
        created = anchor - timedelta(days=30 * u.months + 20)
        cur = conn.execute(
            "INSERT INTO users(uuid, email, password_hash, first_name, last_name, gender,"
            " phone, mobile, street, zip, city, country, language, email_verified,"
            " terms_accepted, active, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,1,?,?)",
            (new_uuid(rnd), u.email, hash_password(u.password), u.first, u.last, u.gender,
             f"+49 30 {rnd.randint(1000000, 9999999)}", f"+49 171 {rnd.randint(1000000, 9999999)}",
             u.street, u.zip, u.city, u.country, u.language, TERMS_EN, to_iso(created),
             to_iso(created)),
        )  # fmt: skip
        user = SeededUser(int(cur.lastrowid), u.email)
        cards = []
        for i, (label, ctype, status, rate) in enumerate(u.cards):
            tag = _tag(rnd, 14 if ctype in ("roaming", "emsp") else 8)
            cur = conn.execute(
                "INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status,"
                " expiry_date, rate_option_id, customer_reference, created_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (new_uuid(rnd), user.id, tag, f"DE-VOL-C{rnd.randint(10**7, 10**8 - 1)}-{i}",
                 label, ctype, status, to_iso(anchor + timedelta(days=rnd.randint(200, 900))),
                 cat.rate_option_ids[rate], f"CR-{user.id:04d}-{i + 1}", to_iso(created)),
            )  # fmt: skip
            card = {"id": int(cur.lastrowid), "tag": tag, "type": ctype, "status": status,
                    "rate": rate}  # fmt: skip
            cards.append(card)
            user.card_ids.append(card["id"])
        home = _near(conn, u.home, 3_000, current="AC", limit=2)
        work = _near(conn, u.work, 3_000, current="AC", limit=2)
        internal_cards = [c for c in cards if c["status"] == "ACTIVE"]
        roam_cards = [c for c in internal_cards if c["type"] in ("roaming", "emsp")]
        old = [c for c in cards if c["status"] == "INACTIVE"]
        start_day = (anchor - timedelta(days=30 * u.months)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        day = start_day
        while day < anchor - timedelta(days=1):
            if rnd.random() < u.per_week / 7:
                r = rnd.random()
                if r < 0.45 and home:
                    kind, picked = "home", rnd.choice(home)
                elif r < 0.75 and work:
                    kind, picked = "work", rnd.choice(work)
                elif r < 0.88 and fast:
                    kind, picked = "fast", rnd.choice(fast)
                elif r < 0.95 and roaming and roam_cards:
                    kind, picked = "roaming", rnd.choice(roaming)
                elif trips and roam_cards:
                    kind, picked = "trip", rnd.choice(trips)
                else:
                    kind, picked = "fast", rnd.choice(fast or home or work or [None])
                if picked is not None:
                    start = _start_time(rnd, day, kind)
                    if picked.station["access_type"] == "ROAMING" and roam_cards:
                        card = rnd.choice(roam_cards)
                    elif old and day < start_day + timedelta(days=60):
                        card = old[0]  # used until it was replaced, then deactivated
                    else:
                        card = rnd.choice(internal_cards)
                    if picked.station["access_type"] != "ROAMING" or card in roam_cards:
                        sid = writer.write(picked, start, user_id=user.id, card=card,
                                           tag=card["tag"], meter_values=True,
                                           rate_name=card["rate"])  # fmt: skip
                        user.session_ids.append(sid)
            day += timedelta(days=1)
        favs = [p.station["id"] for p in (home[:1] + work[:1] + fast[:2] + roaming[:1])]
        conn.executemany(
            "INSERT OR IGNORE INTO favourites(user_id, station_id, created_at) VALUES (?,?,?)",
            [(user.id, s, to_iso(created + timedelta(days=3 + i))) for i, s in enumerate(favs)],
        )
        _documents(conn, rnd, user.id, start_day, anchor)
        if u.contract:
            _contract(conn, rnd, user.id, u, cat, created)
        seeded.append(user)
    return seeded


def _documents(conn: sqlite3.Connection, rnd: random.Random, user_id: int,
               since: datetime, anchor: datetime) -> None:  # fmt: skip
    """One invoice per finished calendar month that had sessions."""
    month = since.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while True:
        nxt = (month + timedelta(days=32)).replace(day=1)
        if nxt > anchor:
            break
        has = conn.execute(
            "SELECT 1 FROM sessions WHERE user_id = ? AND date_start >= ? AND date_start < ?"
            " LIMIT 1",
            (user_id, to_iso(month), to_iso(nxt)),
        ).fetchone()
        if has:
            conn.execute(
                "INSERT INTO documents(uuid, user_id, doc_type, title, document_date,"
                " period_start, period_end, created_at) VALUES (?,?,?,?,?,?,?,?)",
                (new_uuid(rnd), user_id, "invoice", f"Invoice {month:%Y-%m}",
                 to_iso(nxt + timedelta(hours=6)), to_iso(month), to_iso(nxt),
                 to_iso(nxt + timedelta(hours=6))),
            )  # fmt: skip
        month = nxt


def _contract(conn: sqlite3.Connection, rnd: random.Random, user_id: int, u: DemoUser,
              cat: Catalogue, created: datetime) -> None:  # fmt: skip
    holder = f"{u.first} {u.last}"
    conn.execute(
        "INSERT INTO contracts(uuid, user_id, kind, rate_option_id, iban, bic, account_holder,"
        " data, status, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (new_uuid(rnd), user_id, "SEPA", cat.rate_option_ids["Voltra Plus"], seal(_iban_de(rnd)),
         "VOLTDEB1XXX", seal(holder),
         json.dumps({"mandate_reference": f"VOL-SEPA-{user_id:06d}",
                     "signed_at": to_iso(created + timedelta(days=1))}),
         "ACTIVE", to_iso(created + timedelta(days=1))),
    )  # fmt: skip
    conn.execute(
        "INSERT INTO payment_methods(uuid, user_id, network, display_label, holder,"
        " expiry_month, expiry_year, customer_reference, status, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        (new_uuid(rnd), user_id, "VISA", "VISA **** 4242", holder, 9, created.year + 3,
         f"PM-{user_id:04d}", "ACTIVE", to_iso(created + timedelta(days=2))),
    )  # fmt: skip


def seed_berlin_traffic(
    conn: sqlite3.Connection, rnd: random.Random, anchor: datetime, *, stations: int = 30,
    weeks: int = 6,
) -> list[int]:  # fmt: skip
    """Other drivers' sessions (no user) at stations near Berlin over the last weeks, timed
    by each station's profile; then the measured occupancy of those stations."""
    writer = SessionWriter(conn, rnd)
    picked = _near(conn, BERLIN, 12_000, internal=False, paying=False, limit=stations)
    since = (anchor - timedelta(weeks=weeks)).replace(hour=0, minute=0, second=0,
                                                      microsecond=0)  # fmt: skip
    for p in picked:
        profile = p.station["occupancy_profile"]
        table = [[occupancy.profile_rate(profile, wd, h) for h in range(24)] for wd in range(7)]
        day = since
        while day < anchor - timedelta(days=1):
            wd = day.weekday()
            for hour in range(24):
                # expected starts this hour ~ profile rate x connectors / typical duration
                lam = table[wd][hour] * len(p.connectors) * 0.4
                if rnd.random() < lam:
                    start = day + timedelta(hours=hour, minutes=rnd.randint(0, 59))
                    writer.write(p, start, user_id=None, card=None, tag=_tag(rnd, 8),
                                 meter_values=False)  # fmt: skip
            day += timedelta(days=1)
    ids = [p.station["id"] for p in picked]
    occupancy.recompute(conn, ids, until=anchor, weeks=weeks)
    return ids
