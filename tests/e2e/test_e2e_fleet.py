"""Wirelane (an organisation's fleet API) in a real browser: sign in with the app's OAuth
client and the admin's login, see the members and a member's sessions, export them; the
Charging and Cards tabs say why this account cannot use them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from signin_steps import sign_in_with_demo

pytestmark = pytest.mark.e2e

SIZES = {"wide": (1280, 800), "narrow": (390, 844)}


@pytest.mark.parametrize(
    ("theme", "size", "language"),
    [("light", "wide", "en"), ("dark", "narrow", "en"), ("light", "narrow", "de")],
)
def test_fleet_sign_in_members_and_sessions(app_server, ui_factory, theme, size, language):
    width, height = SIZES[size]
    ui = ui_factory(app_server.url, width=width, height=height, dark=theme == "dark")
    suffix = f"{theme}-{size}" if language == "en" else f"{language}-{theme}-{size}"
    # The navigation is there once the first screen is (tabs narrow, rail buttons wide)
    nav = ui.page.get_by_role("tab").or_(ui.page.get_by_role("button", name=re.compile(r"Tab \d")))
    expect(nav.first).to_be_visible(timeout=60_000)
    if language != "en":
        ui.set_language(language)
    t = ui.t
    ui.tab("Account")
    # the button sits at the top of a list the settings may have scrolled: a tap that
    # lands while Flutter scrolls it back is dropped, so tap until the choice shows
    choice = ui.button(t("provider.wirelane"))
    ui.tap_until(ui.button(t("signin.service")), choice)
    ui.click(choice)
    for label in ("signin.client_id", "signin.client_secret", "account.email", "account.password"):
        expect(ui.labelled(t(label))).to_be_visible()
    assert ui.labelled(t("signin.client_secret")).get_attribute("type") == "password"
    ui.click(ui.button(t("account.use_demo")))
    ui.shot(f"login-wirelane-{suffix}")
    sign_in_with_demo(ui, "wirelane", "/wirelane")

    ui.tab("Fleet")
    members = ui.test_id("fleet-member")
    expect(members.first).to_be_attached(timeout=60_000)
    driver = ui.page.locator(
        '[flt-semantics-identifier="fleet-member"][aria-label*="driver@example.com"]'
    )
    expect(driver).to_have_count(1)
    facts = driver.get_attribute("aria-label") or ""
    assert t("fleet.status.active") in facts, facts
    assert any(
        t(k) in facts for k in ("fleet.payment_yes", "fleet.payment_no", "fleet.payment_unknown")
    ), facts
    ui.click(driver)
    sessions = ui.test_id("member-session")
    expect(sessions.first).to_be_attached(timeout=60_000)
    ui.wait_text_in(ui.test_id("member-sessions"), "driver@example.com")
    ui.shot(f"fleet-{suffix}")

    with ui.page.expect_download() as download:
        ui.click(ui.button(t("fleet.export_csv")))
    rows = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(rows) >= 2 and "," in rows[0], rows[:2]

    ui.tab("Charging")
    ui.wait_text_in(ui.test_id("not-offered"), t("notice.no_charging"))
    expect(ui.button(t("charging.find"))).to_have_count(0)
    ui.shot(f"charging-wirelane-{suffix}")
    ui.tab("Cards")
    ui.wait_text_in(ui.test_id("not-offered"), t("notice.no_cards"))
    expect(ui.button(t("cards.add"))).to_have_count(0)
