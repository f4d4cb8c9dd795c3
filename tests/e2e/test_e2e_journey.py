"""The golden journey in a real browser: map -> station -> log in -> charge -> stop -> history."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def energy_kwh(label: str) -> float:
    m = re.search(r"([0-9]+[.,][0-9]+)\s*kWh", label)
    assert m, label
    return float(m.group(1).replace(",", "."))


def can_start_here(start, connecting, look_s: float = 10, connect_s: float = 120) -> bool:
    """Whether the open station offers Start: look for a while, and longer while the
    station says its charger is still connecting (the simulator starts after the UI)."""
    began = time.monotonic()
    while True:
        if start.count() and start.first.is_visible():
            return True
        waited = time.monotonic() - began
        if waited > connect_s or (waited > look_s and not connecting.count()):
            return False
        time.sleep(0.3)


def wait_energy_grows(ui, within_s: float) -> None:
    """The live view appears and its energy figure rises within ``within_s``."""
    expect(ui.test_id("live-energy")).to_be_attached(timeout=90_000)
    first = energy_kwh(ui.semantics_label("live-energy"))
    deadline = time.monotonic() + within_s
    later = first
    while time.monotonic() < deadline:
        later = energy_kwh(ui.semantics_label("live-energy"))
        if later > first:
            break
        time.sleep(0.5)
    assert later > first, f"energy did not grow: {first} -> {later}"


def test_golden_journey(app_server, ui_factory):
    ui = ui_factory(app_server.url)
    # The map shows stations near Berlin (list sorted by distance, markers on the map)
    items = ui.test_id("station-item")
    expect(items.first).to_be_visible(timeout=60_000)
    assert items.count() >= int(os.environ.get("VOLTRA_E2E_MIN_STATIONS", "3"))
    ui.shot("map-light-wide")

    # Open stations until one has a free connector that can start remotely
    start = ui.button("Start charging")
    connecting = ui.text("Connecting to the charger")
    station_name = None
    for i in range(min(items.count(), 12)):
        ui.click(ui.test_id("station-item").nth(i))
        heading = ui.page.get_by_role("heading").first
        expect(heading).to_be_visible(timeout=60_000)
        if can_start_here(start, connecting):
            station_name = heading.inner_text().strip()
            break
        ui.back()
    else:
        pytest.fail("no station near Berlin with a free connector")
    ui.shot("station-light-wide")
    # Not logged in yet: the Charging tab asks for the demo login
    ui.tap_until(start, ui.labelled(ui.t("account.email")))
    ui.login()
    confirm = ui.button("Confirm and start")
    ui.click(confirm)

    # Live view: energy grows
    wait_energy_grows(ui, within_s=60)
    ui.shot("charging-live-light-wide")

    ui.click(ui.button("Stop charging"))
    expect(ui.test_id("final-energy")).to_be_attached(timeout=60_000)
    ui.click(ui.button("View in history"))

    # The session is at the top of History
    top = ui.test_id("history-first")
    expect(top).to_be_attached(timeout=30_000)
    label = top.get_attribute("aria-label") or top.inner_text()
    assert station_name and label.startswith(station_name), (station_name, label)
    ui.shot("history-light-wide")

    # Export CSV: the browser receives a file listing this session first
    with ui.page.expect_download() as download:
        ui.click(ui.button("Export CSV"))
    rows = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("id,started_at,ended_at,station")
    assert station_name in rows[1], rows[1]

    # The session detail shows cost items and meter readings
    ui.click(top)
    expect(ui.button("Back")).to_be_visible()
    ui.wait_text_in(ui.page.locator("body"), "Meter at start")
    ui.wait_text_in(ui.page.locator("body"), "Total")
    ui.shot("session-light-wide")
