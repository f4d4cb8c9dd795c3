"""AMPECO in the browser: sign in with the operator token and the driver's e-mail, reserve a
free connector from the station screen (its countdown on show), then charge on the reserved
connector; in dark and narrow and in German the reservation is shown and cancelled."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect
from signin_steps import sign_in_with_demo
from test_e2e_journey import can_start_here, wait_energy_grows

pytestmark = pytest.mark.e2e

SIZES = {"wide": (1280, 800), "narrow": (390, 844)}


def open_station_to_reserve(ui, size: str) -> str:
    """Open stations near Berlin until one offers Reserve; its name."""
    t = ui.t
    ui.tab("Map")
    if size == "narrow":
        ui.click(ui.button(t("map.show_list")))
    items = ui.test_id("station-item")
    expect(items.first).to_be_visible(timeout=90_000)
    reserve = ui.button(t("reserve.button"))
    connecting = ui.text(t("station.charger_connecting"))
    for i in range(min(items.count(), 12)):
        ui.click(ui.test_id("station-item").nth(i))
        heading = ui.page.get_by_role("heading").first
        expect(heading).to_be_visible(timeout=60_000)
        if can_start_here(reserve, connecting):
            return heading.inner_text().strip()
        ui.back()
        if size == "narrow" and not items.count():
            ui.click(ui.button(t("map.show_list")))
    pytest.fail("no AMPECO station near Berlin with a connector to reserve")


def reserve_first_free(ui) -> str:
    """Reserve the first free connector; the countdown's text."""
    t = ui.t
    confirm = ui.button(t("reserve.confirm"))
    ui.tap_until(ui.button(t("reserve.button")), confirm)
    expect(ui.text(t("reserve.operator_minutes"))).to_be_visible()
    # the dialog animates in too: a tap on Reserve that lands meanwhile is dropped
    ui.tap_until(confirm, ui.test_id("reservation-countdown"), each_s=30, attached=True)
    label = ui.semantics_label("reservation-countdown")
    assert re.search(r"\d+:\d\d", label), label
    return label


@pytest.mark.parametrize(
    ("theme", "size", "language"),
    [("light", "wide", "en"), ("dark", "narrow", "en"), ("light", "narrow", "de")],
)
def test_ampeco_reserve_then_charge_on_the_reserved_connector(
    app_server, ui_factory, theme, size, language
):
    width, height = SIZES[size]
    ui = ui_factory(app_server.url, width=width, height=height, dark=theme == "dark")
    suffix = f"{theme}-{size}" if language == "en" else f"{language}-{theme}-{size}"
    expect(
        ui.test_id("station-item").or_(ui.button(ui.t("map.show_list"))).first
    ).to_be_visible(timeout=60_000)
    # The web app keeps its language in the server's settings: set it every time
    ui.set_language(language)
    t = ui.t
    # The operator's token (a secret) and the driver's e-mail; no password
    ui.tab("Account")
    # the button sits at the top of a list the settings may have scrolled: a tap that
    # lands while Flutter scrolls it back is dropped, so tap until the choice shows
    choice = ui.button(t("provider.ampeco"))
    ui.tap_until(ui.button(t("signin.service")), choice)
    ui.click(choice)
    expect(ui.labelled(t("signin.operator_token"))).to_be_visible()
    expect(ui.labelled(t("account.password"))).to_have_count(0)
    sign_in_with_demo(ui, "ampeco", "")

    open_station_to_reserve(ui, size)
    countdown = reserve_first_free(ui)
    # the countdown runs
    deadline = time.monotonic() + 30
    while ui.semantics_label("reservation-countdown") == countdown:
        assert time.monotonic() < deadline, f"the countdown stays at {countdown}"
        time.sleep(0.5)
    ui.shot(f"station-reserved-{suffix}")

    if (theme, size, language) != ("light", "wide", "en"):
        ui.click(ui.button(t("reserve.cancel")))
        expect(ui.test_id("reservation-countdown")).to_have_count(0, timeout=60_000)
        expect(ui.button(t("reserve.button")).first).to_be_visible(timeout=60_000)
        return

    # Start on the reserved connector: its Start is the one the reservation holds
    start = ui.test_id("reserved-start")
    expect(start).to_be_attached()
    ui.click(start.get_by_role("button").or_(start).first)
    ui.click(ui.button(t("charging.confirm")))
    wait_energy_grows(ui, within_s=90)
    ui.shot(f"charging-ampeco-{suffix}")
    ui.click(ui.button(t("charging.stop")))
    expect(ui.test_id("final-energy")).to_be_attached(timeout=90_000)
