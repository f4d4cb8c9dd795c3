"""Credential stores: keyring when safe, else session-only memory flagged not remembered."""

from __future__ import annotations

import keyring
from keyring.backend import KeyringBackend

from services.credentials import (
    KeyringStore,
    LoginVault,
    MemoryStore,
    SavedLogin,
    keyring_usable,
    open_store,
)


class DictKeyring(KeyringBackend):
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


def test_without_keyring_backend_store_is_memory_and_not_remembered(monkeypatch):
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert keyring_usable() is False
    store = open_store()
    assert isinstance(store, MemoryStore)
    assert store.remembered is False


def test_kiosk_never_remembers_even_with_keyring(monkeypatch):
    monkeypatch.setattr(keyring, "get_keyring", lambda: DictKeyring())
    assert keyring_usable() is True
    assert open_store(kiosk=True).remembered is False
    assert isinstance(open_store(), KeyringStore)


def test_vault_round_trip_via_keyring_keeps_token_out_of_repr():
    backend = DictKeyring()
    vault = LoginVault(KeyringStore(backend=backend))
    login = SavedLogin(
        provider="beenergised", base_url="http://h/", username="d@x", refresh_token="refresh-xyz"
    )
    vault.save(login)
    assert vault.remembered is True
    assert "refresh-xyz" not in repr(login)
    loaded = vault.load("beenergised", "http://h")
    assert loaded == login
    vault.forget("beenergised", "http://h/")
    assert vault.load("beenergised", "http://h/") is None
    assert backend.data == {}


def test_corrupt_entry_is_dropped_not_raised():
    store = MemoryStore()
    vault = LoginVault(store)
    store.set("login:p:http://h", "{not json")
    assert vault.load("p", "http://h") is None
    assert store.get("login:p:http://h") is None


async def test_open_provider_keeps_the_rotating_refresh_token_in_the_vault(monkeypatch):
    import httpx
    import respx

    from services.models import Credentials
    from services.registry import open_provider

    vault = LoginVault(MemoryStore())
    answers = iter(
        [
            {
                "data": {
                    "initSession": {"sessionToken": "sess-000001", "refreshToken": "refr-000001"}
                }
            },
            {"data": {"contact": {"id": "u1", "email": "d@x.org"}}},
            {
                "data": {
                    "renewSession": {"sessionToken": "sess-000002", "refreshToken": "refr-000002"}
                }
            },
            {"data": {"invalidateSession": {"isInvalidated": True, "status": "ok"}}},
        ]
    )
    with respx.mock:
        respx.post("https://be.invalid/graphql/").mock(
            side_effect=lambda request: httpx.Response(200, json=next(answers))
        )
        p = await open_provider(
            "beenergised",
            "https://be.invalid",
            Credentials(username="d@x.org", password="pw-123456"),
            vault=vault,
        )
        assert vault.load("beenergised", "https://be.invalid").refresh_token == "refr-000001"
        await p.gql.renew()
        saved = vault.load("beenergised", "https://be.invalid")
        assert saved.refresh_token == "refr-000002" and saved.username == "d@x.org"
        await p.logout()
        assert vault.load("beenergised", "https://be.invalid") is None
        await p.close()


async def test_resume_saved_login_uses_refresh_token_and_forgets_a_rejected_one():
    import httpx
    import respx

    from services.registry import open_provider, resume_saved_login

    vault = LoginVault(MemoryStore())
    base = "https://be.invalid"
    vault.save(
        SavedLogin(
            provider="beenergised", base_url=base, username="d@x.org", refresh_token="refr-saved-1"
        )
    )
    seen = []

    def handle(request):
        import json

        query = json.loads(request.content)["query"]
        seen.append(request.headers.get("Authorization"))
        if "renewSession" in query:
            if request.headers["Authorization"] == "Bearer refr-saved-1":
                return httpx.Response(
                    200,
                    json={
                        "data": {
                            "renewSession": {
                                "sessionToken": "sess-100001",
                                "refreshToken": "refr-saved-2",
                            }
                        }
                    },
                )
            return httpx.Response(
                200,
                json={
                    "data": None,
                    "errors": [
                        {
                            "message": "the refresh token expired; log in again",
                            "extensions": {"code": "UNAUTHENTICATED", "reason": "EXPIRED"},
                        }
                    ],
                },
            )
        if "contact" in query:
            return httpx.Response(200, json={"data": {"contact": {"email": "d@x.org"}}})
        return httpx.Response(
            200,
            json={
                "data": {
                    "initAnonymousSession": {
                        "sessionToken": "anon-100001",
                        "refreshToken": "anon-r",
                    }
                }
            },
        )

    with respx.mock:
        respx.post(base + "/graphql/").mock(side_effect=handle)
        p = await open_provider("beenergised", base, vault=vault)
        me = await resume_saved_login(p, vault, "beenergised", base)
        assert me.email == "d@x.org" and p.is_logged_in
        assert seen[0] == "Bearer refr-saved-1"
        assert vault.load("beenergised", base).refresh_token == "refr-saved-2"
        await p.close()

        p2 = await open_provider("beenergised", base, vault=vault)
        vault.save(
            SavedLogin(
                provider="beenergised",
                base_url=base,
                username="d@x.org",
                refresh_token="refr-stale-9",
            )
        )
        assert await resume_saved_login(p2, vault, "beenergised", base) is None
        assert vault.load("beenergised", base) is None and not p2.is_logged_in
        await p2.close()


def test_chained_plaintext_backend_never_receives_the_secret(monkeypatch, tmp_path):
    """A keyring chain holding a safe backend AND a higher-priority plaintext
    file backend (keyrings.alt style): the secret goes to the safe one, no file is written."""
    from keyring.backends import chainer

    secret_file = tmp_path / "keyring_pass.cfg"

    class PlaintextKeyring(KeyringBackend):  # named like keyrings.alt.file.PlaintextKeyring
        priority = 9

        def get_password(self, service, username):
            return None

        def set_password(self, service, username, password):
            secret_file.write_text(f"{service} {username} {password}")

        def delete_password(self, service, username):
            secret_file.unlink(missing_ok=True)

    safe = DictKeyring()
    safe.priority = 1  # type: ignore[misc]
    chain = chainer.ChainerBackend.__new__(chainer.ChainerBackend)
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [PlaintextKeyring(), safe])
    monkeypatch.setattr(keyring, "get_keyring", lambda: chain)
    store = open_store()
    assert store.remembered is True
    LoginVault(store).save(
        SavedLogin(
            provider="p", base_url="http://h", username="u", refresh_token="refresh-secret-1"
        )
    )
    assert not secret_file.exists()
    assert any("refresh-secret-1" in v for v in safe.data.values())
