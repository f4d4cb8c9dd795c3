"""Charge points of one site shown as one entry: against the real core's demo data over the
be.ENERGISED provider, and the merge rules on hand-made stations."""

from __future__ import annotations

from collections import Counter

from services import sites
from services.models import (
    Connector,
    ConnectorStatus,
    Coordinates,
    SearchQuery,
    Station,
    StatusSummary,
)
from services.registry import open_provider

PRENZLAUER_BERG = Coordinates(latitude=52.5388, longitude=13.4244)


async def test_search_results_grouped_one_entry_per_site(core_url):
    provider = await open_provider("beenergised", core_url)
    try:
        page = await provider.search_stations(
            SearchQuery(centre=PRENZLAUER_BERG, radius_km=3, limit=200)
        )
    finally:
        await provider.close()
    stations = page.items
    per_site = Counter(s.site_id for s in stations)
    assert all(s.site_id for s in stations)
    assert max(per_site.values()) > 1, "demo sites hold several charge points"
    grouped = sites.group_by_site(stations)
    assert len(grouped) == len(per_site)
    assert len({s.site_id for s in grouped}) == len(grouped)
    # Nothing lost: every connector and every charge point is in exactly one entry.
    assert sorted(c.id for s in grouped for c in s.connectors) == sorted(
        c.id for s in stations for c in s.connectors
    )
    big = next(s for s in grouped if len(s.station_ids) > 1)
    members = [s for s in stations if s.site_id == big.site_id]
    assert big.station_ids == [s.id for s in members] and big.id == members[0].id
    assert big.status.total == sum(s.status.total for s in members)
    assert big.status.available == sum(s.status.available for s in members)
    # Still ordered by distance: each site sits where its nearest charge point did.
    distances = [s.distance_km for s in grouped]
    assert distances == sorted(distances)


def _station(sid: str, site: str | None, status: ConnectorStatus, kw: float) -> Station:
    return Station(
        id=sid,
        name=f"Station {sid}",
        site_id=site,
        coordinates=Coordinates(latitude=52.5, longitude=13.4),
        connectors=[Connector(id=f"{sid}-1", status=status, max_power_kw=kw)],
        status=StatusSummary(
            status=status, available=int(status is ConnectorStatus.AVAILABLE), total=1
        ),
        max_power_kw=kw,
        distance_km=float(sid),
    )


def test_merge_keeps_the_best_status_and_power_and_leaves_siteless_alone():
    out = sites.group_by_site([
        _station("1", "a", ConnectorStatus.OCCUPIED, 22),
        _station("2", None, ConnectorStatus.AVAILABLE, 11),
        _station("3", "a", ConnectorStatus.AVAILABLE, 150),
        _station("4", "a", ConnectorStatus.OUT_OF_ORDER, 50),
    ])  # fmt: skip
    assert [s.id for s in out] == ["1", "2"]
    site = out[0]
    assert site.station_ids == ["1", "3", "4"] and len(site.connectors) == 3
    assert site.status == StatusSummary(status=ConnectorStatus.AVAILABLE, available=1, total=3)
    assert site.max_power_kw == 150 and site.distance_km == 1.0
    assert out[1].station_ids == []
    broken = sites.group_by_site([
        _station("5", "b", ConnectorStatus.OUT_OF_ORDER, 22),
        _station("6", "b", ConnectorStatus.UNKNOWN, 22),
    ])  # fmt: skip
    assert broken[0].status.status is ConnectorStatus.OUT_OF_ORDER
