"""Back end down for real: a core of our own is stopped mid-session; the caching provider
answers the same search, the viewed station and the history from the offline cache, marked
stale, and says BackendUnavailable for what it never saw."""

from __future__ import annotations

import pytest

from services.cache import OfflineCache
from services.http import RetryPolicy
from services.models import Coordinates, Credentials, SearchQuery
from services.provider import BackendUnavailable
from services.registry import open_provider
from tests.core_launcher import core_process

BERLIN = Coordinates(latitude=52.52, longitude=13.405)


async def no_sleep(_delay: float) -> None:
    return None


async def test_core_stopped_then_cache_answers_marked_stale(tmp_path):
    cache = OfflineCache(tmp_path / "offline.sqlite3")
    query = SearchQuery(centre=BERLIN, radius_km=5, limit=10)
    with core_process(tmp_path / "core.sqlite3", stations=1500, seed=5) as url:
        p = await open_provider(
            "beenergised", url, offline_cache=cache, retry=RetryPolicy(attempts=2, sleep=no_sleep)
        )
        await p.login(Credentials(username="driver@example.com", password="driver-demo"))
        live = await p.search_stations(query)
        assert live.items and not live.stale
        station = await p.get_station(live.items[0].id)
        history = await p.history(limit=5)
        assert history.items and not history.stale
    # the core process is gone now: connection refused on its port
    page = await p.search_stations(query)
    assert page.stale and page.as_of is not None
    assert [s.id for s in page.items] == [s.id for s in live.items]
    cached = await p.get_station(station.id)
    assert cached.stale and cached.name == station.name
    old = await p.history(limit=5)
    assert old.stale and [s.id for s in old.items] == [s.id for s in history.items]
    with pytest.raises(BackendUnavailable):
        await p.search_stations(
            SearchQuery(centre=Coordinates(latitude=40.4, longitude=-3.7), radius_km=5)
        )
    await p.close()
    cache.close()
