"""Offline cache bounds, privacy, and where it lives."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from services import cache as cache_mod
from services.cache import OfflineCache
from services.models import (
    ChargingSession,
    Coordinates,
    OpeningHours,
    Page,
    SearchQuery,
    SessionState,
    Station,
)


def _page(ids):
    return Page[Station](
        items=[
            Station(id=i, name=i, coordinates=Coordinates(latitude=52.5, longitude=13.4))
            for i in ids
        ],
        limit=10,
    )


def test_station_cache_is_bounded_keeping_the_newest(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "MAX_STATIONS", 3)
    c = OfflineCache(tmp_path / "c.sqlite3")
    q1 = SearchQuery(centre=Coordinates(latitude=52.5, longitude=13.4), radius_km=1)
    q2 = SearchQuery(centre=Coordinates(latitude=52.5, longitude=13.4), radius_km=2)
    c.put_search("p", q1, _page(["a", "b"]))
    c.put_search("p", q2, _page(["c", "d"]))
    kept = {
        s.id
        for s in c.get_search(
            "p", SearchQuery(centre=Coordinates(latitude=52.5, longitude=13.4), radius_km=3)
        ).items
    }
    assert len(kept) == 3 and {"c", "d"} <= kept
    # the exact earlier query still answers from its own stored page
    assert [s.id for s in c.get_search("p", q1).items] == ["a", "b"]
    c.close()


def test_a_viewed_station_keeps_its_details_after_a_later_search(tmp_path):
    """Search pages carry only what a list entry shows; offline, the station screen must
    still get the opening hours and images it saw when the station was opened."""
    c = OfflineCache(tmp_path / "c.sqlite3")
    full = Station(
        id="a",
        name="A",
        coordinates=Coordinates(latitude=52.5, longitude=13.4),
        opening_hours=OpeningHours(always_open=True),
        images=["http://core/images/a.jpg"],
    )
    c.put_station("p", full)
    q = SearchQuery(centre=Coordinates(latitude=52.5, longitude=13.4), radius_km=1)
    c.put_search("p", q, _page(["a", "b"]))
    offline = c.get_station("p", "a")
    assert offline.stale and offline.opening_hours.always_open
    assert offline.images == ["http://core/images/a.jpg"]
    # a station only ever seen in a list still answers, with what the list had
    assert c.get_station("p", "b").name == "b"
    c.close()


def test_logout_clears_that_drivers_history_only(tmp_path):
    c = OfflineCache(tmp_path / "c.sqlite3")
    s = ChargingSession(id="x", state=SessionState.FINISHED)
    c.put_history("p", "anna@example.com", [s])
    c.put_history("p", "ben@example.com", [s])
    c.clear_account("p", "anna@example.com")
    assert c.get_history("p", "anna@example.com") is None
    page = c.get_history("p", "ben@example.com")
    assert page.stale and [x.id for x in page.items] == ["x"]
    c.close()


def test_default_cache_is_in_the_platform_user_cache_dir() -> None:
    cache = Path(platformdirs.user_cache_dir("voltra", appauthor=False))
    assert cache_mod.default_path().parent == cache
