"""Map exports as standalone HTML (folium): stations of a search, and "where I charged".

The HTML loads Leaflet and tiles from the internet when opened; it is meant for sharing and
printing, not for the offline map in the app.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path

import folium

from services.models import ChargingSession, ConnectorStatus, Station

STATUS_COLOURS = {
    ConnectorStatus.AVAILABLE: "green",
    ConnectorStatus.OCCUPIED: "blue",
    ConnectorStatus.OUT_OF_ORDER: "red",
    ConnectorStatus.UNKNOWN: "gray",
}


def _fit(fmap: folium.Map, points: list[tuple[float, float]]) -> None:
    if len(points) > 1:
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])


def stations_map(stations: Iterable[Station], *, title: str = "Charging stations") -> folium.Map:
    stations = list(stations)
    points = [(s.coordinates.latitude, s.coordinates.longitude) for s in stations]
    centre = points[0] if points else (52.52, 13.405)
    fmap = folium.Map(location=centre, zoom_start=13, tiles="OpenStreetMap")
    fmap.get_root().html.add_child(folium.Element(f"<title>{html.escape(title)}</title>"))
    for s in stations:
        conns = "".join(
            f"<li>{html.escape(c.plug_type.value)} {c.max_power_kw or '?'} kW: "
            f"{html.escape(c.status.value.lower())}</li>"
            for c in s.connectors
        )
        popup = (
            f"<b>{html.escape(s.name)}</b><br>{html.escape(s.address.one_line())}<br>"
            f"{s.status.available}/{s.status.total} available<ul>{conns}</ul>"
        )
        folium.Marker(
            (s.coordinates.latitude, s.coordinates.longitude),
            popup=folium.Popup(popup, max_width=300),
            tooltip=s.name,
            icon=folium.Icon(
                color=STATUS_COLOURS.get(s.status.status, "gray"), icon="bolt", prefix="fa"
            ),
        ).add_to(fmap)
    _fit(fmap, points)
    return fmap


def history_map(
    sessions: Iterable[ChargingSession],
    stations: Mapping[str, Station],
    *,
    title: str = "Where I charged",
) -> folium.Map:
    """One circle per station, sized by how often the driver charged there; sessions whose
    station is not in ``stations`` (no position known) are left out."""
    per_station: dict[str, list[ChargingSession]] = {}
    for s in sessions:
        if s.station_id in stations:
            per_station.setdefault(s.station_id, []).append(s)
    points = []
    fmap = folium.Map(location=(52.52, 13.405), zoom_start=6, tiles="OpenStreetMap")
    fmap.get_root().html.add_child(folium.Element(f"<title>{html.escape(title)}</title>"))
    for sid, group in per_station.items():
        st = stations[sid]
        pos = (st.coordinates.latitude, st.coordinates.longitude)
        points.append(pos)
        energy = sum(x.energy_kwh for x in group)
        cost = sum(x.cost.total for x in group if x.cost)
        currency = next((x.cost.currency for x in group if x.cost), "EUR")
        popup = (
            f"<b>{html.escape(st.name)}</b><br>{len(group)} sessions, "
            f"{energy:.1f} kWh, {cost:.2f} {html.escape(currency)}"
        )
        folium.CircleMarker(
            pos,
            radius=6 + min(14, 2 * len(group)),
            color="#1565c0",
            fill=True,
            fill_opacity=0.6,
            popup=folium.Popup(popup, max_width=300),
            tooltip=st.name,
        ).add_to(fmap)
    if points:
        fmap.location = list(points[0])
    _fit(fmap, points)
    return fmap


def save(fmap: folium.Map, path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmap.save(str(path))
    return path


async def export_history(provider, path: Path | str, *, limit: int = 500) -> Path:
    """Fetch the driver's history and the stations in it, and write the map."""
    sessions: list[ChargingSession] = []
    offset = 0
    while len(sessions) < limit:
        page = await provider.history(offset=offset, limit=min(100, limit - len(sessions)))
        sessions.extend(page.items)
        if page.is_last or not page.items:
            break
        offset += len(page.items)
    stations: dict[str, Station] = {}
    for sid in {s.station_id for s in sessions if s.station_id}:
        stations[sid] = await provider.get_station(sid)
    return save(history_map(sessions, stations), path)
