"""The driver's charging service accounts (services.multi) as the app opens them: the book
of accounts, and the merged provider the app runs on while any of them is signed in."""

from __future__ import annotations

import logging

from app.context import AppConfig, maybe_await
from services.provider import ChargingProvider

log = logging.getLogger(__name__)


def open_book(config: AppConfig):
    """The account book of this app, or None where one provider is all it runs on (a kiosk,
    --provider)."""
    if not config.multi_accounts or config.kiosk:
        return None
    from services.multi.accounts import AccountBook

    return AccountBook(persist=config.persist_settings)


async def merged_provider(book) -> ChargingProvider | None:
    """A provider over every account of ``book`` that is signed in; None when none is."""
    providers = await maybe_await(book.resume())
    if not providers:
        return None
    from services.multi.merged import MergedProvider

    return MergedProvider(book.accounts(), providers)
