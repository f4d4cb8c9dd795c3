"""What drivers expect from a charging app, in a real browser: the marker preview with
price and power, zoom buttons, filters with the vehicle profile, the EVSE ID entry (typed or
a photo of the charger's QR code), the free-connector alert and pay as you go for a driver
without a card."""

from __future__ import annotations

import io
import re
import time
import uuid

import pytest
import segno
from core_calls import fault, free_evse, register_driver, simulated_free_station, wait_status
from playwright.sync_api import expect

from services.models import ConnectorStatus

pytestmark = pytest.mark.e2e

SIZES = {"wide": (1280, 800), "narrow": (390, 844)}
PREVIEW = re.compile(r": (show preview|Vorschau zeigen)$")


@pytest.mark.parametrize(
    ("theme", "size", "language"),
    [("light", "wide", "en"), ("dark", "narrow", "en"), ("light", "narrow", "de")],
)
def test_marker_preview_zoom_and_filters(app_server, ui_factory, theme, size, language):
    width, height = SIZES[size]
    ui = ui_factory(app_server.url, width=width, height=height, dark=theme == "dark")
    suffix = f"{theme}-{size}" if language == "en" else f"{language}-{theme}-{size}"
    markers = ui.page.get_by_role("button", name=PREVIEW)
    expect(markers.first).to_be_attached(timeout=60_000)
    if language != "en":
        ui.set_language(language)
        ui.tab("Map")
    t = ui.t
    # Markers and list rows carry power in kW and a price
    marker = markers.first.get_attribute("aria-label") or markers.first.inner_text()
    assert "kW" in marker and "€" in marker, marker
    expect(ui.button(t("map.zoom_in"))).to_be_visible()
    ui.tap_covered(ui.button(t("map.zoom_out")))
    ui.tap_covered(ui.button(t("map.zoom_in")))

    # The zoom moves the map and redraws its markers: a tap during that can miss
    preview = ui.test_id("station-preview")
    for _ in range(5):
        ui.settle()
        ui.tap_covered(ui.page.get_by_role("button", name=PREVIEW).first)
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and not preview.count():
            time.sleep(0.2)
        if preview.count():
            break
    expect(preview).to_be_attached()
    text = ui.all_text(preview)
    assert "kW" in text and "€" in text, text
    ui.shot(f"map-preview-{suffix}", full=False)
    ui.click(ui.button(t("common.close")).last)
    expect(preview).to_have_count(0)

    ui.click(ui.button(t("map.filters")))
    expect(ui.button(t("filters.operator"))).to_be_attached()
    expect(ui.page.get_by_role("radio", name=t("sort.price"))).to_be_attached()
    # The vehicle profile is saved for every later session of this app: look, do not touch
    ui.wait_text_in(ui.page.get_by_role("alertdialog"), t("vehicle.title"))
    ui.shot(f"filters-{suffix}")
    ui.click(ui.button(t("filters.apply")))


def open_evse_entry(ui) -> None:
    """The map redraws its search bar when a search ends: tap again if one swallowed it."""
    field = ui.labelled("EVSE ID")
    for _ in range(4):
        ui.click(ui.button("Start at the charger: enter its EVSE ID"))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not field.count():
            time.sleep(0.2)
        if field.count():
            return
    raise AssertionError("the EVSE ID entry did not open")


def test_evse_id_entry_goes_straight_to_the_connector(app_server, ui_factory):
    evse = free_evse(app_server.core_url)
    ui = ui_factory(app_server.url)
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    # the address bar names the screen on show from the start
    expect(ui.page).to_have_url(re.compile(r"/map$"))
    open_evse_entry(ui)
    ui.type_into("EVSE ID", "DE*NOPE*E0*1")
    ui.click(ui.button("Find connector"))
    ui.wait_text_in(ui.page.locator("body"), "No charger with the EVSE ID DE*NOPE*E0*1")
    open_evse_entry(ui)
    ui.type_into("EVSE ID", evse)  # the field capitalises as the driver types
    ui.shot("evse-entry-light-wide", full=False)
    ui.click(ui.button("Find connector"))
    # Straight to the charging tab for that connector (or its station, if it got busy
    # meanwhile): either names the connector by its EVSE ID
    expect(ui.labelled("EVSE ID")).to_have_count(0)
    ui.wait_text_in(ui.page.locator("body"), evse, timeout_s=30)
    # the lookup ran as a background task; where it went shows in the address bar too
    expect(ui.page).to_have_url(re.compile(r"/(charging|station/[^/]+)$"))
    ui.shot("evse-found-light-wide", full=False)


def test_scanning_the_chargers_qr_code_goes_straight_to_the_connector(app_server, ui_factory):
    """The photo the phone's picker would hand over: a link carrying the EVSE ID."""
    evse = free_evse(app_server.core_url)
    sticker = io.BytesIO()
    segno.make(f"https://voltra.example/evse/{evse}", error="m").save(sticker, kind="png", scale=8)
    ui = ui_factory(app_server.url)
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    open_evse_entry(ui)
    ui.shot("evse-scan-light-wide", full=False)
    with ui.page.expect_file_chooser(timeout=30_000) as chooser:
        ui.click(ui.button("Scan QR code"))
    chooser.value.set_files(
        files=[{"name": "not-a-photo.png", "mimeType": "image/png", "buffer": b"nothing"}]
    )
    ui.wait_text_in(ui.page.locator("body"), "not a photo this app can read", timeout_s=30)
    open_evse_entry(ui)
    with ui.page.expect_file_chooser(timeout=30_000) as chooser:
        ui.click(ui.button("Scan QR code"))
    chooser.value.set_files(
        files=[{"name": "charger.png", "mimeType": "image/png", "buffer": sticker.getvalue()}]
    )
    expect(ui.labelled("EVSE ID")).to_have_count(0, timeout=30_000)
    ui.wait_text_in(ui.page.locator("body"), evse, timeout_s=30)
    expect(ui.page).to_have_url(re.compile(r"/(charging|station/[^/]+)$"))


@pytest.mark.parametrize("kind", ["favourite", "occupied"])
def test_free_connector_alert_fires_when_a_connector_frees_up(app_server, ui_factory, kind):
    """A favourite (one connector out of order, the others free) or a station with no free
    connector: the driver turns the alert on, a connector turns available at the charger,
    and the app says so."""
    core, control = app_server.core_url, app_server.wait_control_url()
    assert control, "the app printed no fault-control URL for its simulator"
    station, evse = simulated_free_station(control, core)
    connector = 1 if kind == "favourite" else 0  # 0: every connector of the station
    fault(control, station, "faulted", connector)
    try:
        wait_status(core, station, 1, ConnectorStatus.OUT_OF_ORDER)
        ui = ui_factory(app_server.url, width=390, height=844)
        expect(ui.button("Show list")).to_be_visible(timeout=60_000)
        favourite = ui.test_id("favourite")
        if kind == "favourite":
            ui.tab("Account")
            ui.login()
        # The EVSE ID of a connector that is not free opens its station
        ui.tab("Map")
        open_evse_entry(ui)
        ui.type_into("EVSE ID", evse)
        ui.click(ui.button("Find connector"))
        expect(ui.page).to_have_url(re.compile(rf"/station/{re.escape(station)}$"))
        expect(ui.page.get_by_role("heading").first).to_be_visible(timeout=60_000)
        starred = None
        if kind == "favourite":
            # The demo driver may have starred it already: star it only if not
            ui.wait_text_in(ui.page.locator("body"), "Connectors", timeout_s=60)
            ui.settle()
            starred = favourite.get_attribute("aria-checked") == "true"
            if not starred:
                ui.click(favourite)
            expect(favourite).to_have_attribute("aria-checked", "true")
        alert = ui.button("Notify me when a connector is free")
        expect(alert).to_be_visible(timeout=60_000)
        ui.click(alert)
        expect(ui.button("Stop the free-connector alert")).to_be_visible()
        ui.wait_text_in(ui.page.locator("body"), "We will tell you when")
        ui.shot("station-alert-light-narrow" if kind == "favourite" else f"station-alert-{kind}")

        fault(control, station, "clear", connector)
        ui.wait_text_in(ui.page.locator("body"), "a connector is free now", timeout_s=60)
        ui.shot(f"station-alert-fired-{kind}-light-narrow", full=False)
        # the alert fired once and is off: offered again on a favourite, not on a station
        # that has a free connector now
        expect(ui.button("Stop the free-connector alert")).to_have_count(0)
        again = ui.button("Notify me when a connector is free")
        expect(again).to_have_count(1 if kind == "favourite" else 0)
        if starred is False:  # leave the demo driver's favourites as they were
            ui.click(favourite)
            expect(favourite).to_have_attribute("aria-checked", "false")
    finally:
        fault(control, station, "clear", connector)


def test_new_driver_without_card_pays_as_you_go(app_server, ui_factory):
    email = f"payg-{uuid.uuid4().hex[:8]}@example.com"

    register_driver(app_server.core_url, email, "Payg-pass-12")
    ui = ui_factory(app_server.url, width=390, height=844)
    expect(ui.button("Show list")).to_be_visible(timeout=60_000)
    ui.tab("Account")
    ui.login(email, "Payg-pass-12")
    expect(ui.button("Add a payment method")).to_be_visible()
    ui.tab("Map")
    ui.click(ui.button("Show list"))
    items = ui.test_id("station-item")
    expect(items.first).to_be_visible(timeout=60_000)
    start = ui.button("Start charging")
    for i in range(min(items.count(), 12)):
        ui.click(items.nth(i))
        expect(ui.page.get_by_role("heading").first).to_be_visible(timeout=60_000)
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and not start.count():
            time.sleep(0.2)
        if start.count():
            break
        ui.back()
    else:
        pytest.fail("no station near Berlin offers a start")
    pay = ui.button("Pay and start")
    ui.tap_until(start, pay)
    expect(ui.button("Confirm and start")).to_have_count(0)  # no dead button without a card
    ui.shot("pay-as-you-go-light-narrow")
    with ui.page.context.expect_page() as popup:
        ui.click(pay)
    page = popup.value
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Payment")).to_be_visible()
    ui.wait_text_in(ui.page.locator("body"), "Complete the payment")
    page.get_by_label("Card holder").fill("Pat Payg")
    page.get_by_label("Card number").fill("4242424242424242")
    page.get_by_label("Expiry month").fill("12")
    page.get_by_label("Expiry year").fill("2031")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Pay / save card").click()
    page.wait_for_load_state()
    # Paid: the charge starts and the Charging tab follows the running session
    expect(ui.test_id("live-energy")).to_be_attached(timeout=120_000)
    ui.shot("pay-as-you-go-live-light-narrow")
