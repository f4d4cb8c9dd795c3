"""Settings in a real browser: switching to German relabels the navigation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_switch_language_and_theme(app_server, ui_factory):
    ui = ui_factory(app_server.url)
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    ui.tab("Account")
    ui.tap_until(ui.button("Deutsch Deutsch").or_(ui.button("Deutsch")),
                 ui.page.get_by_role("button", name="Karte Tab 1 of 5"))
    expect(ui.button("Anmelden")).to_be_visible()
    ui.click(ui.button("Dunkel Dunkel").or_(ui.button("Dunkel")).first)
    ui.shot("account-de-dark-wide")
    ui.click(ui.button("English English").or_(ui.button("English")).first)
    expect(ui.page.get_by_role("button", name="Map Tab 1 of 5")).to_be_visible()
