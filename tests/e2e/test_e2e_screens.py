"""Every screen in light and dark, narrow and wide (and German): checks the responsive
navigation and what each screen must show, and saves full-height screenshots (the README's
when VOLTRA_REFRESH_SCREENSHOTS=1)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SIZES = {"wide": (1280, 800), "narrow": (390, 844)}
# A settings screen is a few hundred pixels taller than the window, not thousands
MAX_OVERFLOW_PX = 1200


@pytest.mark.parametrize(
    ("theme", "size", "language"),
    [
        ("light", "wide", "en"),
        ("dark", "wide", "en"),
        ("light", "narrow", "en"),
        ("dark", "narrow", "en"),
        ("light", "narrow", "de"),
    ],
)
def test_screens(app_server, ui_factory, theme, size, language):
    width, height = SIZES[size]
    ui = ui_factory(app_server.url, width=width, height=height, dark=theme == "dark")
    suffix = f"{theme}-{size}" if language == "en" else f"{language}-{theme}-{size}"
    page = ui.page

    # Narrow: a bottom navigation bar (tabs); wide: a navigation rail (buttons)
    tabs = page.get_by_role("tab")
    if size == "narrow":
        expect(tabs).to_have_count(5)
        expect(page.get_by_role("tab", name="Map")).to_have_attribute("aria-selected", "true")
        expect(ui.button("Show list")).to_be_visible(timeout=60_000)
    else:
        expect(tabs).to_have_count(0)
        expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    if language != "en":
        ui.set_language(language)
        ui.tab("Map")
    t = ui.t
    ui.shot(f"map-{suffix}", full=False)  # the list beside the map scrolls; the map does not
    if size == "narrow":
        ui.click(ui.button(t("map.show_list")))
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)

    ui.click(ui.test_id("station-item").first)
    expect(ui.page.get_by_role("heading").first).to_be_visible(timeout=60_000)
    expect(ui.button("Back")).to_be_visible()
    expect(ui.button(t("station.share"))).to_be_visible()
    ui.shot(f"station-{suffix}")
    ui.back()

    ui.tab("Account")
    expect(ui.button(t("account.login"))).to_be_visible()
    # The charging-service settings under the login: the URL field is there, and the
    # screen is not thousands of pixels taller than the window
    assert ui.overflow_px() < MAX_OVERFLOW_PX
    with ui.full_height():
        expect(ui.labelled(t("settings.url"))).to_be_visible()
        ui.shot(f"login-{suffix}", full=False)
    ui.login()
    expect(ui.button(t("account.save_profile"))).to_be_visible()
    ui.shot(f"account-{suffix}")

    ui.tab("Charging")
    expect(
        ui.button(t("charging.find"))
        .or_(ui.button(t("charging.stop")))
        .or_(ui.test_id("final-energy"))
        .first
    ).to_be_visible()
    ui.shot(f"charging-{suffix}")

    ui.tab("Cards")
    expect(ui.button(t("cards.add"))).to_be_visible()
    ui.shot(f"cards-{suffix}")

    ui.tab("History")
    expect(ui.button(t("history.export_csv"))).to_be_visible()
    expect(ui.test_id("history-first")).to_be_attached(timeout=30_000)
    ui.shot(f"history-{suffix}")
