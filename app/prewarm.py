"""Warm-up while the browser loads the Flutter client (about two seconds): import the
screens and the provider client, and let the back end answer a first search, so the first
session does not pay for cold imports and cold caches."""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading

from app.context import AppConfig, open_provider
from app.viewmodels.map_vm import BERLIN
from services.models import SearchQuery

log = logging.getLogger(__name__)

MODULES = (
    "flet_map",
    "flet_charts",
    "app.screens.shell",
    "app.screens.map_screen",
    "app.screens.station_screen",
    "app.screens.charging_screen",
    "app.screens.cards_screen",
    "app.screens.history_screen",
    "app.screens.account_screen",
)


async def _touch_backend(config: AppConfig) -> None:
    provider = await open_provider(config.provider_name, config.base_url)
    try:
        await provider.search_stations(SearchQuery(centre=BERLIN, radius_km=5, limit=50))
    finally:
        await provider.close()


def _imports() -> None:
    try:
        for name in MODULES:
            importlib.import_module(name)
    except Exception as exc:  # warm-up only: the first session simply does it itself
        log.debug("warm-up imports skipped: %s", exc)


def _backend(config: AppConfig) -> None:
    try:
        asyncio.run(_touch_backend(config))
    except Exception as exc:
        log.debug("warm-up search skipped: %s", exc)


def start_imports() -> threading.Thread:
    """While the core starts up (its own process), import the UI in the background."""
    thread = threading.Thread(target=_imports, name="voltra-prewarm-imports", daemon=True)
    thread.start()
    return thread


def start_backend(config: AppConfig) -> threading.Thread:
    thread = threading.Thread(
        target=_backend, args=(config,), name="voltra-prewarm-backend", daemon=True
    )
    thread.start()
    return thread
