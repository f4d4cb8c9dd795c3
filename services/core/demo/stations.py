"""Bulk generation of operators, tariffs, rate options/packages, sites, stations and
connectors. Built for 1,000,000 stations in well under two minutes: rows are plain tuples
produced in batches and written with executemany; the caller drops the per-row triggers and
secondary indexes around the load (see services/core/demo/__init__.py)."""

from __future__ import annotations

import bisect
import itertools
import queue
import random
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from services.core.demo import catalog, places
from services.core.store.db import to_iso
from services.core.store.station_filter import connector_features

BATCH = 20_000  # stations per executemany batch: bounded memory at any size


def new_uuid(rnd: random.Random) -> str:
    """A version-4 UUID from the seeded RNG (uuid.UUID() is 3x slower at a million rows)."""
    h = f"{rnd.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


@dataclass
class Catalogue:
    """Ids of what was inserted, for the rest of the generator."""

    operator_ids: dict[str, int] = field(default_factory=dict)  # party id -> id
    tariff_ids: dict[tuple[str, str, str], int] = field(default_factory=dict)
    rate_option_ids: dict[str, int] = field(default_factory=dict)  # name -> id
    rate_package_ids: list[int] = field(default_factory=list)


def insert_catalogue(conn: sqlite3.Connection, rnd: random.Random) -> Catalogue:
    cat = Catalogue()
    for i, op in enumerate(catalog.OPERATORS, start=1):
        conn.execute(
            "INSERT INTO operators(id, name, party_id, country, phone, email, website)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (i, op.name, op.party_id, op.country, op.phone,
             f"service@{op.website.split('//')[1]}", op.website),
        )  # fmt: skip
        cat.operator_ids[op.party_id] = i
    tid = itertools.count(1)
    rows = []
    for op in catalog.OPERATORS:
        for country in op.serves:
            currency = catalog.CURRENCY.get(country, "EUR")
            scale = catalog.PRICE_SCALE[currency]
            for cls, (kwh, start, minute, parking, grace) in catalog.PRICE_CLASSES.items():
                t = next(tid)
                cat.tariff_ids[(op.party_id, country, cls)] = t
                surcharge = 0.06 if op.roaming else 0.0
                rows.append((
                    t, f"{op.name} {cls} {country}", currency,
                    round(rnd.choice(start) * scale, 2),
                    round((rnd.choice(kwh) + surcharge) * scale, 2),
                    round(rnd.choice(minute) * scale, 2),
                    round(parking * scale, 2), grace, catalog.TAX_RATE[country],
                ))  # fmt: skip
    for name, _desc, _fee, (kwh, start, minute), _pk in catalog.RATE_OPTIONS:
        t = next(tid)
        cat.tariff_ids[("RATE", name, "")] = t
        rows.append((t, name, "EUR", start, kwh, minute, 0.0, 0, catalog.TAX_RATE["DE"]))
    conn.executemany(
        "INSERT INTO tariffs(id, name, currency, start_fee, per_kwh, per_minute,"
        " parking_per_minute, parking_grace_minutes, tax_rate) VALUES (?,?,?,?,?,?,?,?,?)",
        rows,
    )
    for i, (name, desc, fee, _prices, packages) in enumerate(catalog.RATE_OPTIONS, start=1):
        conn.execute(
            "INSERT INTO rate_options(id, uuid, name, description, tariff_id, monthly_fee,"
            " for_contracts) VALUES (?, ?, ?, ?, ?, ?, 1)",
            (i, new_uuid(rnd), name, desc, cat.tariff_ids[("RATE", name, "")], fee),
        )
        cat.rate_option_ids[name] = i
        for pname, amount, runtime, stop in packages:
            cur = conn.execute(
                "INSERT INTO rate_packages(uuid, name, rate_option_id, amount, visible_runtime,"
                " automatic_stop) VALUES (?, ?, ?, ?, ?, ?)",
                (new_uuid(rnd), f"{name} {pname}", i, amount, runtime, stop),
            )
            cat.rate_package_ids.append(int(cur.lastrowid))
    return cat


class _Picker:
    """Weighted choice with one random() and a bisect (rnd.choices is slower per call)."""

    def __init__(self, items: list, weights: list[float]) -> None:
        self.items = items
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rnd: random.Random):  # type: ignore[no-untyped-def]
        return self.items[bisect.bisect_right(self.cum, rnd.random() * self.total)]


def _operator_pickers() -> dict[tuple[str, str], _Picker]:
    out = {}
    for country in catalog.COUNTRIES:
        for kind in catalog.KINDS:
            ops = [op for op in catalog.OPERATORS if country in op.serves and kind in op.kinds]
            out[(country, kind)] = _Picker(ops, [op.weight for op in ops])
    return out


_INSERTS = (
    "INSERT INTO sites(id, uuid, name, operator_id, address, zip, city, country,"
    " latitude, longitude, location_type) VALUES (?,?,?,?,?,?,?,?,?,?,'SITE')",
    "INSERT INTO stations(id, uuid, site_id, operator_id, label, public_name, address,"
    " zip, city, country, latitude, longitude, access_type, opening_hours, images,"
    " occupancy_profile, ocpp_status, calculated_status, simple_status, vendor, model,"
    " firmware, connected) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)",
    "INSERT INTO connectors(id, station_id, sort_order, evse_id, label, plug_type,"
    " current_type, max_power_kw, tariff_id, free_of_charge, ocpp_status,"
    " calculated_status, simple_status, status_since) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO station_rtree(id, min_lat, max_lat, min_lon, max_lon, features,"
    " operator_id) VALUES (?,?,?,?,?,?,?)",
)


class _Writer:
    """Writes batches on a second thread. sqlite3 releases the GIL while SQLite works, so
    generating the next batch in Python overlaps with storing this one: on two cores the
    load takes about the time of the slower half instead of the sum. The connection is
    used by this thread only until close(); the caller's transaction spans both."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="demo-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            batch = self.queue.get()
            if batch is None:
                return
            if self.error is not None:
                continue
            try:
                for sql, rows in zip(_INSERTS, batch, strict=True):
                    self.conn.executemany(sql, rows)
            except BaseException as exc:  # re-raised on the generating thread
                self.error = exc

    def put(self, batch: tuple) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(batch)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


@dataclass
class StationStats:
    stations: int = 0
    connectors: int = 0
    sites: int = 0


_PLUG_LABEL = {"TYPE2": "Type 2", "CCS": "CCS", "CHADEMO": "CHAdeMO", "SCHUKO": "Schuko"}


def generate_stations(
    conn: sqlite3.Connection,
    rnd: random.Random,
    count: int,
    cat: Catalogue,
    anchor: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> StationStats:
    """Insert ``count`` stations with their sites, connectors and R*Tree entries."""
    cities = places.cities()
    pick_city = _Picker(list(range(len(cities))), places.city_weights(cities, count))
    pick_kind = _Picker(list(catalog.KIND_WEIGHTS), list(catalog.KIND_WEIGHTS.values()))
    pick_size = _Picker(list(catalog.SITE_SIZES), list(catalog.SITE_SIZE_WEIGHTS))
    pick_status = _Picker(list(catalog.STATUSES), [s[3] for s in catalog.STATUSES])
    pick_op = _operator_pickers()
    hours = catalog.opening_hours_variants(anchor.date())
    pick_hours = _Picker([h for h, _ in hours], [w for _, w in hours])
    image_sets = [None] + [
        '["' + '","'.join(rnd.sample(catalog.IMAGES, k)) + '"]'
        for k in (1, 1, 2, 2, 3)
        for _ in range(4)
    ]
    # A pool of "status since" timestamps: formatting one per connector would cost more
    # than everything else about the connector.
    since_pool = [to_iso(anchor - timedelta(minutes=rnd.randint(1, 60 * 24 * 14)))
                  for _ in range(997)]  # fmt: skip
    zip_ranges: dict[int, list[tuple[int, int]]] = {}

    stats = StationStats()
    site_id = station_id = connector_id = 0
    sites: list[tuple] = []
    stations: list[tuple] = []
    connectors: list[tuple] = []
    rtree: list[tuple] = []

    writer = _Writer(conn)

    def flush() -> None:
        writer.put((sites[:], stations[:], connectors[:], rtree[:]))
        for lst in (sites, stations, connectors, rtree):
            lst.clear()
        if progress is not None:
            progress(station_id, count)

    # Plan the sites first (city, position, size) and build them in z-order, so station
    # ids, site rows and connector rows of a neighbourhood share pages.
    plan = []
    planned = 0
    while planned < count:
        ci = pick_city(rnd)
        size = min(pick_size(rnd), count - planned)
        lat, lon = places.place_near(rnd, cities[ci])
        plan.append((places.spatial_key(lat, lon), lat, lon, ci, size))
        planned += size
    plan.sort()

    try:
        random_ = rnd.random
        for _key, lat, lon, ci, size in plan:
            city = cities[ci]
            kind = pick_kind(rnd)
            op = pick_op[(city.country, kind)](rnd)
            op_id = cat.operator_ids[op.party_id]
            plugs, price_class = catalog.KINDS[kind]
            street = places.address(rnd, city.lang)
            zips = zip_ranges.get(city.geonameid)
            if zips is None:
                zips = zip_ranges[city.geonameid] = places.city_zip_range(city)
            zipcode = places.postcode(rnd, city, zips)
            country3 = catalog.ALPHA3[city.country]
            free = kind != "HPC300" and random_() < catalog.FREE_SHARE
            tariff = None if free else cat.tariff_ids[(op.party_id, city.country, price_class)]
            opening = pick_hours(rnd)
            images = image_sets[int(random_() * len(image_sets))]
            vendor, model, firmware = catalog.HARDWARE[kind]
            access = "ROAMING" if op.roaming else "INTERNAL"
            profile = 4 if price_class == "HPC" else int(random_() * 6)
            site_id += 1
            site_name = f"{op.name} {street}"
            sites.append((site_id, new_uuid(rnd), site_name, op_id, street, zipcode, city.name,
                          country3, lat, lon))  # fmt: skip
            cc_party = f"{op.country}*{op.party_id}*E"
            for k in range(1, size + 1):
                station_id += 1
                s_lat = round(lat + (random_() - 0.5) * 0.0004, 6) if k > 1 else lat
                s_lon = round(lon + (random_() - 0.5) * 0.0006, 6) if k > 1 else lon
                label = f"{street} - {k}" if size > 1 else street
                features = 0
                any_available = any_occupied = False
                for n, (plug, current, kw) in enumerate(plugs, start=1):
                    connector_id += 1
                    ocpp, calculated, simple, _w = pick_status(rnd)
                    any_available = any_available or simple == "Available"
                    any_occupied = any_occupied or simple == "Occupied"
                    features |= connector_features(current, kw, plug, free, simple)
                    connectors.append((
                        connector_id, station_id, n, f"{cc_party}{station_id}*{n}",
                        f"{_PLUG_LABEL[plug]} {kw:g} kW", plug, current, kw, tariff, int(free),
                        ocpp, calculated, simple, since_pool[connector_id % 997],
                    ))  # fmt: skip
                if any_available:
                    st_status = ("Available", "Available", "Available")
                elif any_occupied:
                    st_status = ("Available", "Occupied", "Occupied")
                else:
                    st_status = ("Unavailable", "Unavailable", "Unavailable")
                stations.append((
                    station_id, new_uuid(rnd), site_id, op_id, label, f"{op.name} {city.name}",
                    street, zipcode, city.name, country3, s_lat, s_lon, access, opening, images,
                    profile, *st_status, vendor, model, firmware,
                ))  # fmt: skip
                rtree.append((station_id, s_lat, s_lat, s_lon, s_lon, features, op_id))
            stats.sites += 1
            if len(stations) >= BATCH:
                flush()
        flush()
    finally:
        writer.close()
    stats.stations = station_id
    stats.connectors = connector_id
    return stats
