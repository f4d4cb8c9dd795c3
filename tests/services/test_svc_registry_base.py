"""The provider table and BaseProvider: unknown and unbuilt providers are NotSupported,
a row's factory is opened with the one token sink, and every operation a provider's
capabilities leave out raises NotSupported with a message for the driver."""

from __future__ import annotations

import inspect

import pytest

from services import registry
from services.credentials import LoginVault, MemoryStore
from services.models import Credentials, Profile
from services.provider import BaseProvider, Capability, ChargingProvider, NotSupported


async def test_unknown_and_unbuilt_providers_are_not_supported(monkeypatch):
    with pytest.raises(NotSupported) as unknown:
        await registry.open_provider("nosuch", "http://127.0.0.1:1")
    assert "nosuch" in unknown.value.message
    unbuilt_row = registry.ProviderInfo(
        "later", "Later API", "later.txt", registry.SignIn.API_KEY_EMAIL
    )
    monkeypatch.setattr(registry, "PROVIDERS", (*registry.PROVIDERS, unbuilt_row))
    with pytest.raises(NotSupported) as unbuilt:
        await registry.open_provider("later", "http://127.0.0.1:1")
    assert "not supported by this version" in unbuilt.value.message
    assert "later" not in registry.implemented_providers()
    monkeypatch.undo()
    assert registry.implemented_providers() == ["beenergised", "gpjoule", "wirelane", "ampeco",
                                                "plugsurfing"]
    kinds = {p.name: p.sign_in for p in registry.known_providers()}
    assert kinds["wirelane"] is registry.SignIn.OAUTH_CLIENT_USER
    assert kinds["ampeco"] is registry.SignIn.OPERATOR_TOKEN_EMAIL
    assert kinds["plugsurfing"] is registry.SignIn.API_KEY_EMAIL_PASSWORD


def test_registry_code_names_no_provider():
    source = inspect.getsource(registry)
    table_end = source.index("def known_providers")
    assert "beenergised" not in source[table_end:]


class TokenProvider(BaseProvider):
    """A provider whose back end hands out a resumable token at login."""

    name = "fake"
    capabilities = frozenset({Capability.ACCOUNT})

    def __init__(self, base_url: str, *, on_login_token, greeting: str = "") -> None:
        self.base_url = base_url
        self.on_login_token = on_login_token
        self.greeting = greeting
        self._user: str | None = None

    @property
    def is_logged_in(self) -> bool:
        return self._user is not None

    @property
    def username(self) -> str | None:
        return self._user

    async def login(self, credentials: Credentials) -> Profile:
        self._user = credentials.username
        self.on_login_token("resume-token-1")
        return Profile(id="u1", email=credentials.username)

    async def logout(self) -> None:
        self._user = None
        self.on_login_token(None)


async def test_a_table_row_is_all_a_provider_needs(monkeypatch):
    row = registry.ProviderInfo(
        "fake",
        "Fake",
        "none.txt",
        registry.SignIn.EMAIL_PASSWORD,
        f"{__name__}:TokenProvider",
    )
    monkeypatch.setattr(registry, "PROVIDERS", (*registry.PROVIDERS, row))
    vault = LoginVault(MemoryStore())
    p = await registry.open_provider(
        "fake",
        "http://fake.example",
        Credentials(username="d@x", password="pw-123456"),
        vault=vault,
        greeting="hi",  # options reach the factory as they are
    )
    assert isinstance(p, TokenProvider) and p.greeting == "hi"
    saved = vault.load("fake", "http://fake.example")
    assert saved is not None and saved.username == "d@x"
    assert saved.refresh_token == "resume-token-1"
    await p.logout()
    assert vault.load("fake", "http://fake.example") is None


async def test_base_provider_refuses_what_capabilities_leave_out():
    p = TokenProvider("http://x", on_login_token=lambda _t: None)
    assert isinstance(p, ChargingProvider)
    calls = {
        "register": (None,),
        "search_stations": (None,),
        "get_station": ("s",),
        "occupancy": ("s",),
        "favourites": (),
        "set_favourite": ("s", True),
        "list_cards": (),
        "add_card": ("04AA",),
        "rename_card": ("c", "x"),
        "block_card": ("c",),
        "unblock_card": ("c",),
        "start_charging": ("k", "c"),
        "get_session": ("x",),
        "stop_charging": ("x",),
        "active_sessions": (),
        "history": (),
        "statistics": (),
        "documents": (),
        "update_profile": (None,),
    }
    messages = set()
    for method, args in calls.items():
        with pytest.raises(NotSupported) as exc:
            await getattr(p, method)(*args)
        messages.add(exc.value.message)
        assert exc.value.message != NotSupported.default_message
    with pytest.raises(NotSupported):
        p.watch_status(["c1"])
    assert len(messages) >= 15  # each says what is missing, not one generic line
    assert (await p.login(Credentials(username="d@x", password="pw-123456"))).email == "d@x"
