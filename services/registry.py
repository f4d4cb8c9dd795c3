"""Which charging back ends Voltra knows, and opening one by name.

The UI imports this module, never a provider package (import-linter forbids app ->
services.providers); the provider packages are imported lazily here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.cache import CachingProvider, OfflineCache
from services.credentials import LoginVault, SavedLogin
from services.models import Credentials, Profile
from services.provider import ChargingProvider, NotAuthenticated, NotSupported


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    title: str
    document: str  # the API document in shared/seeds it is written from
    implemented: bool


PROVIDERS: tuple[ProviderInfo, ...] = (
    ProviderInfo("beenergised", "be.ENERGISED (has.to.be)", "beenergised-driver-graphql.txt", True),
    ProviderInfo("gpjoule", "GP JOULE CONNECT", "gpjoule-connect-graphql.txt", False),
    ProviderInfo("wirelane", "Wirelane API 2.0", "wirelane-api-2.0.txt", False),
    ProviderInfo("ampeco", "AMPECO Public API", "ampeco-public-api-3.165.0.openapi.json", False),
    ProviderInfo("plugsurfing", "Plugsurfing OIOI v4", "plugsurfing-oioi-4.16.3.txt", False),
)


def known_providers() -> list[ProviderInfo]:
    return list(PROVIDERS)


def implemented_providers() -> list[str]:
    return [p.name for p in PROVIDERS if p.implemented]


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
    survives a restart."""
    info = next((p for p in PROVIDERS if p.name == name), None)
    if info is None:
        raise NotSupported(f"Unknown charging service '{name}'.", detail=name)
    if not info.implemented:
        raise NotSupported(
            f"{info.title} is not supported by this version of Voltra yet.", detail=name
        )
    if name == "beenergised":
        from services.providers.beenergised import BeEnergisedProvider

        holder: dict = {}

        def on_tokens(tokens) -> None:
            if vault is None:
                return
            if tokens is None or tokens.anonymous or not tokens.refresh:
                vault.forget(name, base_url)
            elif holder["p"].username:
                vault.save(
                    SavedLogin(
                        provider=name,
                        base_url=base_url,
                        username=holder["p"].username,
                        refresh_token=tokens.refresh,
                    )
                )

        provider: ChargingProvider = BeEnergisedProvider(base_url, on_tokens=on_tokens, **options)
        holder["p"] = provider
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
