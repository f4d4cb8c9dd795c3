"""Set-up calls to the core through the services layer (the same provider the app uses),
for browser tests that need a site, an EVSE ID, a card UID or a fresh driver.

Playwright's sync API keeps an event loop running in the test's thread, so each call runs
in a thread of its own."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import httpx

from services.models import (
    CardStatus,
    ConnectorStatus,
    Coordinates,
    Credentials,
    Registration,
    SearchQuery,
)
from services.registry import open_provider

T = TypeVar("T")
BERLIN = Coordinates(latitude=52.52, longitude=13.405)
DRIVER = Credentials(username="driver@example.com", password="driver-demo")


def _call(core_url: str, work: Callable[[object], Awaitable[T]]) -> T:
    async def run() -> T:
        provider = await open_provider("beenergised", core_url)
        try:
            return await work(provider)
        finally:
            await provider.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def free_site(core_url: str) -> str | None:
    """A site near Berlin centre (where the simulated chargers are) with a free connector."""

    async def work(provider) -> str | None:
        query = SearchQuery(centre=BERLIN, radius_km=3, limit=20)
        for station in (await provider.search_stations(query)).items:
            detail = await provider.get_station(station.id)
            free = any(c.status is ConnectorStatus.AVAILABLE for c in detail.connectors)
            if detail.site_id and free:
                return detail.site_id
        return None

    return _call(core_url, work)


def free_evse(core_url: str) -> str:
    async def work(provider) -> str:
        query = SearchQuery(centre=BERLIN, radius_km=5, limit=20)
        for s in (await provider.search_stations(query)).items:
            for c in s.connectors:
                if c.evse_id and c.status is ConnectorStatus.AVAILABLE:
                    return c.evse_id
        raise AssertionError("no free connector near Berlin")

    return _call(core_url, work)


def demo_card_uid(core_url: str) -> str:
    async def work(provider) -> str:
        await provider.login(DRIVER)
        cards = await provider.list_cards()
        return next(c.uid for c in cards if c.status is CardStatus.ACTIVE)

    return _call(core_url, work)


def register_driver(core_url: str, email: str, password: str) -> None:
    async def work(provider) -> None:
        await provider.register(Registration(email=email, password=password, accept_terms=True))

    _call(core_url, work)


def simulated_free_station(control_url: str, core_url: str) -> tuple[str, str]:
    """A station near Berlin that the simulator runs, online, with two or more connectors
    and every one of them free (one can be taken away and given back): its id and the EVSE
    ID of its first connector."""

    async def work(provider) -> tuple[str, str]:
        async with httpx.AsyncClient(timeout=30) as http:
            simulated = {
                s["id"]: s
                for s in (await http.get(f"{control_url}/stations")).json()
                if s["online"]
                and len(s["connectors"]) >= 2
                and all(c["status"] == "Available" for c in s["connectors"])
            }
        query = SearchQuery(centre=BERLIN, radius_km=5, limit=50)
        for s in (await provider.search_stations(query)).items:
            if s.id in simulated and s.connectors[0].evse_id:
                return s.id, s.connectors[0].evse_id
        raise AssertionError("no simulated station near Berlin with every connector free")

    return _call(core_url, work)


def fault(control_url: str, station_id: str, action: str, connector: int) -> None:
    """Apply a simulator fault (faulted, clear, ...) to one connector of a station."""
    response = httpx.post(
        f"{control_url}/stations/{station_id}/faults",
        json={"action": action, "connector": connector},
        timeout=30,
    )
    response.raise_for_status()


def wait_status(core_url: str, station_id: str, connector: int, status: ConnectorStatus) -> None:
    """Until the core reports ``status`` for the station's ``connector``-th connector."""

    async def work(provider) -> None:
        deadline = time.monotonic() + 60
        seen = None
        while time.monotonic() < deadline:
            detail = await provider.get_station(station_id)
            seen = detail.connectors[connector - 1].status
            if seen is status:
                return
            await asyncio.sleep(0.5)
        raise AssertionError(f"{station_id} connector {connector} stayed {seen}, not {status}")

    _call(core_url, work)
