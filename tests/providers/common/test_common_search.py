"""Shared search parts: OCPP/OCPI vocabulary, search areas and local filtering."""

from __future__ import annotations

import pytest

from services import models as m
from services.geo import contains, distance_km, haversine_km
from services.providers.common import area, filtering, vocabulary

BERLIN = m.Coordinates(latitude=52.52, longitude=13.405)


@pytest.mark.parametrize(
    ("word", "ocpp", "ocpi"),
    [
        ("Available", m.ConnectorStatus.AVAILABLE, m.ConnectorStatus.AVAILABLE),
        ("Charging", m.ConnectorStatus.OCCUPIED, m.ConnectorStatus.OCCUPIED),
        ("SuspendedEVSE", m.ConnectorStatus.OCCUPIED, m.ConnectorStatus.UNKNOWN),
        ("Faulted", m.ConnectorStatus.OUT_OF_ORDER, m.ConnectorStatus.UNKNOWN),
        ("OUTOFORDER", m.ConnectorStatus.UNKNOWN, m.ConnectorStatus.OUT_OF_ORDER),
        ("BLOCKED", m.ConnectorStatus.UNKNOWN, m.ConnectorStatus.OCCUPIED),
        ("", m.ConnectorStatus.UNKNOWN, m.ConnectorStatus.UNKNOWN),
    ],
)
def test_status_words(word, ocpp, ocpi):
    assert vocabulary.ocpp_status(word) is ocpp
    assert vocabulary.ocpi_status(word) is ocpi


def test_plug_current_and_session_words():
    assert vocabulary.plug_from_text("IEC_62196_T2_COMBO") is m.PlugType.CCS
    assert vocabulary.plug_from_text(None, "Type 2") is m.PlugType.TYPE2
    assert vocabulary.plug_from_text("DOMESTIC_F") is m.PlugType.SCHUKO
    assert vocabulary.plug_from_text("NEMA_5_20") is m.PlugType.OTHER
    assert all(vocabulary.plug_from_text(k) is v for k, v in vocabulary.OCPI_PLUG.items())
    assert vocabulary.current_from_text("AC_3_PHASE") is m.CurrentType.AC
    assert vocabulary.current_from_text("DC") is m.CurrentType.DC
    assert vocabulary.current_from_text(None) is None
    assert vocabulary.session_state("COMPLETED") is m.SessionState.FINISHED
    assert vocabulary.session_state("Suspended_EV") is m.SessionState.CHARGING
    assert vocabulary.session_state("  ") is m.SessionState.FAILED
    assert vocabulary.session_state("something new") is m.SessionState.CHARGING


def test_search_circle_covers_the_viewport_and_is_capped():
    box = m.BoundingBox(south=52.4, west=13.2, north=52.6, east=13.6)
    centre, radius = area.search_circle(m.SearchQuery(bbox=box))
    corner = distance_km(centre, (box.north, box.east))
    assert radius >= corner - 1e-9 and radius < corner * 1.01
    europe = m.BoundingBox(south=35, west=-10, north=70, east=40)
    assert area.search_circle(m.SearchQuery(bbox=europe), 1000.0)[1] == 1000.0
    q = m.SearchQuery(centre=BERLIN, radius_km=5)
    assert area.search_circle(q) == (BERLIN, 5)


def test_search_box_contains_the_circle():
    q = m.SearchQuery(centre=BERLIN, radius_km=10)
    box = area.search_box(q)
    # points 9.9 km north, south, east and west of the centre
    for lat, lon in ((52.609, 13.405), (52.431, 13.405), (52.52, 13.551), (52.52, 13.259)):
        assert contains(box, m.Coordinates(latitude=lat, longitude=lon))
    assert not contains(box, m.Coordinates(latitude=52.75, longitude=13.405))
    viewport = m.BoundingBox(south=1, west=1, north=2, east=2)
    assert area.search_box(m.SearchQuery(bbox=viewport)) is viewport


def test_haversine_is_close_to_geodesic():
    for b in ((52.4, 13.1), (48.137, 11.575), (40.7, -74.0)):
        geo, hav = distance_km(BERLIN, b), haversine_km(BERLIN, b)
        assert abs(geo - hav) / geo < 0.005


def station(*connectors: m.Connector, **kw) -> m.Station:
    available = sum(c.status is m.ConnectorStatus.AVAILABLE for c in connectors)
    return m.Station(
        id=kw.pop("id", "s1"),
        name="S",
        coordinates=kw.pop("coordinates", BERLIN),
        connectors=list(connectors),
        status=m.StatusSummary(available=available, total=len(connectors)),
        **kw,
    )


def conn(cid, plug, kw, status=m.ConnectorStatus.AVAILABLE, current=None) -> m.Connector:
    return m.Connector(id=cid, plug_type=plug, max_power_kw=kw, status=status, current_type=current)


def query(**filters) -> m.SearchQuery:
    return m.SearchQuery(centre=BERLIN, radius_km=5, filters=m.StationFilters(**filters))


def test_filters_are_met_by_one_connector():
    s = station(
        conn("a", m.PlugType.TYPE2, 22, current=m.CurrentType.AC),
        conn("b", m.PlugType.CCS, 50, m.ConnectorStatus.OCCUPIED, m.CurrentType.DC),
    )
    assert filtering.keep(s, query(plug_types=[m.PlugType.CCS]))
    assert filtering.keep(s, query(min_power_kw=50, current_type=m.CurrentType.DC))
    assert not filtering.keep(s, query(plug_types=[m.PlugType.TYPE2], min_power_kw=50))
    assert not filtering.keep(s, query(plug_types=[m.PlugType.CHADEMO]))
    # available: the free Type 2 socket does not help a CCS driver
    assert filtering.keep(s, query(available_only=True))
    assert filtering.keep(s, query(available_only=True, plug_types=[m.PlugType.TYPE2]))
    assert not filtering.keep(s, query(available_only=True, plug_types=[m.PlugType.CCS]))


def test_station_level_filters_and_viewport():
    s = station(conn("a", m.PlugType.TYPE2, 22), operator="Stadtwerke", favourite=False)
    assert filtering.keep(s, query(operator="stadtwerke"))
    assert not filtering.keep(s, query(operator="Other"))
    assert not filtering.keep(s, query(favourites_only=True))
    busy = station(conn("a", m.PlugType.TYPE2, 22, m.ConnectorStatus.OCCUPIED))
    assert not filtering.keep(busy, query(available_only=True))
    inside = m.BoundingBox(south=52.5, west=13.3, north=52.6, east=13.5)
    outside = m.BoundingBox(south=48.0, west=11.0, north=48.2, east=11.2)
    assert filtering.keep(s, m.SearchQuery(bbox=inside))
    assert not filtering.keep(s, m.SearchQuery(bbox=outside))
    assert filtering.needs_local_filtering(m.SearchQuery(bbox=inside))
    assert not filtering.needs_local_filtering(query(free_only=True))
    assert filtering.needs_local_filtering(query(min_power_kw=11))
