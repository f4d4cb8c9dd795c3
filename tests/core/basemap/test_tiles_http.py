"""The offline basemap served by the real core over HTTP: land where land is, sea where sea
is, a dark style that is dark, each tile rendered once, and clear errors for bad paths."""

from __future__ import annotations

import asyncio
import io
import math

import httpx
from PIL import Image

from services.core.basemap import data, render
from services.core.basemap.tiles import TileCache


def _tile_of(lat: float, lon: float, z: int) -> tuple[int, int, float, float]:
    """Tile x, y and the pixel inside it."""
    n = 2**z
    fx = (lon + 180) / 360 * n
    r = math.radians(lat)
    fy = (1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n
    return int(fx), int(fy), (fx % 1) * 256, (fy % 1) * 256


def _pixel(png: bytes, px: float, py: float) -> tuple[int, int, int]:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (256, 256)
    return img.getpixel((int(px), int(py)))


def _close(rgb: tuple[int, int, int], hex_colour: str) -> bool:
    want = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(abs(a - b) for a, b in zip(rgb, want, strict=True)) < 30


async def test_tiles_show_land_and_sea_in_both_styles(core_url):
    # Kassel (inland, no town label drawn on it at zoom 7) and the open North Sea
    land_x, land_y, lpx, lpy = _tile_of(51.0, 9.0, 7)
    sea_x, sea_y, spx, spy = _tile_of(55.5, 4.0, 7)
    async with httpx.AsyncClient(base_url=core_url, timeout=60) as client:
        for style in ("light", "dark"):
            r = await client.get(f"/tiles/{style}/7/{land_x}/{land_y}.png")
            assert r.status_code == 200 and r.headers["content-type"] == "image/png"
            assert "max-age" in r.headers["cache-control"]
            assert r.headers["access-control-allow-origin"] == "*"
            assert _close(_pixel(r.content, lpx, lpy), render.STYLES[style].land)
            r = await client.get(f"/tiles/{style}/7/{sea_x}/{sea_y}.png")
            assert _close(_pixel(r.content, spx, spy), render.STYLES[style].sea)
        light = await client.get(f"/tiles/light/7/{land_x}/{land_y}.png")
        dark = await client.get(f"/tiles/dark/7/{land_x}/{land_y}.png")
        assert sum(_pixel(dark.content, lpx, lpy)) < sum(_pixel(light.content, lpx, lpy)) / 2


async def test_bad_tile_paths_name_the_part_and_reason(core_url):
    async with httpx.AsyncClient(base_url=core_url, timeout=60) as client:
        for path, words in (
            ("/tiles/sepia/3/1/1.png", "style"),
            ("/tiles/light/3/9/1.png", "x: must be between 0 and 7"),
            ("/tiles/light/3/1/-1.png", "y: must be between 0 and 7"),
            ("/tiles/light/30/1/1.png", "z: must be between 0 and 19"),
            ("/tiles/light/a/1/1.png", "z: must be a whole number"),
        ):
            r = await client.get(path)
            assert r.status_code == 400, path
            assert words in r.json()["error"], (path, r.json())


async def test_each_tile_is_rendered_once_and_memory_is_bounded():
    cache = TileCache(data.data_file(), max_bytes=60_000)
    first, again = await asyncio.gather(
        cache.tile("light", 6, 34, 20), cache.tile("light", 6, 34, 20)
    )
    assert first == again and cache.rendered == 1
    assert await cache.tile("light", 6, 34, 20) == first and cache.rendered == 1
    for x in range(30, 34):
        await cache.tile("light", 6, x, 21)
    assert cache._bytes <= 60_000 and len(cache._tiles) < 5
    await cache.tile("light", 6, 34, 20)
    assert cache.rendered == 6, "an evicted tile is drawn again when asked for"
