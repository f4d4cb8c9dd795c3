"""Stations with everything a facade renders them with (connectors with prices, their
operators), found by id or inside a box with per-connector conditions the search index
cannot answer alone (a power range)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from services.core.domain.offers import Offer
from services.core.services import offers
from services.core.store import connectors as connector_store
from services.core.store import geo
from services.core.store import partner_feeds as feed_store
from services.core.store import station_usage as usage_store
from services.core.store import stations as station_store
from services.core.store.db import to_iso
from services.core.store.station_filter import StationFilter

_BATCH = 500


@dataclass
class StationSet:
    stations: list[dict[str, Any]]
    connectors: dict[int, list[dict[str, Any]]]
    operators: dict[int, Any] = field(default_factory=dict)


def _power_ok(connectors: list[dict[str, Any]], min_kw: float | None, max_kw: float | None
              ) -> bool:  # fmt: skip
    return any((min_kw is None or c["max_power_kw"] >= min_kw)
               and (max_kw is None or c["max_power_kw"] <= max_kw) for c in connectors)


def in_box(conn: sqlite3.Connection, south: float, west: float, north: float, east: float, *,
           flt: StationFilter | None, exclude: Collection[int] = (),
           min_kw: float | None = None, max_kw: float | None = None,
           limit: int, offer: Offer | None = None) -> StationSet:  # fmt: skip
    """Stations inside the box (ordered by id, at most ``limit``) matching ``flt``, not in
    ``exclude``, with a connector whose power lies in [min_kw, max_kw], covered by
    ``offer`` and priced as it sells them."""
    if offer is not None:
        flt = (flt or StationFilter()).covering(offer.coverage)
    out = StationSet([], {})
    offset = 0
    while len(out.stations) < limit:
        page = geo.stations_in_bbox(conn, south, west, north, east, offset=offset,
                                    limit=_BATCH, flt=flt)  # fmt: skip
        rows = _with_pushed(conn, [s for s in page.items if s["id"] not in exclude])
        parts = connector_store.connectors_of_stations(conn, [s["id"] for s in rows])
        for s in rows:
            if _power_ok(parts[s["id"]], min_kw, max_kw):
                out.stations.append(s)
                out.connectors[s["id"]] = offers.priced(offer, parts[s["id"]])
                if len(out.stations) >= limit:
                    break
        offset += _BATCH
        if offset >= page.total:
            break
    return out


def _with_pushed(conn: sqlite3.Connection, stations: list[dict[str, Any]]
                 ) -> list[dict[str, Any]]:  # fmt: skip
    """Stations with what a partner pushed about them (``details``, ``static_changed_at``),
    deleted ones left out."""
    pushed = feed_store.pushed_details(conn, [s["id"] for s in stations])
    out = []
    for s in stations:
        extra = pushed.get(s["id"])
        if extra is not None and extra["deleted_at"]:
            continue
        s.update(extra or {})
        out.append(s)
    return out


def by_ids(conn: sqlite3.Connection, ids: Sequence[int], offer: Offer | None = None, *,
           covered_only: bool = True) -> StationSet:  # fmt: skip
    """Stations in the order of ``ids`` (unknown, deleted and, when ``covered_only``, ones
    ``offer`` does not cover skipped), with their operators and connectors priced as the
    offer sells them."""
    stations = _with_pushed(conn, station_store.stations_by_ids(conn, list(dict.fromkeys(ids))))
    if covered_only:
        stations = [s for s in stations if offers.covers(offer, s)]
    connectors = {sid: offers.priced(offer, rows) for sid, rows in
                  connector_store.connectors_of_stations(conn, [s["id"] for s in stations]
                                                         ).items()}  # fmt: skip
    operators = station_store.operators_by_ids(conn, [s["operator_id"] for s in stations])
    return StationSet(stations, connectors, operators)


def operator(conn: sqlite3.Connection, operator_id: int) -> Any | None:
    return station_store.operators_by_ids(conn, [operator_id]).get(operator_id)


@dataclass(frozen=True)
class Usage:
    last_7_days: int
    last_30_days: int
    last_used: str | None


def usage(conn: sqlite3.Connection, station_id: int, now: datetime | None = None,
          offer: Offer | None = None) -> Usage | None:  # fmt: skip
    if offer is not None and not offers.covers(offer, station_store.station_by_id(
            conn, station_id)):
        return None
    now = now or datetime.now(UTC)
    row = usage_store.usage(conn, station_id, to_iso(now - timedelta(days=7)),
                            to_iso(now - timedelta(days=30)))  # fmt: skip
    if row is None:
        return None
    return Usage(int(row["n7"]), int(row["n30"]), row["last"])


def recent_of_user(conn: sqlite3.Connection, user_id: int, limit: int,
                   offer: Offer | None = None) -> StationSet:  # fmt: skip
    """Where the user charged lately, also where ``offer`` does not sell (the user did charge
    there, through another API or a card), priced as the offer would."""
    return by_ids(conn, usage_store.recent_station_ids(conn, user_id, limit), offer,
                  covered_only=False)
