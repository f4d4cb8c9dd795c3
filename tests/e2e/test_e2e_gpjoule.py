"""The golden journey with GP JOULE CONNECT selected: sign in with the partner API key and
the driver's e-mail, find a station near Berlin, start, see energy, stop, see it in history."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from signin_steps import sign_in_with_demo
from test_e2e_journey import can_start_here, wait_energy_grows

pytestmark = pytest.mark.e2e


def test_gpjoule_golden_journey(app_server, ui_factory):
    ui = ui_factory(app_server.url)
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    # The web app keeps its language in the server's settings: a test before may have left
    # German behind
    ui.set_language("en")
    ui.tab("Account")
    # the button sits at the top of a list the settings may have scrolled: a tap that
    # lands while Flutter scrolls it back is dropped, so tap until the choice shows
    choice = ui.button("GP JOULE CONNECT")
    ui.tap_until(ui.button(ui.t("signin.service")), choice)
    ui.click(choice)
    # What this API needs: the partner's API key (a password field) and the driver's e-mail
    expect(ui.labelled("API key")).to_be_visible()
    expect(ui.labelled("Password")).to_have_count(0)
    ui.click(ui.button("Use demo login"))
    key = ui.labelled("API key")
    ui.click(key)  # Flutter fills an input's DOM value once it has focus
    expect(key).to_have_value("gpjoule-demo-key")
    assert key.get_attribute("type") == "password"
    ui.shot("login-gpjoule-light-wide")
    sign_in_with_demo(ui, "gpjoule", "/gpjoule")
    expect(ui.button("Log out")).to_be_visible()
    ui.shot("account-gpjoule-light-wide")

    ui.tab("Map")
    items = ui.test_id("station-item")
    expect(items.first).to_be_visible(timeout=90_000)
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
        pytest.fail("no GP JOULE station near Berlin with a free connector")
    confirm = ui.button("Confirm and start")
    ui.tap_until(start, confirm)
    ui.click(confirm)

    wait_energy_grows(ui, within_s=90)
    ui.shot("charging-gpjoule-light-wide")

    ui.click(ui.button("Stop charging"))
    expect(ui.test_id("final-energy")).to_be_attached(timeout=90_000)
    # The finished view is redrawn while the final cost is read: History by its tab
    ui.tab("History")
    top = ui.test_id("history-first")
    expect(top).to_be_attached(timeout=30_000)
    label = top.get_attribute("aria-label") or top.inner_text()
    assert station_name and label.startswith(station_name), (station_name, label)
    ui.shot("history-gpjoule-light-wide")
