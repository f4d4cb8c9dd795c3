"""Every screen in light and dark, narrow and wide: checks the responsive navigation and
saves the screenshots the README shows (assets/screenshots/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SIZES = {"wide": (1280, 800), "narrow": (390, 844)}


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", ["wide", "narrow"])
def test_screens(app_server, ui_factory, theme, size):
    width, height = SIZES[size]
    ui = ui_factory(app_server.url, width=width, height=height, dark=theme == "dark")
    suffix = f"{theme}-{size}"
    page = ui.page

    # Narrow: a bottom navigation bar (tabs); wide: a navigation rail (buttons)
    tabs = page.get_by_role("tab")
    if size == "narrow":
        expect(tabs).to_have_count(5)
        expect(page.get_by_role("tab", name="Map")).to_have_attribute("aria-selected", "true")
        expect(ui.button("Show list")).to_be_visible(timeout=60_000)
        ui.shot(f"map-{suffix}")
        ui.click(ui.button("Show list"))
    else:
        expect(tabs).to_have_count(0)
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    if size == "wide":
        ui.shot(f"map-{suffix}")

    ui.click(ui.test_id("station-item").first)
    expect(ui.page.get_by_role("heading").first).to_be_visible()
    expect(ui.button("Back")).to_be_visible()
    ui.shot(f"station-{suffix}")
    ui.back()

    ui.tab("Account")
    expect(ui.button("Log in")).to_be_visible()
    ui.shot(f"login-{suffix}")
    ui.login()
    expect(ui.button("Save profile")).to_be_visible()
    ui.shot(f"account-{suffix}")

    ui.tab("Charging")
    expect(
        ui.button("Find a charger")
        .or_(ui.button("Stop charging"))
        .or_(ui.test_id("final-energy"))
        .first
    ).to_be_visible()
    ui.shot(f"charging-{suffix}")

    ui.tab("Cards")
    expect(ui.button("Add card")).to_be_visible()
    ui.shot(f"cards-{suffix}")

    ui.tab("History")
    expect(ui.button("Export CSV")).to_be_visible()
    expect(ui.test_id("history-first")).to_be_attached(timeout=30_000)
    ui.shot(f"history-{suffix}")
