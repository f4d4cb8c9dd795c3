"""Geo functions, place search ranking, clustering, and the folium exports."""

from __future__ import annotations

import re

import numpy as np
import pytest

from services import geo, mapexport
from services.mapexport import history_map, save, stations_map
from services.models import (
    BoundingBox,
    ChargingSession,
    Coordinates,
    Cost,
    Place,
    SessionState,
    Station,
    StatusSummary,
)

BERLIN = Coordinates(latitude=52.52, longitude=13.405)


def test_distance_and_bbox_circle_round_trip():
    assert geo.distance_km(BERLIN, (48.1372, 11.5756)) == pytest.approx(504.6, abs=1.0)
    box = geo.bbox_around(BERLIN, 10)
    assert geo.distance_km(BERLIN, (box.north, BERLIN.longitude)) == pytest.approx(10, abs=0.01)
    assert geo.distance_km(BERLIN, (BERLIN.latitude, box.east)) == pytest.approx(10, abs=0.01)
    centre, radius = geo.circle_of(box)
    assert geo.distance_km(centre, BERLIN) < 0.01
    assert radius == pytest.approx(10 * 2**0.5, rel=0.01)  # reaches the corners


def test_bbox_near_antimeridian_is_clamped_not_wrapped():
    box = geo.bbox_around(Coordinates(latitude=0, longitude=179.99), 50)
    assert box.west == -180 and box.east == 180


def test_offline_place_search_ranks_exact_and_big_cities_first():
    places = geo.search_offline("Berlin")
    assert places[0].name == "Berlin" and places[0].country == "DE"
    munich = geo.search_offline("münchen")
    assert munich[0].name == "Munich"
    assert geo.search_offline("") == []


async def test_online_failure_falls_back_to_offline_and_online_results_merge():
    def broken(text, limit):
        raise OSError("no network")

    offline = await geo.search_places("Hamburg", geocoder=broken)
    assert offline[0].name == "Hamburg" and offline[0].source == "offline"

    def online(text, limit):
        return [
            Place(
                name="Hamburg, Deutschland",
                source="online",
                score=4.5,
                coordinates=Coordinates(latitude=53.55, longitude=9.99),
            )
        ]

    merged = await geo.search_places("Hamburg", geocoder=online)
    assert merged[0].source == "online"
    # the gazetteer's Hamburg is the same place (< 2 km): not listed twice
    assert not any(p.source == "offline" and p.name == "Hamburg" for p in merged)


def test_grid_clustering_counts_everything_in_view_and_keeps_singleton_ids():
    rng = np.random.default_rng(7)
    lat = rng.uniform(52.3, 52.7, 5000)
    lon = rng.uniform(13.1, 13.7, 5000)
    lat = np.append(lat, [10.0])  # outside the view
    lon = np.append(lon, [10.0])
    box = BoundingBox(south=52.3, west=13.1, north=52.7, east=13.7)
    ids = [str(i) for i in range(len(lat))]
    clusters = geo.cluster_points(lat, lon, box, zoom=10, ids=ids)
    assert sum(c.count for c in clusters) == 5000
    assert 1 < len(clusters) < 5000
    for c in clusters:
        assert c.bbox.south <= c.coordinates.latitude <= c.bbox.north
    # zoomed far in, most stations stand alone and carry their id
    fine = geo.cluster_points(lat[:50], lon[:50], box, zoom=18, ids=ids[:50])
    assert all(c.station_id is not None for c in fine if c.count == 1)
    assert {c.station_id for c in fine if c.count == 1} <= set(ids[:50])
    # the pure-Python path agrees with numpy
    py = geo._cluster_python(list(lat), list(lon), box, geo.cell_degrees(10), None, None)
    assert sorted(c.count for c in py) == sorted(c.count for c in clusters)


def _station(i, lat, lon, status="AVAILABLE"):
    return Station(
        id=f"s{i}",
        name=f"Station <{i}>",
        coordinates=Coordinates(latitude=lat, longitude=lon),
        status=StatusSummary(status=status, available=1, total=2),
    )


def test_cluster_of_station_models_counts_available():
    st = [_station(1, 52.5, 13.4), _station(2, 52.5001, 13.4001)]
    clusters = geo.cluster(st, geo.bbox_around(BERLIN, 20), zoom=8)
    assert len(clusters) == 1 and clusters[0].count == 2 and clusters[0].available == 2


def test_folium_exports_write_markers_and_escape_names(tmp_path):
    stations = [_station(1, 52.5, 13.4), _station(2, 52.6, 13.5, "OCCUPIED")]
    path = save(stations_map(stations), tmp_path / "search.html")
    text = path.read_text()
    assert text.count("L.circleMarker(") == 2 and "Station &lt;1&gt;" in text
    sessions = [
        ChargingSession(
            id=f"x{i}",
            station_id="s1",
            state=SessionState.FINISHED,
            energy_kwh=10.0,
            cost=Cost(total=4.5),
        )
        for i in range(3)
    ] + [ChargingSession(id="y", station_id="unknown", state=SessionState.FINISHED)]
    hist = save(history_map(sessions, {s.id: s for s in stations}), tmp_path / "hist.html")
    text = hist.read_text()
    assert text.count("L.circleMarker(") == 1
    assert "3 sessions, 30.0 kWh, 13.50 EUR" in text


def test_exports_are_self_contained(tmp_path):
    """Opened offline, an export must still draw: nothing may be fetched from a network."""
    stations = [_station(1, 52.5, 13.4), _station(2, 52.6, 13.5, "OCCUPIED")]
    sessions = [ChargingSession(id="x", station_id="s1", state=SessionState.FINISHED)]
    leaflet_js, leaflet_css = mapexport._leaflet()
    for fmap in (stations_map(stations), history_map(sessions, {s.id: s for s in stations})):
        text = save(fmap, tmp_path / "map.html").read_text()
        assert "<script src" not in text and "<link" not in text
        assert leaflet_js in text and "L.map(" in text
        # The inlined library's own comments name its home page; the rest of the page
        # (style sheet, map script, popups) must name no URL at all.
        rest = text.replace(leaflet_js, "").replace(leaflet_css, "")
        assert re.findall(r"https?://", rest) == []
        assert "url(images/" not in text
