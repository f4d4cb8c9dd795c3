"""A desktop restart resumes a Wirelane login from the OS keyring, against the real core: the
driver signs in once with the app's OAuth client and the admin's password, and the next
start is signed in without typing either; only the keyring holds them."""

from __future__ import annotations

import dataclasses
import json

import keyring
import pytest
from keyring.backend import KeyringBackend

from app.context import AppConfig, AppContext, open_provider
from app.settings import Settings
from app.ui import open_with_saved_login
from app.viewmodels.account_vm import AccountViewModel
from services.credentials import LoginVault, SavedLogin, open_store
from services.models import Coordinates, SearchQuery

BERLIN = Coordinates(latitude=52.52, longitude=13.405)
CLIENT_SECRET = "voltra-demo-secret"  # the core's documented demo client
ADMIN_PASSWORD = "fleet-demo"  # the core's documented demo admin


class DictKeyring(KeyringBackend):
    """A keyring backend in memory, standing in for the OS keyring."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.data.get((service, username))

    def set_password(self, service, username, password):
        self.data[(service, username)] = password

    def delete_password(self, service, username):
        self.data.pop((service, username), None)


@pytest.fixture
def os_keyring(monkeypatch) -> DictKeyring:
    backend = DictKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    return backend


def desktop(core_url: str) -> AppConfig:
    return AppConfig(
        persist_settings=False,
        demo=True,
        base_url=core_url,
        online_geocoding=False,
        remember_login=True,
    )


async def sign_in_once(config: AppConfig) -> tuple[Settings, str]:
    """The first run: the driver signs in to Wirelane in the Account form; the settings
    the app writes and the Wirelane URL."""
    ctx = AppContext(config, Settings(), await open_provider("beenergised", config.base_url))
    ctx.vault = LoginVault(open_store())
    assert ctx.vault.remembered  # the keyring, not the session-only fallback
    vm = AccountViewModel(ctx)
    try:
        vm.choose("wirelane")
        assert await vm.sign_in(vm.demo_values, vm.url_draft), vm.error
        assert ctx.logged_in and ctx.provider.name == "wirelane"
        return ctx.settings, vm.url_draft
    finally:
        await ctx.provider.close()


async def test_a_restart_resumes_the_wirelane_login_without_asking(core_url, os_keyring):
    config = desktop(core_url)
    settings, url = await sign_in_once(config)
    written = json.dumps(dataclasses.asdict(settings))
    assert (settings.provider, settings.url) == ("wirelane", url)
    assert CLIENT_SECRET not in written and ADMIN_PASSWORD not in written
    kept = "".join(os_keyring.data.values())
    assert CLIENT_SECRET in kept and ADMIN_PASSWORD in kept

    # the restart: what it has is the settings and the keyring, nothing typed
    provider, vault = await open_with_saved_login(config, open_provider, settings.provider, url)
    try:
        assert provider.name == "wirelane" and provider.is_logged_in
        assert (await provider.profile()).email == "fleet@example.com"
        page = await provider.search_stations(SearchQuery(centre=BERLIN, radius_km=5, limit=5))
        assert page.items  # a token the core accepts for the organisation's data
        assert (await provider.history(limit=5)).items

        await provider.logout()
        assert vault.load("wirelane", url) is None
        assert not os_keyring.data  # logging out leaves no secret behind
    finally:
        await provider.close()

    # the next start after the logout opens Wirelane signed out, and the form asks again
    provider, _ = await open_with_saved_login(config, open_provider, settings.provider, url)
    try:
        assert provider.name == "wirelane" and not provider.is_logged_in
    finally:
        await provider.close()


async def test_a_kept_login_the_core_refuses_is_forgotten(core_url, os_keyring):
    config = desktop(core_url)
    settings, url = await sign_in_once(config)
    vault = LoginVault(open_store())
    saved = vault.load("wirelane", url)
    assert saved and saved.refresh_token
    # the admin's password was changed since: the kept key no longer gets a token
    stale = saved.refresh_token.replace(ADMIN_PASSWORD, "changed-since")
    vault.save(SavedLogin(**{**saved.model_dump(), "refresh_token": stale}))

    provider, _ = await open_with_saved_login(config, open_provider, settings.provider, url)
    try:
        assert not provider.is_logged_in
        assert vault.load("wirelane", url) is None
    finally:
        await provider.close()
