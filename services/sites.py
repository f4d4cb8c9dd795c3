"""Charge points of one site as one entry: a driver looks for a place to charge, and a car
park with four charge points is one place with eight connectors, not four list entries with
the same name at the same address (every map app shows it so)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

from services.models import ConnectorStatus, Station, StatusSummary


def _summary(members: list[Station]) -> StatusSummary:
    available = sum(s.status.available for s in members)
    total = sum(s.status.total for s in members)
    statuses = {s.status.status for s in members}
    for status in (
        ConnectorStatus.AVAILABLE,
        ConnectorStatus.OCCUPIED,
        ConnectorStatus.OUT_OF_ORDER,
    ):
        if status in statuses:
            # A site whose only "out of order" member sits beside unknown ones is still
            # out of order; one available connector anywhere makes the site available.
            return StatusSummary(status=status, available=available, total=total)
    return StatusSummary(status=ConnectorStatus.UNKNOWN, available=available, total=total)


def merge(members: list[Station]) -> Station:
    """One station standing for a site; ``members`` in the order the caller ranks them
    (nearest first): the first gives the id, name and position."""
    if len(members) == 1:
        return members[0]
    first = members[0]
    connectors = [c for s in members for c in s.connectors]
    powers = [s.max_power_kw for s in members if s.max_power_kw is not None]
    distances = [s.distance_km for s in members if s.distance_km is not None]
    remote = [s.remote_start for s in members if s.remote_start is not None]
    return first.model_copy(
        update={
            "connectors": connectors,
            "status": _summary(members),
            "max_power_kw": max(powers) if powers else None,
            "distance_km": min(distances) if distances else None,
            "favourite": any(s.favourite for s in members),
            "remote_start": any(remote) if remote else None,
            "images": list(dict.fromkeys(i for s in members for i in s.images)),
            "station_ids": [s.id for s in members],
        }
    )


def group_by_site(stations: Iterable[Station]) -> list[Station]:
    """Stations of one site merged into one (see ``merge``), in the order of each site's
    first member; stations without a site id stay on their own."""
    groups: dict[str, list[Station]] = {}
    order: list[str | Station] = []
    for s in stations:
        if s.site_id is None:
            order.append(s)
            continue
        if s.site_id not in groups:
            groups[s.site_id] = []
            order.append(s.site_id)
        groups[s.site_id].append(s)
    return [merge(groups[o]) if isinstance(o, str) else o for o in order]


async def fetch_site(provider: Any, station_id: str, members: Sequence[str] = ()) -> Station:
    """A station in full from ``provider.get_station``; when it stands for a site's charge
    points (``members``: the ``station_ids`` of a grouped list entry), each of them, merged
    again, so the station screen shows every connector the list entry counted."""
    ids = list(members) if station_id in members else [station_id]
    return merge(list(await asyncio.gather(*(provider.get_station(i) for i in ids))))
