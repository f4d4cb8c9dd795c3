"""The driver's charging service accounts (services.multi) as the app opens them: the book
of accounts, and the merged provider the app runs on while any of them is signed in."""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.context import AppConfig
from services.models import TypicalSession
from services.multi.accounts import AccountBook
from services.multi.merged import MergedProvider
from services.provider import ProviderError


def open_book(config: AppConfig) -> AccountBook | None:
    """The account book of this app, or None where one provider is all it runs on (a kiosk,
    --provider). A desktop keeps its accounts (secrets in the OS keyring); a web UI, which
    several people may open, keeps them for its browser session only."""
    if not config.multi_accounts or config.kiosk:
        return None
    if config.persist_settings and config.remember_login:
        return AccountBook()
    from services.credentials import MemoryStore

    session_dir = Path(tempfile.mkdtemp(prefix="voltra-accounts-"))
    return AccountBook(MemoryStore(), session_dir / "accounts.json")


async def merged_provider(book: AccountBook, typical: TypicalSession) -> MergedProvider | None:
    """One provider over every account of ``book`` that could be opened; None when none."""
    await book.resume()
    try:
        return book.merged(typical=typical)
    except ProviderError:  # no account is open
        return None
