"""Offers (domain/offers.py) in the store, and their coverage as a SQL condition so that
listings page and count only what an offer covers."""

from __future__ import annotations

import sqlite3

from services.core.domain.offers import Coverage, Offer, Pricing
from services.core.store.db import transaction


def offer_for(conn: sqlite3.Connection, api: str, partner_id: int | None) -> Offer | None:
    """The partner's own offer on ``api``, else the API's, else None (no offer: every
    station at its base price)."""
    row = None
    if partner_id is not None:
        row = conn.execute("SELECT * FROM offers WHERE api = ? AND partner_id = ?",
                           (api, partner_id)).fetchone()  # fmt: skip
    if row is None:
        row = conn.execute("SELECT * FROM offers WHERE api = ? AND partner_id IS NULL",
                           (api,)).fetchone()  # fmt: skip
    return None if row is None else _offer(conn, row)


def all_offers(conn: sqlite3.Connection) -> list[Offer]:
    """Every stored offer, by API and then the API's own before its partners'."""
    rows = conn.execute("SELECT * FROM offers ORDER BY api, partner_id IS NOT NULL,"
                        " partner_id").fetchall()  # fmt: skip
    return [_offer(conn, r) for r in rows]


def delete(conn: sqlite3.Connection, api: str, partner_id: int | None) -> bool:
    """Remove the audience's own offer (it falls back to the API's, or to base prices);
    False when it had none."""
    with transaction(conn):
        cur = conn.execute("DELETE FROM offers WHERE api = ? AND IFNULL(partner_id, 0) = ?",
                           (api, partner_id or 0))  # fmt: skip
    return cur.rowcount > 0


def count_covered(conn: sqlite3.Connection, coverage: Coverage) -> int:
    """How many stations ``coverage`` covers."""
    where = coverage_sql(coverage, id_col="id", operator_col="operator_id",
                         lat_col="latitude", lon_col="longitude")  # fmt: skip
    return int(conn.execute(f"SELECT COUNT(*) FROM stations WHERE {where}").fetchone()[0])


def _offer(conn: sqlite3.Connection, row: sqlite3.Row) -> Offer:
    oid = row["id"]
    ops = conn.execute("SELECT operator_id, excluded FROM offer_operators WHERE offer_id = ?",
                       (oid,)).fetchall()  # fmt: skip
    regions = conn.execute("SELECT south, west, north, east FROM offer_regions"
                           " WHERE offer_id = ? ORDER BY id", (oid,)).fetchall()  # fmt: skip
    stations = conn.execute("SELECT station_id FROM offer_stations WHERE offer_id = ?",
                            (oid,)).fetchall()  # fmt: skip
    coverage = Coverage(
        everything=bool(row["covers_everything"]),
        operator_ids=frozenset(int(r[0]) for r in ops if not r[1]),
        regions=tuple(tuple(float(x) for x in r) for r in regions),  # type: ignore[misc]
        station_ids=frozenset(int(r[0]) for r in stations),
        excluded_operator_ids=frozenset(int(r[0]) for r in ops if r[1]),
    )
    pricing = Pricing(markup_percent=float(row["markup_percent"]), currency=row["currency"],
                      start_fee=row["start_fee"], per_kwh=row["per_kwh"],
                      per_minute=row["per_minute"],
                      parking_per_minute=row["parking_per_minute"])  # fmt: skip
    return Offer(api=row["api"], name=row["name"], partner_id=row["partner_id"],
                 coverage=coverage, pricing=pricing, id=oid)  # fmt: skip


def save(conn: sqlite3.Connection, offer: Offer) -> int:
    """Store ``offer`` as its audience's offer (replacing the one it had); returns its id."""
    p, c = offer.pricing, offer.coverage
    with transaction(conn):
        conn.execute("DELETE FROM offers WHERE api = ? AND IFNULL(partner_id, 0) = ?",
                     (offer.api, offer.partner_id or 0))  # fmt: skip
        oid = int(conn.execute(
            "INSERT INTO offers(api, partner_id, name, covers_everything, markup_percent,"
            " currency, start_fee, per_kwh, per_minute, parking_per_minute)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (offer.api, offer.partner_id, offer.name, int(c.everything), p.markup_percent,
             p.currency, p.start_fee, p.per_kwh, p.per_minute, p.parking_per_minute),
        ).lastrowid)
        conn.executemany(
            "INSERT INTO offer_operators(offer_id, operator_id, excluded) VALUES (?, ?, ?)",
            [(oid, op, 0) for op in sorted(c.operator_ids)]
            + [(oid, op, 1) for op in sorted(c.excluded_operator_ids)])
        conn.executemany(
            "INSERT INTO offer_regions(offer_id, south, west, north, east) VALUES (?,?,?,?,?)",
            [(oid, *box) for box in c.regions])
        conn.executemany("INSERT INTO offer_stations(offer_id, station_id) VALUES (?, ?)",
                         [(oid, sid) for sid in sorted(c.station_ids)])
    return oid


def _ints(values: frozenset[int]) -> str:
    return ", ".join(str(int(v)) for v in sorted(values))


def coverage_sql(coverage: Coverage, *, id_col: str, operator_col: str, lat_col: str,
                 lon_col: str) -> str:  # fmt: skip
    """A condition true for the stations ``coverage`` covers, over the given columns. The
    values are numbers the store loaded (ints and floats), written as literals: no text
    from a request ever reaches it."""
    if coverage.is_everything:
        return "1"
    anyof = []
    if coverage.everything:
        anyof.append("1")
    if coverage.operator_ids:
        anyof.append(f"{operator_col} IN ({_ints(coverage.operator_ids)})")
    for s, w, n, e in coverage.regions:
        anyof.append(f"({lat_col} BETWEEN {float(s)!r} AND {float(n)!r}"
                     f" AND {lon_col} BETWEEN {float(w)!r} AND {float(e)!r})")
    if coverage.station_ids:
        anyof.append(f"{id_col} IN ({_ints(coverage.station_ids)})")
    sql = "(" + (" OR ".join(anyof) or "0") + ")"
    if coverage.excluded_operator_ids:
        sql += f" AND {operator_col} NOT IN ({_ints(coverage.excluded_operator_ids)})"
    return f"({sql})"
