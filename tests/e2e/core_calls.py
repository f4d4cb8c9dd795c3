"""Set-up calls to the core through the services layer (the same provider the app uses),
for browser tests that need a site, an EVSE ID, a card UID or a fresh driver.

Playwright's sync API keeps an event loop running in the test's thread, so each call runs
in a thread of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

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
