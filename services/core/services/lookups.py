"""Queries the facades need about stations, connectors, cards, tariffs and settings.

Plain sync functions taking ``conn`` first (run them through ``Core.db``), except where
marked async.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from services.core.domain import occupancy
from services.core.domain.cards import ROAMING_CARD_TYPES, is_expired
from services.core.domain.documents import PRIVATE_SETTINGS
from services.core.store import cards as card_store
from services.core.store import connectors as connector_store
from services.core.store import settings as settings_store
from services.core.store import stations as station_store
from services.core.store import tariffs as tariff_store
from services.core.store.station_listing import CardAccess

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
