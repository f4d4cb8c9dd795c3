"""Taps on the merged station list while the accounts' answers still arrive, in Chromium.

Drives a running ``voltra --web`` (``--url``), signs in to every back end with the demo
accounts, and then, for each round, searches this area again and taps a row of the list
while the merged search is still delivering (each answer redraws the list). Prints how
many taps opened their station, how many were lost (no station screen within
``--within`` seconds: the row tapped was no longer on the page by the time the tap reached
the app), and p50/p95 of tap -> station screen for the taps that arrived.

    voltra --web --port 8550 &
    python bench/bench_merged_taps.py --url http://127.0.0.1:8550/ [--rounds 12] [--within 8]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests" / "e2e"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from ui_driver import UI  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="a running Voltra web UI")
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--within", type=float, default=8.0, help="seconds a tap may take")
    a = ap.parse_args()
    url = a.url
    with sync_playwright() as pw:
        pw.selectors.set_test_id_attribute("flt-semantics-identifier")
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        ui = UI(page, url, Path(tempfile.gettempdir()))
        ui.open()
        items = ui.test_id("station-item")
        expect(items.first).to_be_visible(timeout=120_000)
        ui.tab("Account")
        ui.click(ui.test_id("charging-services"))
        ui.click(ui.button(ui.t("services.use_demo")))
        expect(page.locator('[flt-semantics-identifier^="account-"]').first).to_be_visible(
            timeout=120_000)
        ui.back()
        ui.tab("Map")
        heading = page.get_by_role("heading")
        took: list[float] = []
        lost = 0
        for i in range(a.rounds):
            # a search under way: the first answers are on the list, the rest arrive
            expect(items.first).to_be_visible(timeout=60_000)
            time.sleep(0.3)
            began = time.monotonic()
            items.nth(i % 5).click()
            while not (heading.count() and heading.first.is_visible()):
                if time.monotonic() - began > a.within:
                    break
                time.sleep(0.05)
            else:
                took.append(time.monotonic() - began)
                ui.back()
                ui.tab("Map")
                search_again(ui)
                continue
            lost += 1
            search_again(ui)
        browser.close()
    print(f"taps while the merged search delivers: {a.rounds}, opened {len(took)}, "
          f"lost {lost} (no station screen within {a.within:.0f} s)")
    if took:
        print(f"tap -> station screen p50/p95 {statistics.median(took):.2f}/"
              f"{pct(took, 95):.2f} s")


def search_again(ui: UI, step: list[int] = [0]) -> None:  # noqa: B006 - a counter
    """A new search: places near Berlin's centre by turns, typed into the place search,
    so the next tap lands while the accounts' answers arrive."""
    step[0] += 1
    place = ("Berlin Mitte", "Berlin")[step[0] % 2]
    ui.type_into(ui.t("map.place_search"), place)
    ui.page.keyboard.press("Enter")
    time.sleep(0.5)


if __name__ == "__main__":
    main()
