"""Stations of several accounts as one list: the same physical connector (same EVSE ID) is
one connector, and stations sharing one (or, without EVSE IDs, the same name at the same
spot) are one station, listing every account that has it. Ids are namespaced
(:mod:`services.multi.ids`); :class:`Links` remembers which account knows what by which id."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from services.geo import haversine_km
from services.models import (
    Connector,
    ConnectorStatus,
    Station,
    StatusSummary,
    TypicalSession,
)

from .ids import evse_key, ns
from .offers import AccountFacts, offer, ranked, station_offers

SAME_SPOT_KM = 0.025  # two stations of one name this close are one (no EVSE IDs to compare)


@dataclass
class Links:
    """Merged id -> {account id: that account's own id}, and back."""

    stations: dict[str, dict[str, str]] = field(default_factory=dict)
    connectors: dict[str, dict[str, str]] = field(default_factory=dict)
    evse: dict[str, str] = field(default_factory=dict)  # merged connector id -> EVSE ID
    connector_station: dict[str, str] = field(default_factory=dict)  # merged ids
    merged_station: dict[tuple[str, str], str] = field(default_factory=dict)
    merged_connector: dict[tuple[str, str], str] = field(default_factory=dict)

    def add_station(self, merged_id: str, account_id: str, native_id: str) -> None:
        self.stations.setdefault(merged_id, {})[account_id] = native_id
        self.merged_station[(account_id, native_id)] = merged_id

    def add_connector(self, merged_id: str, account_id: str, native_id: str) -> None:
        self.connectors.setdefault(merged_id, {})[account_id] = native_id
        self.merged_connector[(account_id, native_id)] = merged_id


class _Groups:
    """Union-find over (account, station index)."""

    def __init__(self) -> None:
        self.parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(self, x: tuple[str, int]) -> tuple[str, int]:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: tuple[str, int], b: tuple[str, int]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _same_spot(a: Station, b: Station) -> bool:
    return (
        a.name.casefold() == b.name.casefold()
        and haversine_km(a.coordinates, b.coordinates) <= SAME_SPOT_KM
    )


def _group(results: Mapping[str, Sequence[Station]], order: Sequence[str]):
    groups = _Groups()
    by_evse: dict[str, tuple[str, int]] = {}
    without_evse: list[tuple[str, int]] = []
    for acc in order:
        for i, s in enumerate(results.get(acc, ())):
            me = (acc, i)
            groups.find(me)
            keys = [k for k in (evse_key(c.evse_id) for c in s.connectors) if k]
            for k in keys:
                if k in by_evse:
                    groups.union(by_evse[k], me)
                else:
                    by_evse[k] = me
            if not keys:
                without_evse.append(me)
    for a in without_evse:
        for acc in order:
            if acc == a[0]:
                continue
            for j, other in enumerate(results.get(acc, ())):
                if _same_spot(results[a[0]][a[1]], other):
                    groups.union(a, (acc, j))
    members: dict[tuple[str, int], list[tuple[str, Station]]] = {}
    for acc in order:
        for i, s in enumerate(results.get(acc, ())):
            members.setdefault(groups.find((acc, i)), []).append((acc, s))
    return list(members.values())


def _summary(connectors: list[Connector]) -> StatusSummary:
    statuses = [c.status for c in connectors]
    available = statuses.count(ConnectorStatus.AVAILABLE)
    for status in (ConnectorStatus.AVAILABLE, ConnectorStatus.OCCUPIED,
                   ConnectorStatus.OUT_OF_ORDER):
        if status in statuses:
            return StatusSummary(status=status, available=available, total=len(connectors))
    return StatusSummary(status=ConnectorStatus.UNKNOWN, available=0, total=len(connectors))


def merge_group(
    members: Sequence[tuple[str, Station]],
    facts: Mapping[str, AccountFacts],
    typical: TypicalSession,
    links: Links,
) -> Station:
    """One station from the same station as several accounts list it (``members`` in the
    accounts' order: the first gives the id, name and position)."""
    first_acc, first = members[0]
    # an id handed out before stays valid: a screen may hold it
    known = (links.merged_station.get((acc, s.id)) for acc, s in members)
    station_id = next((k for k in known if k), None) or ns(first_acc, first.id)
    known_connector: dict[str, str] = {}
    for acc, s in members:
        for c in s.connectors:
            key, had = evse_key(c.evse_id), links.merged_connector.get((acc, c.id))
            if key and had:
                known_connector.setdefault(key, had)
    connectors: list[Connector] = []
    by_key: dict[str, Connector] = {}
    for acc, s in members:
        links.add_station(station_id, acc, s.id)
        for c in s.connectors:
            key = evse_key(c.evse_id)
            merged = by_key.get(key) if key else None
            if merged is None:
                cid = (known_connector.get(key) if key else None) or \
                    links.merged_connector.get((acc, c.id)) or ns(acc, c.id)
                merged = c.model_copy(update={"id": cid, "station_id": station_id, "offers": []})
                connectors.append(merged)
                if key:
                    by_key[key] = merged
                    links.evse[cid] = c.evse_id or ""
            elif merged.status is ConnectorStatus.UNKNOWN and c.status is not merged.status:
                merged.status, merged.status_detail = c.status, c.status_detail
                merged.status_since = c.status_since
            links.add_connector(merged.id, acc, c.id)
            links.connector_station[merged.id] = station_id
            if acc in facts and all(o.account_id != acc for o in merged.offers):
                merged.offers.append(offer(acc, c, s, facts[acc], typical))
    for c in connectors:
        c.offers = ranked(c.offers)
        # the connector's own price: the cheapest an account shows
        priced = [o.tariff for o in c.offers if o.tariff is not None]
        c.price = priced[0] if priced else c.price
    distances = [s.distance_km for _, s in members if s.distance_km is not None]
    powers = [s.max_power_kw for _, s in members if s.max_power_kw is not None]
    remote = [s.remote_start for _, s in members if s.remote_start is not None]
    station = first.model_copy(
        update={
            "id": station_id,
            "connectors": connectors,
            "status": _summary(connectors) if connectors else first.status,
            "distance_km": min(distances) if distances else None,
            "max_power_kw": max(powers) if powers else None,
            "remote_start": any(remote) if remote else None,
            "favourite": any(s.favourite for _, s in members),
            "images": list(dict.fromkeys(i for _, s in members for i in s.images)),
            "site_id": ns(first_acc, first.site_id) if first.site_id else None,
            "station_ids": [],
            "stale": any(s.stale for _, s in members),
        }
    )
    station.offers = station_offers(station)
    return station


def merge_stations(
    results: Mapping[str, Sequence[Station]],
    order: Sequence[str],
    facts: Mapping[str, AccountFacts],
    typical: TypicalSession,
    links: Links,
) -> list[Station]:
    """Every account's stations merged; nearest first where distances are known, else in
    the order the accounts listed them."""
    merged = [merge_group(g, facts, typical, links) for g in _group(results, order)]
    if all(s.distance_km is not None for s in merged):
        merged.sort(key=lambda s: s.distance_km)
    return merged
