"""An AMPECO kiosk bound to one location: the operator's token and the driver's e-mail sign
in (no demo values on show), the location's connectors load, and "Unlock cable" reaches the
simulated charger, which releases the cable."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import AppProcess, free_port
from playwright.sync_api import expect

from services.models import Coordinates, Credentials, SearchQuery
from services.registry import open_provider
from tests.waits import eventually

pytestmark = pytest.mark.e2e

BERLIN = Coordinates(latitude=52.52, longitude=13.405)
TOKEN = "ampeco-demo-token"  # demo data only


def online_location(core_url: str) -> str:
    """A location near Berlin whose charger is connected (a free connector shows it)."""

    async def work() -> str:
        provider = await open_provider(
            "ampeco", core_url, Credentials(username="driver@example.com", api_key=TOKEN)
        )
        async def find() -> str | None:
            await provider.catalogue.refresh()  # chargers connect after the core started
            page = await provider.search_stations(SearchQuery(centre=BERLIN, radius_km=3))
            for s in page.items:
                if s.status.available:
                    return s.id
            return None

        try:
            return await eventually(find, within_s=180, interval=2.0)
        finally:
            await provider.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work()).result()


@pytest.fixture(scope="module")
def ampeco_kiosk(app_server):
    if not app_server.core_url:
        pytest.skip("no core URL to point the kiosk at")
    site = online_location(app_server.core_url)
    app = AppProcess(
        ["--kiosk-site", site, "--port", str(free_port()), "--provider", "ampeco",
         "--url", app_server.core_url, "--idle-timeout", "600"]
    )
    yield app
    app.close()


def test_ampeco_kiosk_unlocks_a_cable(ampeco_kiosk, ui_factory):
    ui = ui_factory(ampeco_kiosk.url, width=1280, height=800)
    t = ui.t
    token = ui.labelled(t("signin.operator_token"))
    expect(token).to_be_visible(timeout=60_000)
    expect(ui.test_id("demo-hint")).to_have_count(0)
    ui.type_into(t("signin.operator_token"), TOKEN)
    ui.type_into(t("account.email"), "driver@example.com")
    ui.click(ui.button(t("account.login")))
    tiles = ui.test_id("kiosk-connector")
    expect(tiles.first).to_be_attached(timeout=60_000)
    unlock = ui.test_id("kiosk-unlock")
    expect(unlock.first).to_be_attached()
    ui.click(unlock.first.get_by_role("button").or_(unlock.first).first)
    notice = ui.test_id("kiosk-unlock-notice")
    expect(notice).to_be_attached(timeout=60_000)
    text = ui.semantics_label("kiosk-unlock-notice")
    assert text == t("kiosk.unlocked", connector=t("station.connector_no", n=1)), text
    ui.shot("kiosk-unlock-ampeco-light-wide")
