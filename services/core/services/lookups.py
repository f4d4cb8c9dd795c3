"""Queries the facades need about stations, connectors, cards, tariffs and settings.

Plain sync functions taking ``conn`` first (run them through ``Core.db``), except where
marked async.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from services.core.domain import occupancy
from services.core.domain.cards import ROAMING_CARD_TYPES, is_expired
from services.core.domain.documents import PRIVATE_SETTINGS
from services.core.domain.offers import Offer
from services.core.services import offers
from services.core.store import cards as card_store
from services.core.store import connectors as connector_store
from services.core.store import geo
from services.core.store import settings as settings_store
from services.core.store import stations as station_store
from services.core.store import tariffs as tariff_store
from services.core.store.rows import StationPage
from services.core.store.station_filter import StationFilter
from services.core.store.station_listing import (
    CardAccess,
    connector_ids_paged,
    search_stations,
    sites_paged,
)

if TYPE_CHECKING:
    from services.core.state import Core


async def rate_package_uuid(core: Core, package_id: int) -> str | None:
    return await core.db(card_store.rate_package_uuid, package_id)


def card_access(conn: sqlite3.Connection, tag_id: str | None) -> CardAccess:
    """Which stations a card may start at: all (roaming cards), internal ones, or none
    (unknown, blocked or expired). No card named: all."""
    if tag_id is None:
        return CardAccess.ALL
    row = card_store.card_by_tag(conn, tag_id.strip().upper())
    if row is None or str(row["status"]).upper() != "ACTIVE" or is_expired(row["expiry_date"]):
        return CardAccess.NONE
    return CardAccess.ALL if row["card_type"] in ROAMING_CARD_TYPES else CardAccess.INTERNAL


def remote_commands(conn: sqlite3.Connection, station_uuid: str) -> bool | None:
    """Whether remote start/stop can reach the station now (its charger is connected);
    None for an unknown station."""
    return station_store.connected_by_uuid(conn, station_uuid)


def station_occupancy(conn: sqlite3.Connection, station_uuid: str, weekday: int | None
                      ) -> list[tuple[int, int, float]] | None:
    """(weekday, hour, rate) of a station; None for an unknown station."""
    sid = station_store.station_id_by_uuid(conn, station_uuid)
    return None if sid is None else occupancy.rates(conn, [sid], weekday)


def connectors_occupancy(conn: sqlite3.Connection, connector_ids: list[int],
                         weekday: int | None) -> list[tuple[int, int, float]] | int:
    """(weekday, hour, rate) over the stations of these connectors, or the first
    connector id that does not exist."""
    found = connector_store.stations_of(conn, connector_ids)
    missing = [i for i in connector_ids if i not in found]
    if missing:
        return missing[0]
    return occupancy.rates(conn, sorted(set(found.values())), weekday)


def missing_connectors(conn: sqlite3.Connection, ids: list[int]) -> list[int]:
    found = connector_store.stations_of(conn, ids)
    return [i for i in ids if i not in found]


def rate_packages(conn: sqlite3.Connection, connector_id: int) -> list[sqlite3.Row] | None:
    """The packages a driver can buy on the connector (none where charging is free);
    None for an unknown connector."""
    row = connector_store.pricing(conn, connector_id)
    if row is None:
        return None
    if row["free_of_charge"] or row["tariff_id"] is None:
        return []
    return tariff_store.packages_of_tariff(conn, row["tariff_id"])


def contract_rate_options(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return tariff_store.contract_rate_options(conn)


def public_settings(conn: sqlite3.Connection, builtin: dict[str, str]) -> dict[str, str]:
    """``builtin`` with the settings table's public rows added (they override)."""
    merged = dict(builtin)
    merged.update({k: v for k, v in settings_store.all_settings(conn).items()
                   if k not in PRIVATE_SETTINGS})
    return merged


# ------------------------------------------------------------------ stations, sites, connectors


def stations_page(conn: sqlite3.Connection, *, flt: StationFilter, offset: int, limit: int,
                  location: tuple[float, float, float] | None, ordered: bool,
                  tag_id: str | None) -> StationPage:
    """Stations matching ``flt`` (near ``location`` = (lat, lon, radius m) when given,
    nearest first when ``ordered``) where the card ``tag_id`` may charge."""
    return search_stations(conn, flt=flt, offset=offset, limit=limit, location=location,
                           ordered=ordered, access=card_access(conn, tag_id))


def sites_page(conn: sqlite3.Connection, *, flt: StationFilter, offset: int, limit: int,
               location: tuple[float, float, float] | None) -> StationPage:
    if location is None:
        return sites_paged(conn, flt=flt, offset=offset, limit=limit)
    lat, lon, radius_m = location
    return geo.sites_near(conn, lat, lon, radius_m, offset=offset, limit=limit, flt=flt)


def connector(conn: sqlite3.Connection, *, connector_id: int | None = None,
              evse_id: str | None = None) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(connector, its station) by id or EVSE id (as given, else upper case)."""
    row = connector_store.connector_by_id(conn, connector_id) if connector_id is not None \
        else None
    if evse_id is not None:
        row = connector_store.connector_by_evse_id(conn, evse_id)
        if row is None and evse_id != evse_id.strip().upper():
            row = connector_store.connector_by_evse_id(conn, evse_id.strip().upper())
    if row is None:
        return None
    return row, station_store.station_by_id(conn, row["station_id"])


def connectors_page(conn: sqlite3.Connection, *, offset: int, limit: int,
                    offer: Offer | None = None
                    ) -> tuple[list[int], int, list[dict[str, Any]]]:  # fmt: skip
    """(connector ids of the page among the stations ``offer`` covers, total, their
    stations)."""
    ids, total = connector_ids_paged(conn, offset=offset, limit=limit,
                                     coverage=offer.coverage if offer else None)
    rows = connector_store.connectors_by_ids(conn, ids)
    station_ids = list({r["station_id"] for r in rows})
    return ids, total, station_store.stations_by_ids(conn, station_ids)


# Rows the facades render stations and sites with.
station_by_uuid = station_store.station_by_uuid
site_by_uuid = station_store.site_by_uuid
stations_by_ids = station_store.stations_by_ids
sites_by_ids = station_store.sites_by_ids
stations_of_sites = station_store.stations_of_sites
connectors_of_stations = connector_store.connectors_of_stations


def stations_with_connectors(conn: sqlite3.Connection, *, offset: int, limit: int,
                             offer: Offer | None = None
                             ) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    """(one page of the stations ``offer`` covers by id, each with ``connectors`` priced
    as it sells them; how many such stations)."""
    flt = StationFilter().covering(offer.coverage) if offer is not None else None
    page = station_store.stations_paged(conn, offset=offset, limit=limit, flt=flt)
    per_station = connector_store.connectors_of_stations(conn, [s["id"] for s in page.items])
    for st in page.items:
        st["connectors"] = offers.priced(offer, per_station.get(st["id"], []))
    return page.items, page.total


def station_with_connectors(conn: sqlite3.Connection, *, station_uuid: str | None = None,
                            evse_id: str | None = None, offer: Offer | None = None
                            ) -> dict[str, Any] | None:  # fmt: skip
    """A station with ``connectors`` (priced as ``offer`` sells them), by its uuid or by the
    EVSE id of one of its connectors (as given, else upper case); None when nothing
    matches or the offer does not cover it."""
    station = None
    if station_uuid is not None:
        station = station_store.station_by_uuid(conn, station_uuid)
    elif evse_id is not None:
        found = connector(conn, evse_id=evse_id)
        station = found[1] if found is not None else None
    if not offers.covers(offer, station):
        return None
    assert station is not None
    station["connectors"] = offers.priced(offer, connector_store.connectors_of_stations(
        conn, [station["id"]])[station["id"]])
    return station
