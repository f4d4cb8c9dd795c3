"""The golden journey with Plugsurfing OIOI selected: sign in with the OEM partner key and
the driver's e-mail and password, see the recent stations on the map, find a station near
Berlin, start, see energy, stop, see it in history; history pages on past the recent
sessions to the older ones the bills name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from signin_steps import sign_in_with_demo
from test_e2e_journey import can_start_here, wait_energy_grows

pytestmark = pytest.mark.e2e

SIZES = {"wide": (1280, 800), "narrow": (390, 844)}


def sign_in_to_oioi(ui) -> None:
    t = ui.t
    ui.tab("Account")
    # the button sits at the top of a list the settings may have scrolled: a tap that
    # lands while Flutter scrolls it back is dropped, so tap until the choice shows
    choice = ui.button(t("provider.plugsurfing"))
    ui.tap_until(ui.button(t("signin.service")), choice)
    ui.click(choice)
    # What this API needs: the OEM key (a password field), the driver's e-mail and password
    for label in ("signin.api_key", "account.email", "account.password"):
        expect(ui.labelled(t(label))).to_be_visible()
    assert ui.labelled(t("signin.api_key")).get_attribute("type") == "password"
    sign_in_with_demo(ui, "plugsurfing", "")
    # signed in: the profile and the bills of the OIOI account are on show
    ui.wait_text_in(ui.page.locator("body"), "driver@example.com", timeout_s=30)


def test_oioi_golden_journey(app_server, ui_factory):
    ui = ui_factory(app_server.url)
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    # The web app keeps its language in the server's settings: a test before may have left
    # German behind
    ui.set_language("en")
    sign_in_to_oioi(ui)
    ui.shot("account-oioi-light-wide")

    ui.tab("Map")
    # The stations this driver used last, above the search results
    recent = ui.test_id("recent-station")
    expect(recent.first).to_be_visible(timeout=60_000)
    assert "Recent" in ui.all_text(recent), ui.all_text(recent)
    items = ui.test_id("station-item")
    expect(items.first).to_be_visible(timeout=90_000)
    ui.shot("map-recent-oioi-light-wide")

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
        pytest.fail("no OIOI station near Berlin with a free connector")
    confirm = ui.button("Confirm and start")
    ui.tap_until(start, confirm)
    ui.click(confirm)

    wait_energy_grows(ui, within_s=90)
    ui.shot("charging-oioi-light-wide")

    ui.click(ui.button("Stop charging"))
    expect(ui.test_id("final-energy")).to_be_attached(timeout=90_000)
    ui.tab("History")
    top = ui.test_id("history-first")
    expect(top).to_be_attached(timeout=30_000)
    label = top.get_attribute("aria-label") or top.inner_text()
    assert station_name and label.startswith(station_name), (station_name, label)
    ui.shot("history-oioi-light-wide")


@pytest.mark.parametrize(
    ("theme", "size", "language"),
    # with the journey's light/wide shots: both themes, both sizes and German
    [("dark", "narrow", "en"), ("light", "narrow", "de")],
)
def test_oioi_recent_stations_and_history_past_the_recent_sessions(
    app_server, ui_factory, theme, size, language
):
    width, height = SIZES[size]
    ui = ui_factory(app_server.url, width=width, height=height, dark=theme == "dark")
    suffix = f"{theme}-{size}" if language == "en" else f"{language}-{theme}-{size}"
    # The navigation is there once the first screen is (tabs narrow, rail buttons wide)
    nav = ui.page.get_by_role("tab").or_(ui.page.get_by_role("button", name=re.compile(r"Tab \d")))
    expect(nav.first).to_be_visible(timeout=60_000)
    ui.set_language(language)
    t = ui.t
    sign_in_to_oioi(ui)

    ui.tab("Map")
    if size == "narrow":
        ui.click(ui.button(t("map.show_list")))
    expect(ui.test_id("recent-station").first).to_be_visible(timeout=60_000)
    ui.wait_text_in(ui.page.locator("body"), t("map.recent"))
    ui.shot(f"map-recent-oioi-{suffix}")

    ui.tab("History")
    expect(ui.test_id("history-first")).to_be_attached(timeout=30_000)
    # The demo driver has more sessions than OIOI's recent list: the rest come from bills
    more = ui.button(t("history.more"))
    body = ui.page.locator("body")
    for _ in range(6):
        # Flutter keeps only what is near the screen in the page: scroll to the end first
        ui.page.mouse.move(width / 2, height / 2)
        for _ in range(8):
            ui.page.mouse.wheel(0, 4000)
        ui.settle()
        if t("history.undated") in ui.all_text(body):
            break
        if more.count():
            ui.click(more.first)
            ui.settle()
    ui.wait_text_in(ui.page.locator("body"), t("history.undated"), timeout_s=30)
    ui.wait_text_in(ui.page.locator("body"), t("history.billed"))
    ui.shot(f"history-billed-oioi-{suffix}")
