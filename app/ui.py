"""The Flet entry point: one context, provider and shell per connected page."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import flet as ft

from app.context import AppConfig, AppContext, open_provider
from app.settings import Settings, load_settings
from services.provider import ChargingProvider

log = logging.getLogger(__name__)

ProviderOpener = Callable[[str, str], Awaitable[ChargingProvider]]


def make_main(
    config: AppConfig, opener: ProviderOpener = open_provider
) -> Callable[[ft.Page], Awaitable[None]]:
    async def main(page: ft.Page) -> None:
        from app.screens.shell import Shell

        # A kiosk is shared: settings start fresh and nothing is written back.
        settings = Settings() if config.kiosk or not config.persist_settings else load_settings()
        name = settings.provider if settings.url else config.provider_name
        url = settings.url or config.base_url
        if config.base_url and (config.kiosk or settings.url is None):
            name, url = config.provider_name, config.base_url
        try:
            provider = await opener(name, url)
        except Exception:
            log.exception("could not open provider %s at %s; falling back", name, url)
            provider = await opener(config.provider_name, config.base_url)
        ctx = AppContext(config, settings, provider, provider_factory=opener)
        Shell(page, ctx).start()

    return main
