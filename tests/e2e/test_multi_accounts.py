"""Several charging service accounts at once in a real browser: the demo accounts sign in,
the station shows each account's price, a start goes to the cheapest account, and the
session is in the merged History with its account's badge."""

from __future__ import annotations

import re
import secrets
import time

import pytest
from playwright.sync_api import expect
from test_e2e_journey import can_start_here, wait_energy_grows
from ui_driver import UI

from app.i18n import Translator
from services.multi.demo import DEMO_LOGINS

pytestmark = pytest.mark.e2e

SIZES = {"wide": (1280, 800), "narrow": (390, 844)}
OFFERS = '[flt-semantics-identifier^="offer-"]'
ACCOUNTS = '[flt-semantics-identifier^="account-"]'
PRICE_RE = re.compile(r"(\d+[.,]\d{2})")


def implemented() -> list[str]:
    from services.registry import implemented_providers

    return implemented_providers()


def sign_in_demo_accounts(ui: UI) -> list[str]:
    """Account -> Charging services -> Use demo accounts; the labels of the accounts."""
    t = ui.t
    ui.tab("Account")
    ui.click(ui.test_id("charging-services"))
    ui.click(ui.button(t("services.use_demo")))
    rows = ui.page.locator(ACCOUNTS)
    expect(rows).to_have_count(len(implemented()), timeout=90_000)
    ready = t("services.state.ready")
    labels = [rows.nth(i).get_attribute("aria-label") or "" for i in range(rows.count())]
    assert all(label.endswith(ready) for label in labels), labels
    return labels


def shot_services(ui: UI, name: str) -> None:
    """Charging services at its full height: the pointer off the button it pressed (its
    tooltip) and the "Signed in" snack bar gone, which covered the last account."""
    ui.page.mouse.move(1, 1)
    snack = ui.text(ui.t("services.demo_signed_in", n=len(implemented())))
    expect(snack).to_have_count(0, timeout=30_000)
    ui.shot(name)


def wait_search_done(ui: UI) -> None:
    """Every account's search state is on the map, none still loading (the list is
    redrawn as each account answers: a tap meanwhile may hit a row on its way out)."""
    states = ui.page.locator('[flt-semantics-identifier^="search-"]')
    expect(states).to_have_count(len(implemented()), timeout=90_000)
    loading = ui.t("services.state.loading")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        labels = [states.nth(i).get_attribute("aria-label") or "" for i in range(states.count())]
        if labels and not any(label.endswith(loading) for label in labels):
            return
        time.sleep(0.3)
    raise AssertionError(f"accounts still loading: {labels}")


def open_item(ui: UI, i: int) -> bool:
    """Tap the i-th station of the list; whether its screen opened. Under load the app may
    take a while to take a tap, and a tap while the list is redrawn can be lost."""
    heading = ui.page.get_by_role("heading")
    for _ in range(2):
        ui.click(ui.test_id("station-item").nth(i))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if heading.count() and heading.first.is_visible():
                return True
            time.sleep(0.2)
    return False


def open_station_with_offers(ui: UI, startable: bool) -> str:
    """Open stations from the list until one shows several accounts' prices (and, when
    ``startable``, a Start button); its name."""
    wait_search_done(ui)
    items = ui.test_id("station-item")
    expect(items.first).to_be_visible(timeout=90_000)
    ui.settle()
    start = ui.button(ui.t("station.start"))
    connecting = ui.text(ui.t("station.charger_connecting"))
    for i in range(min(items.count(), 15)):
        if not open_item(ui, i):
            continue
        heading = ui.page.get_by_role("heading").first
        expect(heading).to_be_visible(timeout=60_000)
        offers = ui.page.locator(OFFERS)
        try:
            offers.first.wait_for(state="attached", timeout=15_000)
        except Exception:
            offers = None
        # read at once: the station screen redraws as statuses arrive
        idents = ui.page.eval_on_selector_all(
            OFFERS, "els => els.map(e => e.getAttribute('flt-semantics-identifier'))"
        ) if offers is not None else []
        accounts = {ident.split("-", 2)[-1] for ident in idents}
        if len(accounts) > 1 and (not startable or can_start_here(start, connecting)):
            return heading.inner_text().strip()
        ui.back()
    pytest.fail("no station near Berlin with several accounts' prices")


def price(label: str) -> float | None:
    """The typical session's price a card's option shows; None for an account with no
    price here (it is listed after those with one)."""
    found = PRICE_RE.findall(label)
    return float(found[-1].replace(",", ".")) if found else None


def test_demo_accounts_start_on_the_cheapest_and_show_in_history(app_server, ui_factory):
    ui = ui_factory(app_server.url)
    t = ui.t
    sign_in_demo_accounts(ui)
    shot_services(ui, "services-light-wide")
    ui.back()

    # The map: every account's search state, stations merged from all of them
    ui.tab("Map")
    station = open_station_with_offers(ui, startable=True)
    first_offer = ui.page.locator(OFFERS).first
    assert t("offer.heading", kwh="30", minutes=45)[:20] in ui.all_text(ui.page.locator("body"))
    ui.shot("station-offers-light-wide")
    assert PRICE_RE.search(ui.all_text(first_offer)), ui.all_text(first_offer)

    ui.click(ui.button(t("station.start")).first)

    # Start: the preselected card is the one of the cheapest account that can start here
    radios = ui.page.get_by_role("radio")
    expect(radios.first).to_be_visible(timeout=60_000)
    options = [(radios.nth(i).get_attribute("aria-label") or radios.nth(i).inner_text(),
                radios.nth(i).is_checked()) for i in range(radios.count())]
    priced = [(price(label), checked, label) for label, checked in options
              if price(label) is not None]
    chosen = [p for p in priced if p[1]]
    assert chosen, options
    assert chosen[0][0] == min(p[0] for p in priced), priced
    account_name = chosen[0][2].split(" · ")[-2]
    ui.shot("charging-cheapest-light-wide")

    ui.click(ui.button(t("charging.confirm")))
    wait_energy_grows(ui, within_s=60)
    ui.click(ui.button(t("charging.stop")))
    expect(ui.test_id("final-energy")).to_be_attached(timeout=60_000)
    ui.click(ui.button(t("charging.to_history")))

    # History: the session on top, with its account's badge; statistics per account
    top = ui.test_id("history-first")
    expect(top).to_be_attached(timeout=30_000)
    label = ui.wait_text_in(top, account_name, timeout_s=30)
    assert station in label and account_name in label, (station, account_name, label)
    expect(ui.page.locator('[flt-semantics-identifier^="stats-"]').first).to_be_attached(
        timeout=30_000
    )
    ui.shot("history-accounts-light-wide")


@pytest.mark.parametrize(
    ("theme", "size", "language"),
    # with the journey's light/wide shots: both themes, both sizes and German
    [("dark", "narrow", "en"), ("light", "narrow", "de")],
)
def test_accounts_screens(app_server, ui_factory, theme, size, language):
    width, height = SIZES[size]
    ui = ui_factory(app_server.url, width=width, height=height, dark=theme == "dark")
    suffix = f"{theme}-{size}" if language == "en" else f"{language}-{theme}-{size}"
    if size == "narrow":  # the bottom navigation bar is there before a tab is tapped
        expect(ui.page.get_by_role("tab").first).to_be_visible(timeout=60_000)
    else:
        expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    if language != "en":
        ui.set_language(language)
    sign_in_demo_accounts(ui)
    shot_services(ui, f"services-{suffix}")
    ui.back()
    ui.tab("Map")
    if size == "narrow":
        wait_search_done(ui)
        ui.shot(f"map-accounts-{suffix}", full=False)
        ui.click(ui.button(ui.t("map.show_list")))
    open_station_with_offers(ui, startable=False)
    ui.shot(f"station-offers-{suffix}")
    ui.back()
    ui.tab("History")
    if size == "narrow":
        # on a phone the statistics per account fill the window: the sessions are below
        first = ui.test_id("history-first")
        deadline = time.monotonic() + 60
        while not first.count() and time.monotonic() < deadline:
            ui.page.mouse.move(width / 2, height / 2)
            ui.page.mouse.wheel(0, 600)
            time.sleep(0.5)
        expect(first).to_be_attached(timeout=60_000)
        ui.page.mouse.wheel(0, -20_000)  # back to the top: the filter and the statistics
        time.sleep(0.5)
    else:
        expect(ui.test_id("history-first")).to_be_attached(timeout=60_000)
    time.sleep(1)
    ui.shot(f"history-accounts-{suffix}")
    assert Translator(language)("backend.all") in ui.all_text(ui.page.locator("body"))


def test_a_card_is_added_to_the_account_picked(app_server, ui_factory):
    ui = ui_factory(app_server.url)
    t = ui.t
    expect(ui.test_id("station-item").first).to_be_visible(timeout=60_000)
    sign_in_demo_accounts(ui)
    ui.back()
    ui.tab("Cards")
    ui.click(ui.button(t("cards.add")))

    # the accounts whose back end adds cards, each saying what it takes
    ampeco = DEMO_LOGINS["ampeco"].name
    takes_uid = ui.page.get_by_role("radio", name=re.compile(
        re.escape(f"{ampeco} · {t('cards.account_takes_uid')}")))
    expect(takes_uid).to_be_visible(timeout=30_000)
    issues = ui.page.get_by_role("radio", name=re.compile(
        re.escape(f"{DEMO_LOGINS['beenergised'].name} · {t('cards.account_issues')}")))
    expect(issues).to_be_visible()
    expect(ui.page.get_by_role("radio", name=re.compile(
        re.escape(DEMO_LOGINS["gpjoule"].name)))).to_have_count(0)

    ui.click(takes_uid)
    expect(ui.labelled(t("cards.uid"))).to_be_visible()
    ui.shot("cards-add-accounts-light-wide", full=False)
    uid = secrets.token_hex(4).upper()
    ui.type_into(t("cards.uid"), uid)
    ui.type_into(t("cards.label"), "Spare")
    ui.click(ui.button(t("cards.add_confirm")))

    # the new card, with its account's badge, among that account's cards (the list builds
    # only the rows near the window)
    ui.click(ui.page.get_by_role("checkbox", name=ampeco, exact=True))
    card = ui.test_id(f"card-{uid}")
    expect(card).to_be_attached(timeout=30_000)
    ui.wait_text_in(card, ampeco, timeout_s=30)
