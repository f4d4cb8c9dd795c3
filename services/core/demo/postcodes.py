"""Postcode ranges for demo addresses: the real range of a big city (and of its districts,
which geonames lists as cities of their own: Prenzlauer Berg, Altona), else the real
postal region of the nearest regional centre, so an address never names a postcode from
the other end of the country.

Ranges are lists of (first, last) postcodes as numbers (a city's codes may have gaps:
Berlin has no 11xxx); the country's format is applied by ``places.postcode``.
"""

from __future__ import annotations

import math
import random

# Big cities: (lat, lon, radius km covering the city and the districts around its centre,
# first, last). Real ranges of each city's postcodes.
CITY_RANGES: dict[str, tuple[tuple[float, float, float, int, int], ...]] = {
    "DE": (
        (52.520, 13.405, 22, 10115, 14199),  # Berlin (see GAPS)
        (53.550, 9.993, 18, 20095, 22769),  # Hamburg (see GAPS)
        (48.137, 11.575, 14, 80331, 81929),  # München
        (50.938, 6.960, 13, 50667, 51149),  # Köln
        (50.110, 8.682, 10, 60306, 60599),  # Frankfurt am Main
        (48.776, 9.183, 9, 70173, 70629),  # Stuttgart
        (51.227, 6.774, 9, 40210, 40629),  # Düsseldorf
        (51.514, 7.465, 9, 44135, 44388),  # Dortmund
        (51.456, 7.012, 9, 45127, 45359),  # Essen
        (51.340, 12.375, 10, 4103, 4357),  # Leipzig
        (53.079, 8.801, 11, 28195, 28779),  # Bremen
        (51.051, 13.738, 11, 1067, 1328),  # Dresden
        (52.375, 9.732, 10, 30159, 30669),  # Hannover
        (49.452, 11.077, 9, 90402, 90491),  # Nürnberg
    ),
    "AT": ((48.208, 16.373, 14, 1010, 1230),),  # Wien
    "CH": (
        (47.377, 8.541, 7, 8001, 8099),  # Zürich
        (46.204, 6.143, 6, 1200, 1299),  # Genève
        (47.560, 7.588, 5, 4000, 4059),  # Basel
        (46.948, 7.447, 5, 3000, 3030),  # Bern
        (46.520, 6.633, 5, 1000, 1018),  # Lausanne
    ),
    "NL": (
        (52.370, 4.895, 9, 1011, 1109),  # Amsterdam
        (51.922, 4.479, 9, 3011, 3089),  # Rotterdam
        (52.078, 4.288, 7, 2491, 2599),  # Den Haag
        (52.091, 5.122, 6, 3511, 3585),  # Utrecht
    ),
    "BE": (
        (50.847, 4.357, 9, 1000, 1210),  # Bruxelles
        (51.220, 4.400, 8, 2000, 2660),  # Antwerpen
        (51.054, 3.717, 6, 9000, 9052),  # Gent
        (50.633, 5.567, 6, 4000, 4032),  # Liège
    ),
    "DK": (
        (55.676, 12.568, 12, 1050, 2450),  # København
        (56.157, 10.211, 7, 8000, 8270),  # Aarhus
        (55.396, 10.388, 6, 5000, 5270),  # Odense
    ),
    "FR": (
        (48.857, 2.352, 5, 75001, 75020),  # Paris
        (45.764, 4.836, 4, 69001, 69009),  # Lyon
        (43.297, 5.381, 7, 13001, 13016),  # Marseille
    ),
}

# Postal regions elsewhere: (lat, lon, prefix) of each region's centre; a postcode is the
# prefix followed by digits drawn within the region.
# Germany: two-digit regions (Leitregionen).
_DE = (
    (51.05, 13.74, 1), (51.15, 14.60, 2), (51.76, 14.33, 3), (51.34, 12.37, 4),
    (51.48, 11.97, 6), (50.90, 11.80, 7), (50.60, 12.45, 8), (50.83, 12.92, 9),
    (52.40, 13.06, 14), (52.35, 14.55, 15), (52.83, 13.80, 16), (53.56, 13.26, 17),
    (54.09, 12.10, 18), (53.63, 11.40, 19), (53.87, 10.69, 23), (54.32, 10.13, 24),
    (54.00, 9.30, 25), (53.14, 8.21, 26), (53.40, 8.90, 27), (52.90, 10.30, 29),
    (52.15, 9.95, 31), (52.10, 8.70, 32), (51.85, 8.55, 33), (51.31, 9.48, 34),
    (50.60, 8.70, 35), (50.55, 9.68, 36), (51.53, 9.93, 37), (52.27, 10.52, 38),
    (52.13, 11.62, 39), (51.19, 6.44, 41), (51.26, 7.15, 42), (51.60, 6.80, 46),
    (51.40, 6.70, 47), (51.96, 7.63, 48), (52.28, 8.05, 49), (50.99, 7.13, 51),
    (50.78, 6.08, 52), (50.73, 7.10, 53), (49.75, 6.64, 54), (49.99, 8.25, 55),
    (50.36, 7.59, 56), (50.87, 8.02, 57), (51.36, 7.47, 58), (51.68, 7.82, 59),
    (50.00, 9.00, 63), (49.87, 8.65, 64), (50.08, 8.24, 65), (49.24, 6.99, 66),
    (49.45, 7.90, 67), (49.49, 8.47, 68), (49.40, 8.69, 69), (48.85, 9.05, 71),
    (48.50, 9.10, 72), (48.70, 9.60, 73), (49.14, 9.22, 74), (48.89, 8.70, 75),
    (49.00, 8.40, 76), (48.47, 7.94, 77), (47.90, 8.60, 78), (47.99, 7.85, 79),
    (47.90, 11.30, 82), (47.86, 12.12, 83), (48.54, 12.15, 84), (48.76, 11.42, 85),
    (48.37, 10.90, 86), (47.73, 10.31, 87), (47.78, 9.61, 88), (48.40, 9.99, 89),
    (49.50, 10.80, 91), (49.50, 12.00, 92), (49.01, 12.10, 93), (48.57, 13.43, 94),
    (50.00, 11.60, 95), (49.90, 10.90, 96), (49.79, 9.95, 97), (50.60, 10.70, 98),
    (50.98, 11.03, 99),
)  # fmt: skip
# Austria, Switzerland, Belgium, the Netherlands, Denmark: the first digit.
_AT = ((48.20, 16.37, 1), (48.10, 16.10, 2), (48.30, 15.60, 3), (48.20, 14.00, 4),
       (47.80, 13.05, 5), (47.26, 11.39, 6), (47.50, 16.50, 7), (47.07, 15.44, 8),
       (46.62, 14.31, 9))  # fmt: skip
_CH = ((46.50, 6.60, 1), (47.10, 7.00, 2), (46.95, 7.45, 3), (47.55, 7.60, 4),
       (47.40, 8.05, 5), (46.40, 8.90, 6), (46.80, 9.60, 7), (47.40, 8.55, 8),
       (47.42, 9.37, 9))  # fmt: skip
_BE = ((50.85, 4.35, 1), (51.20, 4.45, 2), (50.90, 5.30, 3), (50.63, 5.57, 4),
       (50.45, 4.85, 5), (49.90, 5.30, 6), (50.45, 3.95, 7), (51.05, 3.10, 8),
       (51.05, 3.75, 9))  # fmt: skip
_NL = ((52.40, 4.90, 1), (52.10, 4.40, 2), (51.95, 5.00, 3), (51.50, 3.80, 4),
       (51.55, 5.20, 5), (51.50, 5.90, 6), (52.30, 6.50, 7), (53.00, 5.80, 8),
       (53.20, 6.60, 9))  # fmt: skip
_DK = ((55.68, 12.57, 2), (55.95, 12.30, 3), (55.40, 11.70, 4), (55.40, 10.40, 5),
       (55.30, 9.20, 6), (56.00, 9.20, 7), (56.20, 10.20, 8), (57.05, 9.92, 9))  # fmt: skip
# France: two-digit départements around their prefectures.
_FR = (
    (48.85, 2.35, 75), (48.83, 2.24, 92), (48.91, 2.45, 93), (48.79, 2.46, 94),
    (48.80, 2.13, 78), (48.63, 2.45, 91), (49.03, 2.08, 95), (48.54, 2.66, 77),
    (45.76, 4.84, 69), (43.30, 5.38, 13), (43.60, 1.44, 31), (43.70, 7.27, 6),
    (47.22, -1.55, 44), (48.57, 7.75, 67), (43.61, 3.88, 34), (44.84, -0.58, 33),
    (50.63, 3.06, 59), (48.11, -1.68, 35), (49.26, 4.03, 51), (49.44, 1.10, 76),
    (45.44, 4.39, 42), (43.12, 5.93, 83), (45.19, 5.72, 38), (47.32, 5.04, 21),
    (47.47, -0.55, 49), (47.39, 0.69, 37), (45.78, 3.08, 63), (49.12, 6.18, 57),
    (48.69, 6.18, 54), (47.24, 6.02, 25), (45.83, 1.26, 87), (48.39, -4.49, 29),
    (46.58, 0.34, 86), (43.30, -0.37, 64), (42.70, 2.90, 66), (47.90, 1.91, 45),
    (49.18, -0.37, 14), (49.89, 2.30, 80), (47.75, 7.34, 68), (50.29, 2.78, 62),
    (45.90, 6.13, 74), (43.84, 4.36, 30), (43.95, 4.81, 84), (46.16, -1.15, 17),
    (47.66, -2.76, 56), (41.93, 8.74, 20), (44.93, 4.89, 26), (46.32, -0.46, 79),
    (48.00, 0.20, 72), (47.08, 2.40, 18), (46.20, 5.23, 1), (44.56, 6.08, 5),
    (45.65, 0.16, 16), (48.30, 4.08, 10), (43.61, 1.44, 82), (44.35, 2.57, 12),
)  # fmt: skip
# Numbers inside a city's range that belong to other places.
GAPS = {
    (10115, 14199): ((11000, 12042), (12690, 13050), (13630, 14049)),
    (20095, 22769): ((21150, 22040),),
}

_REGIONS = {"DE": _DE, "AT": _AT, "CH": _CH, "BE": _BE, "NL": _NL, "DK": _DK, "FR": _FR}


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(x, math.radians(lat2 - lat1))


def _without_gaps(first: int, last: int) -> list[tuple[int, int]]:
    out, start = [], first
    for gap_first, gap_last in GAPS.get((first, last), ()):
        out.append((start, gap_first - 1))
        start = gap_last + 1
    out.append((start, last))
    return out


def postcode_range(
    country: str, lat: float, lon: float, key: int
) -> list[tuple[int, int]] | None:
    """The ranges a place's postcodes come from; ``key`` (a geonames id) picks a stable
    window inside a region. None for countries without a table (their own style)."""
    for clat, clon, radius, first, last in CITY_RANGES.get(country, ()):
        if _km(lat, lon, clat, clon) <= radius:
            return _without_gaps(first, last)
    regions = _REGIONS.get(country)
    if not regions:
        return None
    _rlat, _rlon, prefix = min(regions, key=lambda r: _km(lat, lon, r[0], r[1]))
    # Three digits follow the prefix everywhere (two-digit prefix of five-digit codes, or
    # one-digit prefix of four-digit codes). A town has a handful of postcodes: a stable
    # window of 20 inside its region.
    first = prefix * 1000 + random.Random(key).randint(1, 980)
    return [(first, first + 19)]
