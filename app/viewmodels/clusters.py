"""Grid clustering of stations in screen space, and viewport arithmetic for the map."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from services.models import ConnectorStatus, Station

TILE = 256.0
CLUSTER_CELL_PX = 56.0  # about one marker and a half: markers closer than this merge
NO_CLUSTER_ZOOM = 15.0

# A cluster shows the most useful status among its members: any free connector wins.
_RANK = {
    ConnectorStatus.AVAILABLE: 0,
    ConnectorStatus.OCCUPIED: 1,
    ConnectorStatus.OUT_OF_ORDER: 2,
    ConnectorStatus.UNKNOWN: 3,
}


def project(lat: float, lon: float, zoom: float) -> tuple[float, float]:
    """Web-Mercator pixel coordinates at ``zoom``."""
    scale = TILE * 2**zoom
    x = (lon + 180.0) / 360.0 * scale
    s = math.sin(math.radians(max(-85.0511, min(85.0511, lat))))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


def radius_for_view(lat: float, zoom: float, width_px: float, height_px: float) -> float:
    """Radius in km of the circle around the centre that covers the visible map."""
    metres_per_px = 156543.03392 * math.cos(math.radians(lat)) / 2**zoom
    half_diag_px = math.hypot(width_px, height_px) / 2
    return max(0.5, min(500.0, metres_per_px * half_diag_px / 1000))


@dataclass
class MarkerItem:
    latitude: float
    longitude: float
    status: ConnectorStatus
    stations: list[Station] = field(default_factory=list)

    @property
    def is_cluster(self) -> bool:
        return len(self.stations) > 1

    @property
    def count(self) -> int:
        return len(self.stations)


def cluster_status(stations: list[Station]) -> ConnectorStatus:
    return min((m.status.status for m in stations), key=lambda st: _RANK[st])


def cluster(stations: list[Station], zoom: float) -> list[MarkerItem]:
    if zoom >= NO_CLUSTER_ZOOM:
        return [
            MarkerItem(s.coordinates.latitude, s.coordinates.longitude, s.status.status, [s])
            for s in stations
        ]
    cells: dict[tuple[int, int], list[Station]] = {}
    for s in stations:
        x, y = project(s.coordinates.latitude, s.coordinates.longitude, zoom)
        cells.setdefault((int(x // CLUSTER_CELL_PX), int(y // CLUSTER_CELL_PX)), []).append(s)
    items = []
    for members in cells.values():
        lat = sum(m.coordinates.latitude for m in members) / len(members)
        lon = sum(m.coordinates.longitude for m in members) / len(members)
        status = cluster_status(members)
        items.append(MarkerItem(lat, lon, status, members))
    return items
