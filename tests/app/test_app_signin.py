"""The sign-in form's logic: what each back end's sign-in kind asks for, what is checked,
how the back end is opened; then the same view model against the real core for GP JOULE
(API key + e-mail) and Wirelane (OAuth client + admin), and the Fleet view model."""

from __future__ import annotations

import dataclasses
import json

import flet as ft
import pytest
from fake_provider import FakeProvider

from app.components.login_form import LoginForm
from app.context import AppConfig, AppContext, open_provider
from app.settings import Settings
from app.viewmodels import signin
from app.viewmodels.account_vm import AccountViewModel
from app.viewmodels.fleet_vm import FleetViewModel
from services.credentials import LoginVault, MemoryStore
from services.models import FleetMemberStatus
from services.provider import Capability

CORE = "http://127.0.0.1:9"


def keys(provider: str) -> list[str]:
    return [f.key for f in signin.fields_for(provider)]


def test_every_sign_in_kind_has_fields_and_every_built_provider_a_demo_login():
    from services.registry import SignIn, implemented_providers

    assert set(signin.FIELDS) == set(SignIn)
    for name in implemented_providers():
        demo = signin.DEMO_LOGINS[name]
        assert set(demo) == set(keys(name)), name
        assert signin.problems(name, demo, CORE) == {}, name


def test_fields_follow_the_registry_sign_in_kind():
    assert keys("beenergised") == ["email", "password"]
    assert keys("gpjoule") == ["api_key", "email"]
    assert keys("wirelane") == ["client_id", "client_secret", "email", "password"]
    secret = {
        f.key
        for p in ("beenergised", "gpjoule", "wirelane")
        for f in signin.fields_for(p)
        if f.secret
    }
    assert secret == {"password", "api_key", "client_secret"}


def test_core_urls_are_where_the_embedded_core_serves_each_api():
    assert signin.core_url_for("beenergised", CORE + "/") == CORE
    assert signin.core_url_for("gpjoule", CORE) == CORE + "/gpjoule"
    assert signin.core_url_for("wirelane", CORE) == CORE + "/wirelane"


def test_problems_name_each_field():
    assert signin.problems("gpjoule", {"api_key": "", "email": "x"}, "ftp://a") == {
        "url": "settings.url_invalid",
        "api_key": "signin.api_key_required",
        "email": "account.email_invalid",
    }
    values = {"client_id": " ", "client_secret": "s", "email": "a@b.de", "password": ""}
    assert signin.problems("wirelane", values, CORE) == {
        "client_id": "signin.client_id_required",
        "password": "signin.password_required",
    }
    assert signin.problems("wirelane", signin.DEMO_LOGINS["wirelane"], CORE) == {}


def test_split_keeps_the_oauth_client_apart_from_the_login():
    creds, options = signin.split("wirelane", {**signin.DEMO_LOGINS["wirelane"], "x": "y"})
    assert options == {"client_id": "voltra-demo", "client_secret": "voltra-demo-secret"}
    assert (creds.username, creds.password, creds.api_key) == (
        "fleet@example.com",
        "fleet-demo",
        None,
    )
    creds, options = signin.split("gpjoule", {"api_key": "k ", "email": " d@e.de "})
    # a secret is taken as typed; an e-mail is trimmed
    assert (creds.username, creds.api_key, options) == ("d@e.de", "k ", {})
    assert "k " not in repr(creds)


class Opened:
    """An opener that records what the app asked for and hands out fake providers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict]] = []

    async def __call__(self, name: str, url: str, **options):
        self.calls.append((name, url, options))
        provider = FakeProvider()
        provider.name = name
        return provider


def make_ctx(opener=None, **config) -> AppContext:
    base = dict(persist_settings=False, demo=True, base_url=CORE, online_geocoding=False)
    return AppContext(
        AppConfig(**{**base, **config}), Settings(), FakeProvider(), provider_factory=opener
    )


def test_choosing_a_back_end_prefills_its_core_url_and_demo_hint():
    vm = AccountViewModel(make_ctx())
    assert (vm.chosen, vm.url_draft) == ("beenergised", CORE)
    assert vm.demo_values == {"email": "driver@example.com", "password": "driver-demo"}
    vm.choose("gpjoule")
    assert vm.url_draft == CORE + "/gpjoule"
    assert vm.demo_values == {"api_key": "gpjoule-demo-key", "email": "driver@example.com"}
    vm.choose("wirelane")
    assert vm.url_draft == CORE + "/wirelane"
    assert vm.demo_values["client_id"] == "voltra-demo"


@pytest.mark.parametrize(
    ("config", "url"),
    [
        ({"kiosk": True}, CORE + "/gpjoule"),  # a kiosk's passers-by never see demo logins
        ({"demo": False, "base_url": "https://api.example.com"}, ""),  # a real back end
    ],
)
def test_no_demo_hint_outside_demo_mode(config, url):
    vm = AccountViewModel(make_ctx(**config))
    vm.choose("gpjoule")
    assert not vm.show_demo_hint and vm.demo_values == {}
    assert vm.url_draft == url
    form = LoginForm(vm, lambda coro: coro.close()).build()
    assert not any(
        isinstance(c, ft.Semantics) and c.identifier == "demo-hint" for c in form.content.controls
    )


def test_form_shows_the_fields_of_the_chosen_kind_with_secrets_hidden():
    vm = AccountViewModel(make_ctx())
    vm.choose("wirelane")
    form = LoginForm(vm, lambda coro: coro.close()).build()
    fields = {c.label: c for c in form.content.controls if isinstance(c, ft.TextField)}
    assert list(fields) == ["Service URL", "Client ID", "Client secret", "Email", "Password"]
    assert [f.password for f in fields.values()] == [False, False, True, False, True]
    assert fields["Service URL"].value == CORE + "/wirelane"
    dropdown = next(c for c in form.content.controls if isinstance(c, ft.Dropdown))
    assert dropdown.value == "wirelane"
    assert {o.key for o in dropdown.options} >= {"beenergised", "gpjoule", "wirelane"}


async def test_sign_in_refuses_before_opening_anything():
    opener = Opened()
    vm = AccountViewModel(make_ctx(opener))
    vm.choose("gpjoule")
    assert not await vm.sign_in({"api_key": "", "email": "driver@example.com"}, vm.url_draft)
    assert vm.field_errors == {"api_key": "Enter the API key your operator gave you."}
    assert opener.calls == []
    # what was typed stays, except the secret
    assert vm.drafts == {"email": "driver@example.com"}


async def test_sign_in_opens_the_back_end_with_its_oauth_client():
    opener = Opened()
    ctx = make_ctx(opener)
    vm = AccountViewModel(ctx)
    vm.choose("wirelane")
    values = {
        **signin.DEMO_LOGINS["wirelane"],
        "email": "driver@example.com",
        "password": "driver-demo",
    }  # what the fake back end accepts
    assert await vm.sign_in(values, vm.url_draft), vm.error
    assert opener.calls == [
        (
            "wirelane",
            CORE + "/wirelane",
            {"client_id": "voltra-demo", "client_secret": "voltra-demo-secret"},
        )
    ]
    assert ctx.logged_in and ctx.provider.name == "wirelane"
    assert (ctx.settings.provider, ctx.settings.url) == ("wirelane", CORE + "/wirelane")
    assert "voltra-demo-secret" not in json.dumps(dataclasses.asdict(ctx.settings))


async def test_sign_in_to_the_open_back_end_does_not_reopen_it_and_desktop_caches_gpjoule():
    opener = Opened()
    vm = AccountViewModel(make_ctx(opener))
    assert await vm.sign_in({"email": "driver@example.com", "password": "driver-demo"}, CORE)
    assert opener.calls == []
    await vm.logout()
    vm = AccountViewModel(make_ctx(opener, persist_settings=True))
    vm.choose("gpjoule")
    await vm.sign_in({"api_key": "k", "email": "driver@example.com"}, vm.url_draft)
    assert opener.calls[0][2] == {"catalogue_cache": True}


async def test_applying_an_oauth_back_end_in_settings_leaves_it_to_the_form():
    opener = Opened()
    ctx = make_ctx(opener)
    vm = AccountViewModel(ctx)
    assert await vm.apply_backend("wirelane", "https://fleet.example.com/")
    assert opener.calls == []  # cannot be opened without the app's OAuth client
    assert (vm.chosen, vm.url_draft) == ("wirelane", "https://fleet.example.com/")


# ---------------------------------------------------------------- against the real core


async def core_ctx(core_url: str, vault: LoginVault | None = None) -> AppContext:
    config = AppConfig(persist_settings=False, demo=True, base_url=core_url, online_geocoding=False)
    ctx = AppContext(config, Settings(), await open_provider("beenergised", core_url))
    ctx.vault = vault
    return ctx


async def test_gpjoule_sign_in_on_the_core_keeps_the_key_only_in_the_vault(core_url):
    vault = LoginVault(MemoryStore())
    ctx = await core_ctx(core_url, vault)
    vm = AccountViewModel(ctx)
    try:
        vm.choose("gpjoule")
        assert not await vm.sign_in(
            {"api_key": "not-a-key", "email": "driver@example.com"}, vm.url_draft
        )
        assert vm.error and not ctx.logged_in
        assert await vm.sign_in(vm.demo_values, vm.url_draft), vm.error
        assert ctx.logged_in and ctx.profile.email == "driver@example.com"
        assert ctx.can(Capability.CHARGING) and not ctx.can(Capability.FLEET)
        saved = vault.load("gpjoule", core_url + "/gpjoule")
        assert saved and saved.refresh_token == "gpjoule-demo-key"
        assert "gpjoule-demo-key" not in json.dumps(dataclasses.asdict(ctx.settings))
    finally:
        await ctx.provider.close()


async def test_wirelane_fleet_on_the_core(core_url):
    ctx = await core_ctx(core_url)
    vm = AccountViewModel(ctx)
    fleet = FleetViewModel(ctx)
    try:
        vm.choose("wirelane")
        wrong = {**vm.demo_values, "client_secret": "not-the-secret"}
        assert not await vm.sign_in(wrong, vm.url_draft)
        assert vm.error and not fleet.available
        assert await vm.sign_in(vm.demo_values, vm.url_draft), vm.error
        assert ctx.profile.email == "fleet@example.com"
        assert not ctx.can(Capability.CHARGING) and not ctx.can(Capability.CARDS)
        await fleet.load()
        assert fleet.error is None
        by_email = {m.email: m for m in fleet.members}
        driver = by_email["driver@example.com"]
        assert driver.status is FleetMemberStatus.ACTIVE
        assert driver.payment_methods is not None
        await fleet.open_member(driver.id)
        assert fleet.error is None and fleet.sessions  # demo drivers have months of history
        csv = (await fleet.export_csv()).decode()
        assert csv.count("\n") >= len(fleet.sessions)
    finally:
        await ctx.provider.close()


async def test_plugsurfing_sign_in_on_the_core_with_the_oem_key(core_url):
    ctx = await core_ctx(core_url)
    vm = AccountViewModel(ctx)
    try:
        vm.choose("plugsurfing")
        assert vm.url_draft == core_url  # OIOI is served at the core's root
        assert keys("plugsurfing") == ["api_key", "email", "password"]
        assert await vm.sign_in(vm.demo_values, vm.url_draft), vm.error
        assert ctx.logged_in and ctx.provider.name == "plugsurfing"
    finally:
        await ctx.provider.close()
