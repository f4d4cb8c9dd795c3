"""What every screen shares: configuration, settings, the provider, the logged-in driver."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from app.i18n import Translator
from app.settings import Settings, save_settings
from services.models import Profile
from services.provider import Capability, ChargingProvider, ProviderError

log = logging.getLogger(__name__)

DEMO_EMAIL = "driver@example.com"
DEMO_PASSWORD = "driver-demo"  # noqa: S105 - the published demo account of the embedded core
# How long after start the embedded core's simulated chargers may still be connecting
CHARGERS_CONNECT_S = 60.0


@dataclass
class AppConfig:
    kiosk: bool = False
    kiosk_site: str | None = None  # the one site a kiosk serves (its home screen)
    demo: bool = True  # running on the embedded core with demo data
    idle_timeout_s: float = 90.0
    provider_name: str = "beenergised"
    base_url: str | None = None
    persist_settings: bool = True
    live_interval_s: float = 1.0  # live meter refresh while charging
    online_geocoding: bool = True  # place search may ask Nominatim (never on a kiosk)
    # Keep a refresh token (never the password) in the system keyring between runs. Only
    # for a single-user desktop window: a web UI may be opened by several people.
    remember_login: bool = False
    # The driver may sign in to several charging services at once (Account -> Charging
    # services) and the app runs over all of them; off on a kiosk and with --provider.
    multi_accounts: bool = False
    # The embedded core's URL while it is still starting (the UI starts meanwhile)
    base_url_future: Future | None = field(default=None, repr=False, compare=False)

    # When this process started: the embedded core's simulated chargers connect during the
    # first minute, and the UI says so instead of "no remote start"
    started_at: float = field(default_factory=time.monotonic, repr=False, compare=False)

    # Called once a map has shown its first stations (lets background work wait for it)
    on_map_ready: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    @property
    def chargers_connecting(self) -> bool:
        return self.demo and time.monotonic() - self.started_at < CHARGERS_CONNECT_S

    async def resolve_base_url(self) -> str | None:
        if self.base_url is None and self.base_url_future is not None:
            self.base_url = await asyncio.wrap_future(self.base_url_future)
        return self.base_url


ProviderFactory = Callable[[str, str], object]


async def maybe_await(value):
    """The value, awaited when it is awaitable (the services layer has both kinds)."""
    return await value if inspect.isawaitable(value) else value


async def open_provider(name: str, base_url: str, **options) -> ChargingProvider:
    """Open a provider through the services registry (the only door into providers)."""
    from services.registry import open_provider as registry_open

    provider = registry_open(name, base_url, **options)
    if inspect.isawaitable(provider):
        provider = await provider
    return provider


class AppContext:
    def __init__(
        self,
        config: AppConfig,
        settings: Settings,
        provider: ChargingProvider,
        *,
        provider_factory: Callable[[str, str], object] | None = None,
    ) -> None:
        self.config = config
        self.settings = settings
        self.provider = provider
        self.t = Translator(settings.language)
        self.profile: Profile | None = None
        self.login_remembered = False  # a saved login survives a restart (keyring)
        # Where a provider opened later keeps its login token (the keyring), if anywhere
        self.vault = None
        self._provider_factory = provider_factory
        self._listeners: list[Callable[[str], None]] = []
        # The driver's charging service accounts (app.accounts.AccountBook) when the app
        # keeps several; None: the app runs over the one provider above
        self.accounts = None
        # The provider the app falls back to when the last account is signed out
        self.single_provider: ChargingProvider | None = None

    # -- events shared across screens (login, logout, language, theme, provider)
    def subscribe(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def emit(self, event: str) -> None:
        for listener in list(self._listeners):
            listener(event)

    def can(self, capability: Capability) -> bool:
        return capability in self.provider.capabilities

    @property
    def logged_in(self) -> bool:
        return self.profile is not None and self.provider.is_logged_in

    def save(self) -> None:
        if self.config.persist_settings and not self.config.kiosk:
            save_settings(self.settings)

    def set_language(self, language: str) -> None:
        self.settings.language = language
        self.t = Translator(language)
        self.save()
        self.emit("language")

    def set_theme(self, theme: str) -> None:
        self.settings.theme = theme
        self.save()
        self.emit("theme")

    def set_units(self, units: str) -> None:
        self.settings.units = units
        self.save()
        self.emit("units")

    def remember_card(self, card_id: str) -> None:
        if self.config.kiosk:
            return  # a kiosk is shared: remember nothing about a driver
        self.settings.last_card_id = card_id
        self.save()

    async def switch_provider(self, name: str, url: str, **options) -> None:
        """Open ``name`` at ``url`` in place of the current provider; ``options`` go to the
        provider's factory (an OAuth client, a cache)."""
        factory = self._provider_factory or open_provider
        if self.vault is not None:
            options.setdefault("vault", self.vault)
        new = factory(name, url, **options)
        if inspect.isawaitable(new):
            new = await new
        old = self.provider
        self.provider = new
        self.profile = None
        self.settings.provider, self.settings.url = name, url
        self.save()
        try:
            await old.close()
        finally:
            self.emit("provider")

    # -- several accounts at once
    @property
    def merged(self) -> bool:
        """The app runs over the driver's accounts (the provider is a merged one)."""
        return self.accounts is not None and hasattr(self.provider, "states")

    def account_name(self, account_id: str | None) -> str | None:
        """The driver-facing name of an account (its badge), None for a single provider."""
        if account_id is None or self.accounts is None:
            return None
        for account in self.accounts.accounts():
            if account.id == account_id:
                return account.name
        return account_id

    def account_ids(self) -> list[str]:
        return [a.id for a in self.accounts.accounts()] if self.accounts is not None else []

    async def accounts_changed(self) -> None:
        """An account was signed in or out: run over the merged provider of the accounts
        signed in now, or the single provider (signed out) when none is left."""
        from app.accounts import merged_provider
        from app.viewmodels.offers import typical_session

        new = None
        if self.accounts is not None:
            new = await merged_provider(self.accounts, typical_session(self.settings))
        # A merged provider's members stay open in the book: the old one is not closed
        self.provider = new or self.single_provider or self.provider
        self.profile = None
        new = self.provider
        self.emit("provider")
        if new.is_logged_in:
            try:
                self.signed_in(await new.profile())
            except ProviderError:
                self.profile = None
        else:
            self.emit("logout")

    def signed_in(self, profile: Profile) -> None:
        self.profile = profile
        self.emit("login")

    async def sign_out(self) -> None:
        if self.merged:
            # Signing out of the app is signing out of every account it holds
            for account_id in self.account_ids():
                await maybe_await(self.accounts.remove(account_id))
            await self.accounts_changed()
            return
        try:
            if self.provider.is_logged_in:
                await self.provider.logout()
        finally:
            self.profile = None
            self.emit("logout")
