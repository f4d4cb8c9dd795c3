"""What `voltra --web` prints while people use it: no request logs, no tracebacks."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

MUNICH = {"latitude": 48.1372, "longitude": 11.5756}


def app_lines(app_server) -> list[str]:
    lines = getattr(app_server, "lines", None)
    if lines is None:
        pytest.skip("the UI was started elsewhere (VOLTRA_E2E_URL): its console is not ours")
    return lines


def test_near_me_from_the_phone_list_and_reloads_log_nothing(app_server, ui_factory):
    lines = app_lines(app_server)
    before = len(lines)
    ui = ui_factory(
        app_server.url, width=390, height=844, geolocation=MUNICH, permissions=["geolocation"]
    )
    ui.click(ui.button("Show list"))
    items = ui.test_id("station-item")
    expect(items.first).to_be_visible(timeout=60_000)
    ui.click(ui.button("Near me"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "Berlin" in (items.first.inner_text() or "Berlin"):
        time.sleep(0.3)
    assert "Berlin" not in items.first.inner_text()
    # The map catches up when shown again (it was not on the page to move)
    ui.click(ui.button("Show map"))
    expect(ui.page.get_by_role("button", name="Show list")).to_be_visible()
    for _ in range(2):
        ui.page.reload()
        ui.page.locator("flt-semantics-placeholder").wait_for(state="attached", timeout=60_000)
    time.sleep(2)
    new = "\n".join(lines[before:])
    assert "must be added to the page" not in new
    assert "Traceback" not in new and "Exception in ASGI" not in new
    assert "HTTP Request:" not in new  # httpx request logs
    assert '"GET /' not in new  # uvicorn access log
