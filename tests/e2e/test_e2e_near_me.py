""" "Near me" in a real browser: the browser's position (granted) re-centres the search."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
pytest.importorskip("flet_geolocator", reason="flet-geolocator is not installed")

MUNICH = {"latitude": 48.1372, "longitude": 11.5756}


def test_near_me_uses_the_browser_position(app_server, ui_factory):
    ui = ui_factory(app_server.url, geolocation=MUNICH, permissions=["geolocation"])
    items = ui.test_id("station-item")
    expect(items.first).to_be_visible(timeout=60_000)
    assert "Berlin" in items.first.inner_text()
    ui.click(ui.button("Near me"))
    deadline = time.monotonic() + 30
    first = ""
    while time.monotonic() < deadline:
        first = items.first.inner_text() if items.count() else ""
        if first and "Berlin" not in first:
            break
        time.sleep(0.3)
    assert first and "Berlin" not in first, first
    assert "München" in first or "Munich" in first, first
