"""Offline cache: what the driver saw last, served when the back end cannot be reached.

SQLite in the platform user cache dir. Kept: the last search results (by query and, as a
fallback, every cached station inside the requested area), stations viewed (in full: search
results carry only what a list entry shows, so a later search must not overwrite them), and
the driver's own history. Answers from here carry ``stale=True`` and ``as_of`` so the UI can say so.
:class:`CachingProvider` wraps any ChargingProvider and does this transparently.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services import models as m
from services.geo import bbox_around, contains, distance_km
from services.provider import BackendUnavailable

SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    provider TEXT NOT NULL, key TEXT NOT NULL, page TEXT NOT NULL, fetched_at TEXT NOT NULL,
    PRIMARY KEY (provider, key));
CREATE TABLE IF NOT EXISTS stations (
    provider TEXT NOT NULL, id TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    body TEXT NOT NULL, fetched_at TEXT NOT NULL, PRIMARY KEY (provider, id));
CREATE INDEX IF NOT EXISTS stations_pos ON stations(provider, lat, lon);
CREATE TABLE IF NOT EXISTS station_details (
    provider TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, fetched_at TEXT NOT NULL,
    PRIMARY KEY (provider, id));
CREATE TABLE IF NOT EXISTS history (
    provider TEXT NOT NULL, account TEXT NOT NULL, id TEXT NOT NULL, started_at TEXT,
    body TEXT NOT NULL, fetched_at TEXT NOT NULL, PRIMARY KEY (provider, account, id));
CREATE TABLE IF NOT EXISTS catalogues (
    key TEXT PRIMARY KEY, body BLOB NOT NULL, fetched_at TEXT NOT NULL);
"""
MAX_SEARCHES = 50
MAX_STATIONS = 20_000  # per provider; the least recently fetched go first
MAX_DETAILS = 500  # stations viewed, per provider


def default_path() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("voltra", appauthor=False)) / "offline-cache.sqlite3"


def _now() -> str:
    return datetime.now(UTC).isoformat()


class OfflineCache:
    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.executescript(SCHEMA)

    def close(self) -> None:
        self._conn.close()

    @staticmethod
    def query_key(query: m.SearchQuery) -> str:
        return hashlib.sha256(query.model_dump_json().encode()).hexdigest()[:32]

    # ---------------------------------------------------------------- writes

    def put_search(self, provider: str, query: m.SearchQuery, page: m.Page[m.Station]) -> None:
        now = _now()
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO searches VALUES (?, ?, ?, ?)",
                (provider, self.query_key(query), page.model_dump_json(), now),
            )
            self._conn.execute(
                "DELETE FROM searches WHERE provider = ? AND key NOT IN (SELECT key FROM "
                "searches WHERE provider = ? ORDER BY fetched_at DESC LIMIT ?)",
                (provider, provider, MAX_SEARCHES),
            )
            self._put_stations(provider, page.items, now)
            self._conn.execute(
                "DELETE FROM stations WHERE provider = ? AND id NOT IN (SELECT id FROM stations "
                "WHERE provider = ? ORDER BY fetched_at DESC LIMIT ?)",
                (provider, provider, MAX_STATIONS),
            )

    def put_station(self, provider: str, station: m.Station) -> None:
        now = _now()
        with self._lock, self._conn:
            self._put_stations(provider, [station], now)
            self._conn.execute(
                "INSERT OR REPLACE INTO station_details VALUES (?, ?, ?, ?)",
                (provider, station.id, station.model_dump_json(), now),
            )
            self._conn.execute(
                "DELETE FROM station_details WHERE provider = ? AND id NOT IN (SELECT id FROM "
                "station_details WHERE provider = ? ORDER BY fetched_at DESC LIMIT ?)",
                (provider, provider, MAX_DETAILS),
            )

    def _put_stations(self, provider: str, stations: list[m.Station], now: str) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO stations VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    provider,
                    s.id,
                    s.coordinates.latitude,
                    s.coordinates.longitude,
                    s.model_dump_json(),
                    now,
                )
                for s in stations
            ],
        )

    def put_history(self, provider: str, account: str, sessions: list[m.ChargingSession]) -> None:
        now = _now()
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO history VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        provider,
                        account,
                        s.id,
                        s.started_at.isoformat() if s.started_at else None,
                        s.model_dump_json(),
                        now,
                    )
                    for s in sessions
                ],
            )

    def clear_account(self, provider: str, account: str) -> None:
        """On logout: another driver on this device must not see this history."""
        with self._lock, self._conn:
            self._conn.execute(
                "DELETE FROM history WHERE provider = ? AND account = ?", (provider, account)
            )

    def put_catalogue(self, key: str, body: bytes) -> None:
        """Everything a back end without a geo search lists (all its stations, in the form
        its provider chooses), kept whole under ``key``: it is read and written all at once
        and may hold 100,000 stations, so it is one compressed row."""
        packed = zlib.compress(body, 1)
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO catalogues VALUES (?, ?, ?)", (key, packed, _now())
            )

    # ---------------------------------------------------------------- reads

    def get_catalogue(self, key: str) -> tuple[bytes, datetime] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT body, fetched_at FROM catalogues WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        return zlib.decompress(row[0]), datetime.fromisoformat(row[1])

    def get_search(self, provider: str, query: m.SearchQuery) -> m.Page[m.Station] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT page, fetched_at FROM searches WHERE provider = ? AND key = ?",
                (provider, self.query_key(query)),
            ).fetchone()
        if row is not None:
            page = m.Page[m.Station].model_validate_json(row[0])
            page.stale, page.as_of = True, datetime.fromisoformat(row[1])
            for s in page.items:
                s.stale, s.as_of = True, page.as_of
            return page
        return self._stations_in_area(provider, query)

    def _stations_in_area(self, provider: str, q: m.SearchQuery) -> m.Page[m.Station] | None:
        box = q.bbox or bbox_around(q.centre, q.radius_km)
        with self._lock:
            rows = self._conn.execute(
                "SELECT body, fetched_at FROM stations WHERE provider = ? AND lat BETWEEN ? "
                "AND ? AND lon BETWEEN ? AND ?",
                (provider, box.south, box.north, box.west, box.east),
            ).fetchall()
        if not rows:
            return None
        stations = []
        oldest = None
        for body, fetched in rows:
            s = m.Station.model_validate_json(body)
            if q.bbox is None:
                s.distance_km = round(distance_km(q.centre, s.coordinates), 3)
                if s.distance_km > q.radius_km:
                    continue
            elif not contains(q.bbox, s.coordinates):
                continue
            s.stale, s.as_of = True, datetime.fromisoformat(fetched)
            oldest = min(oldest, s.as_of) if oldest else s.as_of
            stations.append(s)
        stations.sort(key=lambda s: (s.distance_km is None, s.distance_km or 0.0))
        items = stations[q.offset : q.offset + q.limit]
        return m.Page[m.Station](
            items=items,
            offset=q.offset,
            limit=q.limit,
            total=len(stations),
            is_last=q.offset + q.limit >= len(stations),
            stale=True,
            as_of=oldest,
        )

    def get_station(self, provider: str, station_id: str) -> m.Station | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT body, fetched_at FROM station_details WHERE provider = ? AND id = ?",
                (provider, station_id),
            ).fetchone() or self._conn.execute(
                "SELECT body, fetched_at FROM stations WHERE provider = ? AND id = ?",
                (provider, station_id),
            ).fetchone()
        if row is None:
            return None
        s = m.Station.model_validate_json(row[0])
        s.stale, s.as_of = True, datetime.fromisoformat(row[1])
        return s

    def get_history(
        self, provider: str, account: str, *, offset: int = 0, limit: int = 20
    ) -> m.Page[m.ChargingSession] | None:
        with self._lock:
            total = self._conn.execute(
                "SELECT COUNT(*), MIN(fetched_at) FROM history WHERE provider = ? AND account = ?",
                (provider, account),
            ).fetchone()
            if not total[0]:
                return None
            rows = self._conn.execute(
                "SELECT body FROM history WHERE provider = ? AND account = ? "
                "ORDER BY started_at DESC LIMIT ? OFFSET ?",
                (provider, account, limit, offset),
            ).fetchall()
        return m.Page[m.ChargingSession](
            items=[m.ChargingSession.model_validate_json(r[0]) for r in rows],
            offset=offset,
            limit=limit,
            total=total[0],
            is_last=offset + limit >= total[0],
            stale=True,
            as_of=datetime.fromisoformat(total[1]),
        )


class CachingProvider:
    """Wraps a provider: successful answers are stored, BackendUnavailable answered from the
    cache (marked stale) when there is something to answer with. Everything else passes
    through unchanged."""

    def __init__(self, inner: Any, cache: OfflineCache, *, account: str | None = None) -> None:
        self._inner = inner
        self.cache = cache
        self.account = account

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def login(self, credentials: m.Credentials) -> m.Profile:
        profile = await self._inner.login(credentials)
        self.account = profile.email or profile.id
        return profile

    async def logout(self) -> None:
        if self.account:
            self.cache.clear_account(self._inner.name, self.account)
        self.account = None
        await self._inner.logout()

    async def search_stations(self, query: m.SearchQuery) -> m.Page[m.Station]:
        try:
            page = await self._inner.search_stations(query)
        except BackendUnavailable:
            cached = self.cache.get_search(self._inner.name, query)
            if cached is None:
                raise
            return cached
        self.cache.put_search(self._inner.name, query, page)
        return page

    async def get_station(self, station_id: str) -> m.Station:
        try:
            station = await self._inner.get_station(station_id)
        except BackendUnavailable:
            cached = self.cache.get_station(self._inner.name, station_id)
            if cached is None:
                raise
            return cached
        self.cache.put_station(self._inner.name, station)
        return station

    async def history(
        self, *, offset: int = 0, limit: int = 20, since=None, until=None
    ) -> m.Page[m.ChargingSession]:
        try:
            page = await self._inner.history(offset=offset, limit=limit, since=since, until=until)
        except BackendUnavailable:
            cached = (
                self.cache.get_history(self._inner.name, self.account, offset=offset, limit=limit)
                if self.account
                else None
            )
            if cached is None:
                raise
            return cached
        if self.account:
            self.cache.put_history(self._inner.name, self.account, page.items)
        return page
