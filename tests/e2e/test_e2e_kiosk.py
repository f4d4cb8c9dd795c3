"""Kiosk mode in a real browser: after the idle timeout it logs out and returns to the map."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_kiosk_idle_reset(kiosk_server, ui_factory):
    ui = ui_factory(kiosk_server.url, width=1280, height=800)
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    ui.tab("Account")
    # Anyone passing a kiosk could read a demo login: it is never shown there
    expect(ui.button("Log in")).to_be_visible()
    expect(ui.test_id("demo-hint")).to_have_count(0)
    ui.login()
    ui.tab("Cards")
    expect(ui.button("Add card")).to_be_visible()
    ui.shot("kiosk-cards")
    # The kiosk runs with --idle-timeout 4: wait without touching anything
    expect(ui.test_id("station-item").first).to_be_visible(timeout=20_000)
    expect(ui.button("Add card")).to_have_count(0)
    ui.tab("Account")
    expect(ui.button("Log in")).to_be_visible()
