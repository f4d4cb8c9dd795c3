"""Place search in a real browser: the map goes where the list goes."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

MARKER = re.compile(r"(: show preview|stations: zoom in)$")


def visible_markers(ui) -> list[str]:
    # One snapshot: markers are redrawn while the map moves, so counting and then reading
    # them one by one races with the redraw
    buttons = ui.page.get_by_role("button", name=MARKER)
    return buttons.evaluate_all("els => els.map(e => e.innerText)")


def test_searching_a_place_moves_the_map_there(app_server, ui_factory):
    ui = ui_factory(app_server.url)
    items = ui.test_id("station-item")
    expect(items.first).to_be_visible(timeout=60_000)
    assert "Berlin" in items.first.inner_text()
    assert visible_markers(ui)  # Berlin's stations around the start position

    ui.type_into("Search place", "Hamburg")
    ui.page.keyboard.press("Enter")
    deadline = time.monotonic() + 60
    markers: list[str] = []
    while time.monotonic() < deadline:
        markers = visible_markers(ui)
        first = items.first.inner_text() if items.count() else ""
        if "Hamburg" in first and markers and not any("Berlin" in m for m in markers):
            break
        time.sleep(0.5)
    assert "Hamburg" in items.first.inner_text()
    # The map shows Hamburg's markers, not an empty Berlin
    assert markers, "no markers on the map after the search"
    assert not any("Berlin" in m for m in markers), markers
    ui.shot("map-hamburg-light-wide", full=False)
