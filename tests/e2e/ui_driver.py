"""A thin driver for the Flutter-rendered UI through its accessibility tree."""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.i18n import Translator

TIMEOUT_MS = 30_000
# A screen taller than this is broken (or a list that should page), not a screenshot
MAX_SHOT_HEIGHT = 4000


# Tabs by their English name -> route
TABS = {"Map": "map", "Charging": "charging", "Cards": "cards", "History": "history",
        "Fleet": "fleet", "Account": "account"}


class UI:
    def __init__(self, page: Page, url: str, shots: Path) -> None:
        self.page, self.url, self.shots = page, url, shots
        self.t = Translator("en")  # the UI's language: what buttons and tabs are called
        page.set_default_timeout(TIMEOUT_MS)
        # No tile server in tests: abort tile requests so the map shows markers on plain
        # background without waiting on the network.
        page.route(re.compile(r"https?://[^/]*tile[^/]*/.*"), lambda route: route.abort())
        self.console_errors: list[str] = []
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def open(self) -> None:
        self.page.goto(self.url)
        placeholder = self.page.locator("flt-semantics-placeholder")
        placeholder.wait_for(state="attached", timeout=60_000)
        placeholder.dispatch_event("click")

    # ------------------------------------------------------------------ finding
    def button(self, name: str, exact: bool = True) -> Locator:
        return self.page.get_by_role("button", name=name, exact=exact)

    def labelled(self, name: str, exact: bool = True) -> Locator:
        return self.page.get_by_label(name, exact=exact)

    def test_id(self, ident: str) -> Locator:
        return self.page.get_by_test_id(ident)

    def text(self, text: str, exact: bool = False) -> Locator:
        return self.page.get_by_text(text, exact=exact)

    # ------------------------------------------------------------------ acting
    def tab(self, name: str) -> None:
        """Bottom bar (role tab) on narrow screens, rail destination (button) on wide;
        ``name`` is the English one, the tab is found by its name in the UI's language.
        The route shows in the URL; a tap that lands during a page transition is lost
        (Flutter ignores input while routes animate), so tap again until it arrives."""
        key = TABS[name]
        path = "/" + key
        name = self.t(f"nav.{key}")
        for _ in range(4):
            tab = self.page.get_by_role("tab", name=re.compile(rf"^{name}\b"))
            if tab.count():
                tab.first.click()
            else:
                self.page.get_by_role("button", name=re.compile(rf"^{name}\s+Tab \d")).first.click()
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                if self.page.url.rstrip("/").endswith(path):
                    time.sleep(0.3)
                    return
                time.sleep(0.1)
        raise AssertionError(f"could not open the {name} tab (at {self.page.url})")

    def click(self, locator: Locator) -> None:
        locator.wait_for(state="visible")
        locator.click()

    def tap_covered(self, locator: Locator) -> None:
        """Tap a control that another may cover on a busy map (markers drawn over the zoom
        buttons or over each other, or moving while the map animates): a pointer click
        first; where Playwright finds the spot covered, the tap goes to the control's own
        accessibility node, as a screen reader's would."""
        locator.wait_for(state="visible")
        try:
            locator.click(timeout=5_000)
        except PlaywrightTimeout:
            locator.dispatch_event("click")

    def tap_until(
        self, locator: Locator, shows: Locator, tries: int = 3, each_s: float = 15,
        attached: bool = False,
    ) -> None:
        """Tap ``locator`` until ``shows`` is visible (or only ``attached``, for what may sit
        below the fold): a tap that lands while its screen or dialog still animates in is
        dropped by Flutter, and nothing else would retry it. No second tap once ``locator``
        is gone, so an action is never sent twice."""

        def arrived(timeout_ms: float) -> bool:
            check = expect(shows.first)
            try:
                if attached:
                    check.to_be_attached(timeout=timeout_ms)
                else:
                    check.to_be_visible(timeout=timeout_ms)
            except AssertionError:
                return False
            return True

        for _ in range(tries):
            if locator.count():
                locator.first.click()
            if arrived(each_s * 1000):
                return
        assert arrived(TIMEOUT_MS), f"{shows} did not show after {tries} taps on {locator}"

    def type_into(self, label: str, text: str) -> None:
        field = self.page.get_by_label(label, exact=True).first
        for _ in range(4):
            field.click()
            time.sleep(0.15)
            self.page.keyboard.press("Control+a")
            self.page.keyboard.press("Delete")
            self.page.keyboard.type(text, delay=5)
            time.sleep(0.1)
            if field.input_value() == text:
                return
        raise AssertionError(f"could not type into {label!r}: has {field.input_value()!r}")

    def back(self) -> None:
        """The app bar's Back; then wait out the pop transition (Flutter ignores taps
        while a route animates, so an immediate tab tap would be lost)."""
        before = self.page.url
        self.click(self.button("Back"))
        expect(self.page.get_by_role("heading")).to_have_count(0)
        deadline = time.monotonic() + 10
        while self.page.url == before and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)

    def login(self, email: str = "driver@example.com", password: str = "driver-demo") -> None:
        self.type_into(self.t("account.email"), email)
        self.type_into(self.t("account.password"), password)
        self.click(self.button(self.t("account.login")))
        expect(self.button(self.t("account.login"))).to_have_count(0, timeout=TIMEOUT_MS)

    def set_language(self, language: str) -> None:
        """Switch the UI language in Account settings (the segment is named twice: its
        label and its tooltip)."""
        self.tab("Account")
        name = Translator(language)(f"language.{language}")
        self.t = Translator(language)
        self.tap_until(
            self.button(f"{name} {name}").or_(self.button(name)),
            self.page.get_by_role("tab", name=re.compile(rf"^{self.t('nav.account')}\b")).or_(
                self.page.get_by_role("button", name=re.compile(rf"^{self.t('nav.account')}\s+Tab"))
            ),
        )

    def go_home(self) -> None:
        self.tab("Map")

    # ------------------------------------------------------------------ screenshots
    def settle(self) -> None:
        # skwasm can lag a frame behind the DOM: two animation frames and a little more
        self.page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        time.sleep(0.8)

    def overflow_px(self) -> int:
        """How far the tallest scrolling area reaches below what the window shows."""
        return self.page.evaluate(
            "() => Math.max(0, ...[...document.querySelectorAll('flt-semantics')]"
            ".filter(e => getComputedStyle(e).overflowY === 'scroll')"
            ".map(e => e.scrollHeight - e.clientHeight))"
        )

    @contextlib.contextmanager
    def full_height(self, max_height: int = MAX_SHOT_HEIGHT):
        """Grow the window until nothing scrolls (Flutter scrolls inside its canvas and
        builds only what is near the screen), then restore it."""
        viewport = self.page.viewport_size
        self.settle()
        try:
            if viewport:
                height = viewport["height"]
                for _ in range(4):
                    extra = self.overflow_px()
                    if extra <= 1 or height >= max_height:
                        break
                    height = min(max_height, height + extra)
                    self.page.set_viewport_size({"width": viewport["width"], "height": height})
                    self.settle()
            yield
        finally:
            if viewport and self.page.viewport_size != viewport:
                self.page.set_viewport_size(viewport)
                self.settle()

    def shot(self, name: str, full: bool = True) -> Path:
        """A screenshot; ``full``: of the whole scroll height, not only the top."""
        if not full:
            self.settle()
            return self.save_shot(name)
        with self.full_height():
            return self.save_shot(name)

    def save_shot(self, name: str) -> Path:
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{name}.jpg"
        self.page.screenshot(path=str(path), type="jpeg", quality=70)
        return path

    def semantics_label(self, ident: str) -> str:
        node = self.test_id(ident).first
        node.wait_for(state="attached")
        return node.get_attribute("aria-label") or node.inner_text()

    @staticmethod
    def all_text(locator: Locator) -> str:
        """Visible text plus accessible labels (Flutter puts merged text in aria-label)."""
        return locator.first.evaluate(
            "e => [e, ...e.querySelectorAll('*')].map(n => n.getAttribute('aria-label') || '')"
            ".join(' ') + ' ' + e.innerText"
        )

    def wait_text_in(self, locator: Locator, text: str, timeout_s: float = 15) -> str:
        deadline = time.monotonic() + timeout_s
        seen = ""
        while time.monotonic() < deadline:
            try:
                seen = self.all_text(locator)
            except Exception:
                seen = ""
            if text in seen:
                return seen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear; saw {seen!r}")
