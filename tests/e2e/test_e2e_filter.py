"""A map filter in a real browser: only stations with the chosen plug type stay listed."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_plug_type_filter(app_server, ui_factory):
    ui = ui_factory(app_server.url)
    items = ui.test_id("station-item")
    expect(items.first).to_be_visible(timeout=60_000)
    ui.click(ui.button("Filters"))
    ui.click(ui.page.get_by_role("checkbox", name="CCS").or_(ui.labelled("CCS")).first)
    ui.shot("filters-light-wide")
    ui.click(ui.button("Apply filters"))
    expect(ui.button("Apply filters")).to_have_count(0)
    # The list is redrawn when the filtered search returns: wait for it, then check all
    deadline = time.monotonic() + 30
    texts: list[str] = []
    while time.monotonic() < deadline:
        texts = [items.nth(i).inner_text() for i in range(items.count())]
        if texts and all("CCS" in t for t in texts):
            break
        time.sleep(0.3)
    assert texts, "no station left after filtering"
    assert all("CCS" in t for t in texts), texts
