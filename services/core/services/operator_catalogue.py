"""What an operator's API token may read of the network and the operator's offer: its
sites, stations and connectors (live status included), the tariffs they charge by, taxes and
currencies of those tariffs, terms, contact details, FAQs, the fleet organisations among its
users, contract rate options (plans) and its users' contracts.

Functions take the store connection first (``await core.db(fn, principal, ...)``). Everything
is scoped by the principal: its operator's network, its partner's users. A principal without
an operator sees an empty network.

Where the API has an offer (services/offers.py), the network is what the offer sells (always
the operator's own stations, and other operators' where the offer roams to them) and the
tariffs carry the offer's prices, the prices a start through the API bills. Without one, the
network is the operator's own at its tariffs' prices: an operator's token speaks for its own
network, and only an offer reaches beyond it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from services.core.domain import currencies, faqs
from services.core.domain.offers import Coverage, Offer
from services.core.domain.partners import Principal
from services.core.domain.tariffs import tariff_from
from services.core.store import operator_catalogue as store
from services.core.store.operator_catalogue import (
    ConnectorQuery,
    Keyset,
    SiteQuery,
    StationQuery,
)

__all__ = ["ConnectorQuery", "Keyset", "SiteQuery", "StationQuery"]

# No operator is numbered 0: a principal without an operator matches nothing.
NO_OPERATOR = 0


def operator_id(principal: Principal) -> int:
    return principal.operator_id or NO_OPERATOR


def coverage(offer: Offer | None) -> Coverage | None:
    """The queries' ``coverage`` for ``offer`` (None: the operator's own network)."""
    return offer.coverage if offer is not None else None


# ------------------------------------------------------------------ network


def sites(conn: sqlite3.Connection, q: SiteQuery, window: Keyset) -> list[dict[str, Any]]:
    """Sites with their listed stations (``stations``: id, name, hours, images)."""
    rows = store.sites(conn, q, window)
    of_site = store.site_stations(conn, [r["id"] for r in rows], q.coverage)
    for row in rows:
        row["stations"] = of_site[row["id"]]
    return rows


def stations(conn: sqlite3.Connection, q: StationQuery, window: Keyset,
             with_connectors: bool = True) -> list[dict[str, Any]]:  # fmt: skip
    rows = store.stations(conn, q, window)
    if with_connectors:
        of_station = store.connectors_of(conn, [r["id"] for r in rows])
        for row in rows:
            row["connectors"] = of_station[row["id"]]
    return rows


def connectors(conn: sqlite3.Connection, q: ConnectorQuery, window: Keyset
               ) -> list[dict[str, Any]]:  # fmt: skip
    return store.connectors(conn, q, window)


def station(conn: sqlite3.Connection, principal: Principal, station_id: int,
            offer: Offer | None = None) -> dict[str, Any] | None:  # fmt: skip
    rows = stations(conn, StationQuery(operator_id(principal), station_ids=[station_id],
                                       coverage=coverage(offer)), Keyset(limit=1))
    return rows[0] if rows else None


# ------------------------------------------------------------------ tariffs and money


def tariffs(conn: sqlite3.Connection, principal: Principal, offer: Offer | None = None
            ) -> list[dict[str, Any]]:  # fmt: skip
    """The tariffs the network's connectors charge by, ascending by id, at the prices
    ``offer`` sells them (same id: an EVSE's tariff is still found by its own)."""
    rows = store.tariffs(conn, store.tariff_ids(conn, operator_id(principal), coverage(offer)))
    return [priced_tariff(offer, r) for r in rows]


def priced_tariff(offer: Offer | None, row: dict[str, Any]) -> dict[str, Any]:
    if offer is None or offer.pricing.is_base:
        return row
    t = offer.price(row)
    return {**row, "name": t.name, "currency": t.currency, "start_fee": t.start_fee,
            "per_kwh": t.per_kwh, "per_minute": t.per_minute,
            "parking_per_minute": t.parking_per_minute,
            "parking_grace_minutes": t.parking_grace_minutes, "tax_rate": t.tax_rate}


def tariff(conn: sqlite3.Connection, principal: Principal, tariff_id: int,
           offer: Offer | None = None) -> dict[str, Any] | None:  # fmt: skip
    return next((t for t in tariffs(conn, principal, offer) if t["id"] == tariff_id), None)


def session_tariff(conn: sqlite3.Connection, principal: Principal, session_id: int
                   ) -> dict[str, Any] | None:  # fmt: skip
    """The prices a session was started with (its snapshot), as a tariff row with the
    session's id; None for sessions neither on the operator's network nor of its users."""
    row = store.session_tariff(conn, session_id, operator_id(principal), principal.partner_id)
    if row is None:
        return None
    source: Any = row["tariff_snapshot"]
    if not source:
        current = store.tariffs(conn, [row["tariff_id"]]) if row["tariff_id"] else []
        source = current[0] if current else {"name": row["rate_name"] or "",
                                             "currency": row["currency"] or "EUR"}
    t = tariff_from(source)
    return {"id": row["id"], "name": t.name or row["rate_name"] or "", "currency": t.currency,
            "start_fee": t.start_fee, "per_kwh": t.per_kwh, "per_minute": t.per_minute,
            "parking_per_minute": t.parking_per_minute,
            "parking_grace_minutes": t.parking_grace_minutes, "tax_rate": t.tax_rate,
            "tariff_id": row["tariff_id"], "started_at": row["date_start"]}


def currencies_in_use(conn: sqlite3.Connection, principal: Principal,
                      offer: Offer | None = None) -> list[currencies.Currency]:  # fmt: skip
    codes = {t["currency"] for t in tariffs(conn, principal, offer)}
    codes |= {r["currency"] for r in store.rate_options(conn)}
    return sorted((currencies.of(c) for c in codes), key=lambda c: c.numeric)


def tax_rates(conn: sqlite3.Connection, principal: Principal, offer: Offer | None = None
              ) -> list[float]:  # fmt: skip
    """The VAT rates (percent) of the network's tariffs, ascending."""
    return sorted({float(t["tax_rate"]) for t in tariffs(conn, principal, offer)})


# ------------------------------------------------------------------ the operator's offer


def contact(conn: sqlite3.Connection, principal: Principal) -> dict[str, Any] | None:
    return store.operator(conn, operator_id(principal))


def terms_versions(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Published terms, one entry per version with its text in every language (``texts``:
    language -> row); the id is the version's first row's."""
    versions: dict[str, dict[str, Any]] = {}
    for row in store.terms(conn):
        entry = versions.setdefault(row["version"], {"id": row["id"], "version": row["version"],
                                                     "published_at": row["published_at"],
                                                     "texts": {}})
        entry["texts"][row["language"]] = row
        entry["published_at"] = min(entry["published_at"], row["published_at"])
    return sorted(versions.values(), key=lambda v: v["id"])


def faq_list() -> tuple[faqs.Faq, ...]:
    return faqs.FAQS


def organisations(conn: sqlite3.Connection, principal: Principal) -> list[dict[str, Any]]:
    """Fleet organisations with members among the principal's users."""
    return store.fleet_organisations(conn, principal.partner_id)


def plans(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Contract rate options drivers can subscribe to."""
    return store.rate_options(conn)


def contracts(conn: sqlite3.Connection, principal: Principal) -> list[dict[str, Any]]:
    """Contracts with a rate option of the principal's users."""
    return store.member_contracts(conn, principal.partner_id)


def hours(stored: str | None) -> dict[str, Any] | None:
    """A station's stored opening hours as a dict (None when it has none)."""
    return json.loads(stored) if stored else None
