"""Map exports as standalone HTML (folium): stations of a search, and "where I charged".

The HTML is self-contained: Leaflet's script and style sheet are inlined (assets/leaflet/),
markers are drawn as SVG circles, and no tiles are loaded, so an export opens offline and
keeps working when a CDN moves. folium's other defaults (jQuery, Bootstrap, Font Awesome)
serve widgets these maps do not use and are left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import folium

from services.models import ChargingSession, ConnectorStatus, Station
from services.settings import get_settings

STATUS_COLOURS = {
    ConnectorStatus.AVAILABLE: "#2e7d32",
    ConnectorStatus.OCCUPIED: "#1565c0",
    ConnectorStatus.OUT_OF_ORDER: "#c62828",
    ConnectorStatus.UNKNOWN: "#757575",
}
# Sea-blue page behind the markers: without tiles, the map would be plain grey.
BACKGROUND = "#dfe9f2"


def _leaflet_dir() -> Path:
    return (get_settings().assets_dir or Path(__file__).resolve().parents[1] / "assets") / "leaflet"


@lru_cache(maxsize=1)
def _leaflet() -> tuple[str, str]:
    folder = _leaflet_dir()
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    # The images the style sheet names (layer control, default marker) are not shipped:
    # these maps use neither, and a missing file is a failed request in the viewer's log.
    css = re.sub(r"url\(images/[^)]*\)", "none", (folder / "leaflet.css").read_text("utf-8"))
    # "</script>" inside the inlined source would end the element early.
    return js.replace("</script", "<\\/script"), css


def _new_map(location: tuple[float, float], zoom: int, title: str) -> folium.Map:
    # No attribution control: with no tiles there is nothing to credit, and its prefix is a
    # link to leafletjs.com.
    fmap = folium.Map(location=location, zoom_start=zoom, tiles=None, attribution_control=False)
    # Instance attributes shadow folium's CDN lists; the inlined copies take their place.
    fmap.default_js = []
    fmap.default_css = []
    js, css = _leaflet()
    root = fmap.get_root()
    root.header.add_child(folium.Element(f"<style>{css}</style>"), name="leaflet_css")
    root.header.add_child(folium.Element(f"<script>{js}</script>"), name="leaflet_js")
    root.header.add_child(
        folium.Element(f"<style>.folium-map{{background:{BACKGROUND}}}</style>"), name="bg"
    )
    root.html.add_child(folium.Element(f"<title>{html.escape(title)}</title>"))
    return fmap


def _fit(fmap: folium.Map, points: list[tuple[float, float]]) -> None:
    if len(points) > 1:
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])


def stations_map(stations: Iterable[Station], *, title: str = "Charging stations") -> folium.Map:
    stations = list(stations)
    points = [(s.coordinates.latitude, s.coordinates.longitude) for s in stations]
    centre = points[0] if points else (52.52, 13.405)
    fmap = _new_map(centre, 13, title)
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
        colour = STATUS_COLOURS.get(s.status.status, STATUS_COLOURS[ConnectorStatus.UNKNOWN])
        folium.CircleMarker(
            (s.coordinates.latitude, s.coordinates.longitude),
            radius=8,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=colour,
            fill_opacity=0.9,
            popup=folium.Popup(popup, max_width=300),
            tooltip=s.name,
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
    fmap = _new_map((52.52, 13.405), 6, title)
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
