"""Which charging back ends Voltra knows, and opening one by name.

The UI imports this module, never a provider package (import-linter forbids app ->
services.providers); a provider package is imported by the path in its row when opened.
Adding a provider is adding its row: nothing here knows any provider by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from services.cache import CachingProvider, OfflineCache
from services.credentials import LoginVault, SavedLogin
from services.models import Credentials, Profile
from services.provider import ChargingProvider, NotAuthenticated, NotSupported


class SignIn(StrEnum):
    """What the driver (or the operator setting up a kiosk) enters to use a provider. The
    values name kinds of sign-in, not secrets (hence the S105 waivers)."""

    EMAIL_PASSWORD = "email_password"  # noqa: S105 - driver account: email + password
    API_KEY_EMAIL = "api_key_email"  # partner API key, driver named by email
    OAUTH_CLIENT_USER = "oauth_client_user"  # OAuth2 client id/secret + driver login
    OPERATOR_TOKEN_EMAIL = "operator_token_email"  # noqa: S105 - operator token + email
    API_KEY_EMAIL_PASSWORD = "api_key_email_password"  # noqa: S105 - partner key + driver login


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    title: str
    document: str  # the API document in shared/seeds it is written from
    sign_in: SignIn
    # "package.module:Class", imported only when opened; None: not built yet
    factory: str | None = None

    @property
    def implemented(self) -> bool:
        return self.factory is not None


PROVIDERS: tuple[ProviderInfo, ...] = (
    ProviderInfo(
        "beenergised",
        "be.ENERGISED (has.to.be)",
        "beenergised-driver-graphql.txt",
        SignIn.EMAIL_PASSWORD,
        "services.providers.beenergised:BeEnergisedProvider",
    ),
    ProviderInfo(
        "gpjoule",
        "GP JOULE CONNECT",
        "gpjoule-connect-graphql.txt",
        SignIn.API_KEY_EMAIL,
        "services.providers.gpjoule:GpJouleProvider",
    ),
    ProviderInfo(
        "wirelane",
        "Wirelane API 2.0",
        "wirelane-api-2.0.txt",
        SignIn.OAUTH_CLIENT_USER,
        "services.providers.wirelane:WirelaneProvider",
    ),
    ProviderInfo(
        "ampeco",
        "AMPECO Public API",
        "ampeco-public-api-3.165.0.openapi.json",
        SignIn.OPERATOR_TOKEN_EMAIL,
        "services.providers.ampeco:AmpecoProvider",
    ),
    ProviderInfo(
        "plugsurfing",
        "Plugsurfing OIOI v4",
        "plugsurfing-oioi-4.16.3.txt",
        SignIn.API_KEY_EMAIL_PASSWORD,
        "services.providers.plugsurfing:PlugsurfingProvider",
    ),
)


def known_providers() -> list[ProviderInfo]:
    return list(PROVIDERS)


def implemented_providers() -> list[str]:
    return [p.name for p in PROVIDERS if p.implemented]


def provider_info(name: str) -> ProviderInfo:
    """The registry row of ``name``; NotSupported for unknown names and for providers this
    version does not have yet."""
    info = next((p for p in PROVIDERS if p.name == name), None)
    if info is None:
        raise NotSupported(f"Unknown charging service '{name}'.", detail=name)
    if not info.implemented:
        raise NotSupported(
            f"{info.title} is not supported by this version of Voltra yet.", detail=name
        )
    return info


def _factory(info: ProviderInfo) -> Callable[..., ChargingProvider]:
    module, _, attr = (info.factory or "").partition(":")
    return getattr(importlib.import_module(module), attr)


class TokenSink:
    """Keeps the login of one provider in a vault: every provider calls it with the token
    that resumes its login whenever that changes (never a password), and with None when
    there is nothing to keep (logged out, anonymous). The username is read from the
    provider at that moment, so the token is saved under the driver it belongs to."""

    def __init__(self, vault: LoginVault | None, name: str, base_url: str) -> None:
        self.vault = vault
        self.name = name
        self.base_url = base_url
        self.provider: ChargingProvider | None = None

    def __call__(self, token: str | None) -> None:
        if self.vault is None:
            return
        if not token:
            self.vault.forget(self.name, self.base_url)
            return
        username = getattr(self.provider, "username", None)
        if username:
            self.vault.save(
                SavedLogin(
                    provider=self.name,
                    base_url=self.base_url,
                    username=username,
                    refresh_token=token,
                )
            )


async def open_provider(
    name: str,
    base_url: str,
    credentials: Credentials | None = None,
    *,
    offline_cache: OfflineCache | Path | str | bool | None = None,
    vault: LoginVault | None = None,
    **options,
) -> ChargingProvider:
    """Open provider ``name`` at ``base_url``; log in when ``credentials`` are given
    (username+password or a saved refresh token). ``offline_cache``: an OfflineCache or a
    path wraps the provider in :class:`CachingProvider`; ``True`` uses the default path.
    ``vault``: every new refresh token of a logged-in session is saved there (never the
    password) and forgotten on logout; ``vault.remembered`` tells the UI whether that
    survives a restart. ``options`` go to the provider's factory as they are."""
    info = provider_info(name)
    sink = TokenSink(vault, name, base_url)
    provider: ChargingProvider = _factory(info)(base_url, on_login_token=sink, **options)
    sink.provider = provider
    if offline_cache is not None and offline_cache is not False:
        cache = (
            offline_cache
            if isinstance(offline_cache, OfflineCache)
            else OfflineCache(None if offline_cache is True else offline_cache)
        )
        provider = CachingProvider(provider, cache)
    if credentials is not None:
        try:
            await provider.login(credentials)
        except BaseException:
            await provider.close()
            raise
    return provider


async def resume_saved_login(
    provider: ChargingProvider, vault: LoginVault, name: str, base_url: str
) -> Profile | None:
    """Log in again with the refresh token saved for (name, base_url), if any. A token the
    back end no longer accepts is forgotten, and None returned: the UI then asks for the
    password. Back end unreachable: the saved login is kept for next time."""
    saved = vault.load(name, base_url)
    if saved is None or not saved.refresh_token:
        return None
    try:
        return await provider.login(
            Credentials(username=saved.username, refresh_token=saved.refresh_token)
        )
    except NotAuthenticated:
        vault.forget(name, base_url)
        return None
