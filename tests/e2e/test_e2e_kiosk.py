"""Kiosk mode in a real browser: no demo credentials on show, "Still there?" before the
idle reset, which logs out and returns to the map; a kiosk bound to a site starts with a
tapped card."""

from __future__ import annotations

import re

import pytest
from conftest import KIOSK_IDLE_S
from core_calls import demo_card_uid
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_kiosk_idle_reset(kiosk_server, ui_factory):
    ui = ui_factory(kiosk_server.url, width=1280, height=800)
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    ui.tab("Account")
    # Anyone passing a kiosk could read a demo login: it is never shown there
    expect(ui.button("Log in")).to_be_visible()
    expect(ui.test_id("demo-hint")).to_have_count(0)
    assert "driver-demo" not in ui.all_text(ui.page.locator("body"))
    ui.login()
    ui.tab("Cards")
    expect(ui.button("Add card")).to_be_visible()
    ui.shot("kiosk-cards")
    # Wait without touching anything: first the warning, then the reset
    expect(ui.test_id("still-there")).to_be_attached(timeout=KIOSK_IDLE_S * 1000 * 3)
    ui.shot("kiosk-still-there-light-wide", full=False)
    expect(ui.test_id("station-item").first).to_be_visible(timeout=KIOSK_IDLE_S * 1000 * 3)
    expect(ui.button("Add card")).to_have_count(0)
    ui.tab("Account")
    expect(ui.button("Log in")).to_be_visible()


def test_kiosk_site_tap_your_card(app_server, kiosk_site_server, ui_factory):
    uid = demo_card_uid(app_server.core_url)
    ui = ui_factory(kiosk_site_server.url, width=1280, height=800)
    tiles = ui.test_id("kiosk-connector")
    expect(tiles.first).to_be_attached(timeout=60_000)
    # The site's connectors are where the map would be: the tab says what the screen is
    def rail(name: str):
        return ui.page.get_by_role("button", name=re.compile(rf"^{name}\s+Tab 1 "))

    expect(rail("Charging here")).to_be_visible()
    expect(rail("Map")).to_have_count(0)
    expect(ui.test_id("demo-hint")).to_have_count(0)
    # Really large touch targets: a connector is a tile, not a list row
    box = tiles.first.bounding_box()
    assert box and box["width"] >= 200 and box["height"] >= 140, box
    ui.shot("kiosk-site-light-wide", full=False)
    ui.login()
    free = ui.page.get_by_role("button", name=re.compile(r"^Connector \d+: .*Available"))
    ui.click(free.first)
    expect(ui.test_id("tap-card")).to_be_attached()
    ui.shot("kiosk-tap-card-light-wide", full=False)
    # A keyboard-wedge reader "types" the UID fast into the focused card field, then Enter
    ui.page.keyboard.type(uid, delay=5)
    ui.page.keyboard.press("Enter")
    # The Charging tab takes over: the start's steps, then the live view
    expect(
        ui.text("Request sent").or_(ui.test_id("live-energy")).or_(ui.button("Stop charging")).first
    ).to_be_attached(timeout=60_000)
    expect(ui.test_id("tap-card")).to_have_count(0)
    # the start came from the card reader (a background task): the address bar follows
    expect(ui.page).to_have_url(re.compile(r"/charging$"))
    ui.shot("kiosk-started-light-wide", full=False)
