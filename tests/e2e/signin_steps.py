"""Signing in through the Account tab's form to a back end picked by name."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from ui_driver import TIMEOUT_MS, UI


def sign_in_with_demo(ui: UI, provider: str, url_path: str) -> None:
    """Pick ``provider`` in the sign-in form, check its URL on the embedded core is
    prefilled, fill the documented demo login from the hint and sign in."""
    t = ui.t
    ui.tab("Account")
    # the button sits at the top of a list the settings may have scrolled: a tap that
    # lands while Flutter scrolls it back is dropped, so tap until the choice shows
    choice = ui.button(t(f"provider.{provider}"))
    ui.tap_until(ui.button(t("signin.service")), choice)
    ui.click(choice)
    # Flutter fills an input's DOM value once it has focus
    url = ui.labelled(t("settings.url"))
    ui.click(url)
    expect(url).to_have_value(re.compile(rf"^http://127\.0\.0\.1:\d+{url_path}$"))
    expect(ui.test_id("demo-hint")).to_be_attached()
    ui.click(ui.button(t("account.use_demo")))
    ui.click(ui.button(t("account.login")))
    expect(ui.button(t("account.login"))).to_have_count(0, timeout=TIMEOUT_MS)
