"""Every station of a back end, paged through once and searched on the device.

For APIs without a geo search (GP JOULE ``getChargepoints``, the AMPECO locations listing),
which only page through everything. So the whole list is fetched once, kept in the offline
cache as the back end sent it (a restart starts from it), and radius / bounding-box / filter
queries are answered from an index sorted by latitude. A list older than ``refresh_after_s``
is fetched again in the background while searches go on answering from the one in hand.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import gc
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson

from services import models as m
from services.cache import OfflineCache
from services.geo import haversine_km
from services.provider import BackendUnavailable, ProviderError
from services.providers.common import area, filtering

log = logging.getLogger("voltra.providers.catalogue")

RETRY_AFTER_S = 30.0
KEPT_FORMAT = b"voltra-station-index-1\n"

Fetch = Callable[[], Awaitable[list[dict]]]  # every item as the back end sends it
ToStation = Callable[[dict], m.Station]  # for items Place found a position for
Place = Callable[[dict], tuple[float, float] | None]  # None: not a usable station
# where the list is kept between runs: a shared cache, a path or True (the default path) for
# a cache of the catalogue's own, None to keep it in memory only
CacheChoice = OfflineCache | Path | str | bool | None


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Decoding and indexing a list of 100,000 stations creates millions of objects; the
    cyclic garbage collector would otherwise run full collections over all of them many
    times on the way (none of them is garbage). Nested uses keep it paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class StationIndex:
    """Charge points as the back end sent them, sorted by latitude: a search area is a
    bisected latitude band, then a longitude test, before any distance is computed. Each
    becomes a Station only when a search first reaches it, so a list of 100,000 is ready
    as soon as it is sorted. Kept on the disk, the positions and ids are stored apart from
    the items, which are decoded one by one when first reached."""

    def __init__(
        self,
        lats: list[float],
        lons: list[float],
        ids: list[str],
        connector_ids: list[list[str]],
        items: list[dict | memoryview],
        to_station: ToStation,
    ) -> None:
        self.lats, self.lons, self._ids, self._connector_ids = lats, lons, ids, connector_ids
        self._items = items
        self._stations: list[m.Station | None] = [None] * len(items)
        self._to_station = to_station
        self.by_id = {sid: i for i, sid in enumerate(ids)}
        self.by_connector = {c: i for i, conns in enumerate(connector_ids) for c in conns}

    @classmethod
    def of(cls, items: list[dict], to_station: ToStation, place: Place) -> StationIndex:
        placed = []
        for item in items:
            where = place(item)
            if where is not None:
                placed.append((where[0], where[1], item))
        placed.sort(key=lambda p: p[0])
        connector_ids = []
        for _lat, _lon, item in placed:
            conns = item.get("connectors")
            connector_ids.append(
                [
                    str(c["id"])
                    for c in (conns if isinstance(conns, list) else ())
                    if isinstance(c, dict) and c.get("id") is not None
                ]
            )
        return cls(
            [p[0] for p in placed],
            [p[1] for p in placed],
            [str(p[2]["id"]) for p in placed],
            connector_ids,
            [p[2] for p in placed],
            to_station,
        )

    def kept(self) -> bytes:
        """The index as kept on the disk: a header (positions, ids, connector ids, where
        each item ends) and the items' JSON one after another."""
        bodies = [
            bytes(item) if isinstance(item, memoryview) else orjson.dumps(item)
            for item in self._items
        ]
        ends, at = [], 0
        for body in bodies:
            at += len(body)
            ends.append(at)
        header = orjson.dumps(
            {
                "lats": self.lats,
                "lons": self.lons,
                "ids": self._ids,
                "connectors": self._connector_ids,
                "ends": ends,
            }
        )
        return KEPT_FORMAT + len(header).to_bytes(8, "big") + header + b"".join(bodies)

    @classmethod
    def from_kept(cls, blob: bytes, to_station: ToStation) -> StationIndex:
        """Raises ValueError for anything not written by :meth:`kept`."""
        if not blob.startswith(KEPT_FORMAT):
            raise ValueError("not a kept station index")
        start = len(KEPT_FORMAT) + 8
        size = int.from_bytes(blob[len(KEPT_FORMAT) : start], "big")
        header = orjson.loads(blob[start : start + size])
        body = memoryview(blob)[start + size :]
        ends = header["ends"]
        starts = [0, *ends[:-1]] if ends else []
        items = [body[b:e] for b, e in zip(starts, ends, strict=True)]
        columns = (header["lats"], header["lons"], header["ids"], header["connectors"])
        if any(len(col) != len(items) for col in columns):
            raise ValueError("kept station index: columns of different lengths")
        return cls(*columns, items, to_station)

    def __len__(self) -> int:
        return len(self._items)

    def _at(self, i: int) -> m.Station:
        s = self._stations[i]
        if s is None:
            item = self._items[i]
            s = self._stations[i] = self._to_station(
                item if isinstance(item, dict) else orjson.loads(item)
            )
        return s

    def within(self, box: m.BoundingBox) -> Iterator[m.Station]:
        lo = bisect.bisect_left(self.lats, box.south)
        hi = bisect.bisect_right(self.lats, box.north)
        lons = self.lons
        for i in range(lo, hi):
            if box.west <= lons[i] <= box.east:
                yield self._at(i)

    def get(self, station_id: str) -> m.Station | None:
        i = self.by_id.get(station_id)
        return self._at(i) if i is not None else None

    def of_connector(self, connector_id: str) -> m.Station | None:
        i = self.by_connector.get(connector_id)
        return self._at(i) if i is not None else None

    def replace(self, station: m.Station) -> bool:
        """Put a station read live in place of its entry; False when it is not in the
        index or has moved (then the next full refresh places it)."""
        i = self.by_id.get(station.id)
        if i is None or self.lats[i] != station.coordinates.latitude:
            return False
        self._stations[i] = station
        return True


class Catalogue:
    def __init__(
        self,
        fetch: Fetch,
        to_station: ToStation,
        place: Place,
        *,
        cache: CacheChoice = None,
        key: str,
        refresh_after_s: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._fetch = fetch
        self._to_station = to_station
        self._place = place
        self._own_cache: OfflineCache | None = None
        if cache is True or isinstance(cache, str | Path):
            self._own_cache = OfflineCache(None if cache is True else cache)
        self._cache = self._own_cache or (cache if isinstance(cache, OfflineCache) else None)
        self._key = key
        self.refresh_after_s = refresh_after_s
        self._clock = clock
        self._index: StationIndex | None = None
        self._fetched_at: float | None = None  # clock() of the list in hand
        # the list in hand came from the back end (not the disk) and the back end has not
        # been unreachable since
        self._fresh = False
        self._lock = asyncio.Lock()
        self._background: asyncio.Task | None = None
        self._saving: asyncio.Task | None = None
        self._failed_at: float | None = None  # clock() of the last failed refresh

    @property
    def loaded(self) -> bool:
        return self._index is not None

    @property
    def as_of(self) -> datetime | None:
        if self._fetched_at is None:
            return None
        return datetime.fromtimestamp(self._fetched_at, UTC)

    # ---------------------------------------------------------------- loading

    def _index_of(self, items: list[dict]) -> StationIndex:
        with _collection_paused():
            return StationIndex.of(items, self._to_station, self._place)

    async def refresh(self) -> None:
        """Fetch the whole list now (one fetch at a time; a caller that waited for another's
        fetch does not repeat it). Converting and saving it run off the event loop."""
        started = self._clock()
        async with self._lock:
            if self._fetched_at is not None and self._fresh and self._fetched_at >= started:
                return
            items = await self._fetch()
            index = await asyncio.to_thread(self._index_of, items)
            self._install(index, self._clock(), fresh=True)
            log.info("catalogue: %d stations", len(index))
            if self._cache is not None:
                self._saving = asyncio.get_running_loop().create_task(self._save(index))

    async def _save(self, index: StationIndex) -> None:
        def write() -> None:
            self._cache.put_catalogue(self._key, index.kept())

        try:
            await asyncio.to_thread(write)
        except Exception as exc:  # a full disk must not break searching
            log.warning("catalogue not kept: %s", type(exc).__name__)

    def _install(self, index: StationIndex, fetched_at: float, *, fresh: bool) -> None:
        self._index, self._fetched_at, self._fresh = index, fetched_at, fresh

    async def _load_from_disk(self) -> bool:
        if self._cache is None:
            return False

        def read() -> tuple[StationIndex, datetime] | None:
            kept = self._cache.get_catalogue(self._key)
            if kept is None:
                return None
            with _collection_paused():
                try:
                    return StationIndex.from_kept(kept[0], self._to_station), kept[1]
                except (ValueError, KeyError, TypeError) as exc:  # JSONDecodeError included
                    log.info("kept catalogue unreadable (%s): fetched again", exc)
                    return None

        loaded = await asyncio.to_thread(read)
        if loaded is None:
            return False
        async with self._lock:
            if self._index is None:
                self._install(loaded[0], loaded[1].timestamp(), fresh=False)
        return True

    async def index(self) -> StationIndex:
        """The list in hand; the first call loads it from the disk or, failing that, from
        the back end. A list past its age (or from the disk) is refreshed in the background."""
        if self._index is None and not await self._load_from_disk():
            await self.refresh()
        assert self._index is not None
        if not self._fresh or self._clock() - (self._fetched_at or 0) > self.refresh_after_s:
            self.refresh_in_background()
        return self._index

    def refresh_in_background(self) -> None:
        """Start a refresh unless one runs, or one failed less than RETRY_AFTER_S ago (a
        back end that is down is not asked again on every search)."""
        if self._background is not None and not self._background.done():
            return
        if self._failed_at is not None and self._clock() - self._failed_at < RETRY_AFTER_S:
            return
        self._background = asyncio.get_running_loop().create_task(self._refresh_quietly())

    async def _refresh_quietly(self) -> None:
        try:
            await self.refresh()
            self._failed_at = None
        except BackendUnavailable as exc:
            # what is in hand is now served as what was kept while the back end is away
            self._failed_at, self._fresh = self._clock(), False
            log.info("catalogue refresh: back end unreachable (%s)", exc.detail)
        except ProviderError as exc:
            self._failed_at = self._clock()
            log.warning("catalogue refresh failed: %s %s", exc.code, exc.detail)

    async def wait_refreshed(self) -> None:
        """Until a background refresh in progress (if any) has finished."""
        task = self._background
        if task is not None:
            await asyncio.shield(task)

    async def aclose(self) -> None:
        task, self._background = self._background, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        saving, self._saving = self._saving, None
        if saving is not None:
            await saving  # a list being written is finished, not left half-kept
        if self._own_cache is not None:
            self._own_cache.close()

    # ---------------------------------------------------------------- reading

    def station(self, station_id: str) -> m.Station | None:
        return self._index.get(station_id) if self._index is not None else None

    def station_of_connector(self, connector_id: str) -> m.Station | None:
        return self._index.of_connector(connector_id) if self._index is not None else None

    def update(self, station: m.Station) -> None:
        if self._index is not None:
            self._index.replace(station)

    async def search(self, query: m.SearchQuery) -> m.Page[m.Station]:
        """Stations in the query's circle or viewport that pass its filters, nearest to its
        centre first; ``total`` counts them all. Answers from a list kept on the disk (not
        yet refreshed) are marked stale."""
        index = await self.index()
        box = area.search_box(query)
        circle = query.bbox is None
        centre = query.centre if circle else query.bbox.centre
        hits: list[tuple[float, m.Station]] = []
        for s in index.within(box):
            d = haversine_km(centre, s.coordinates)
            if circle and d > query.radius_km:
                continue
            if filtering.keep(s, query):
                hits.append((d, s))
        hits.sort(key=lambda h: h[0])
        stale, as_of = not self._fresh, self.as_of
        marks = {"stale": True, "as_of": as_of} if stale else {}
        # shallow copies: stations in the index are replaced whole, never changed in place
        items = [
            s.model_copy(update={"distance_km": round(d, 3), **marks})
            for d, s in hits[query.offset : query.offset + query.limit]
        ]
        return m.Page[m.Station](
            items=items,
            offset=query.offset,
            limit=query.limit,
            total=len(hits),
            is_last=query.offset + query.limit >= len(hits),
            stale=stale,
            as_of=as_of,
        )
