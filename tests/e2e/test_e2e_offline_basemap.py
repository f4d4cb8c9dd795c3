"""Without online tiles the map still shows land, water and towns: the core's offline
basemap behind an unreachable tile server, in the dark style when the system is dark."""

from __future__ import annotations

import contextlib
import io
import os
import time

import pytest
from conftest import AppProcess, free_port
from PIL import Image
from playwright.sync_api import expect

from services.core.basemap.render import STYLES

pytestmark = pytest.mark.e2e

# Nothing listens on the discard port: every online tile fails at once.
UNREACHABLE = "http://127.0.0.1:9/{z}/{x}/{y}.png"


@contextlib.contextmanager
def _env(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def offline_app(app_server):
    if not app_server.core_url:
        pytest.skip("no core URL to serve the basemap")
    with _env(VOLTRA_TILE_URL=UNREACHABLE):
        app = AppProcess(
            ["--port", str(free_port()), "--provider", "beenergised", "--url",
             app_server.core_url]
        )  # fmt: skip
    yield app
    app.close()


def _share_of(png: bytes, colour: str, box: tuple[int, int, int, int]) -> float:
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    img = Image.open(io.BytesIO(png)).convert("RGB").crop(box).resize((160, 160))
    raw = img.tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    close = sum(1 for p in pixels if sum(abs(a - b) for a, b in zip(p, want, strict=True)) < 24)
    return close / len(pixels)


def test_map_falls_back_to_the_dark_offline_basemap(offline_app, ui_factory):
    ui = ui_factory(offline_app.url, dark=True)
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    land = STYLES["dark"].land
    map_area = (100, 80, 880, 740)  # left of the list, below the search bar
    share = 0.0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        share = _share_of(ui.page.screenshot(), land, map_area)
        if share > 0.4:
            break
        time.sleep(1)
    # Berlin at the start zoom is land almost everywhere: mostly the basemap's land colour
    assert share > 0.4, f"{share:.0%} of the map area has the offline basemap's land colour"
    ui.shot("map-offline-dark-wide", full=False)
