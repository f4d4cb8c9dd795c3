"""The Flet entry point: one context, provider and shell per connected page."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import flet as ft

from app.context import AppConfig, AppContext, open_provider
from app.settings import Settings, load_settings
from services.models import Credentials
from services.provider import ChargingProvider, ProviderError

log = logging.getLogger(__name__)

ProviderOpener = Callable[..., Awaitable[ChargingProvider]]


async def open_with_saved_login(config: AppConfig, opener: ProviderOpener, name: str, url: str):
    """Open the provider, logged in again from a saved refresh token where allowed."""
    vault = None
    options: dict = {}
    if config.remember_login and not config.kiosk:
        from services.credentials import LoginVault, open_store

        vault = LoginVault(open_store(kiosk=False))
        options["vault"] = vault
        saved = vault.load(name, url)
        if saved and saved.refresh_token:
            creds = Credentials(username=saved.username, refresh_token=saved.refresh_token)
            try:
                return await opener(name, url, credentials=creds, **options), vault
            except ProviderError as exc:  # expired or revoked: start logged out
                log.info("saved login not usable: %s", exc.code)
                vault.forget(name, url)
    try:
        return await opener(name, url, **options), vault
    except Exception:
        log.exception("could not open provider %s at %s; using the configured one", name, url)
        return await opener(config.provider_name, config.base_url, **options), vault


async def use_accounts(ctx: AppContext) -> None:
    """Where the app keeps several accounts: run over those signed in, if any; the single
    provider stays for when the last one is signed out."""
    from app.accounts import open_book

    try:
        ctx.accounts = open_book(ctx.config)
    except Exception:  # the accounts' store is unreadable: the single provider still works
        log.exception("charging service accounts not available")
        return
    if ctx.accounts is None:
        return
    ctx.single_provider = ctx.provider
    if ctx.accounts.accounts():
        await ctx.accounts_changed()


def make_main(
    config: AppConfig, opener: ProviderOpener = open_provider
) -> Callable[[ft.Page], Awaitable[None]]:
    async def main(page: ft.Page) -> None:
        from app.screens.shell import Shell

        await config.resolve_base_url()  # a first start may still be creating demo data
        # A kiosk is shared: settings start fresh and nothing is written back.
        settings = Settings() if config.kiosk or not config.persist_settings else load_settings()
        name = settings.provider if settings.url else config.provider_name
        url = settings.url or config.base_url
        if config.base_url and (config.kiosk or settings.url is None):
            name, url = config.provider_name, config.base_url
        provider, vault = await open_with_saved_login(config, opener, name, url)
        ctx = AppContext(config, settings, provider, provider_factory=opener)
        ctx.login_remembered = bool(vault and vault.remembered)
        ctx.vault = vault
        if provider.is_logged_in:
            try:
                ctx.profile = await provider.profile()
            except ProviderError:
                ctx.profile = None
        await use_accounts(ctx)
        Shell(page, ctx).start()

    return main
