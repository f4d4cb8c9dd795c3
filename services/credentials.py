"""Where a login is kept between runs.

Desktop: the OS keyring (Secret Service, macOS Keychain, Windows Credential Locker). Where no
keyring backend exists (headless Linux, kiosks, CI) a session-only in-memory store is used and
``remembered`` is False, so the UI can say "login is not remembered on this device". Secrets
never go to plaintext files: we refuse the keyrings.alt plaintext backends too.

Mobile builds can plug in a flet-secure-storage backed store later: anything implementing
:class:`SecretStore` can be passed to :func:`open_store` (``backend=``).
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field

log = logging.getLogger("voltra.credentials")

SERVICE = "voltra"

# keyrings.alt backends that write secrets to disk unencrypted or with a key next to them.
_UNSAFE_BACKENDS = ("PlaintextKeyring", "EncryptedKeyring", "fail.Keyring", "null.Keyring")


@runtime_checkable
class SecretStore(Protocol):
    """A place for small secrets, keyed by (service, key)."""

    remembered: bool  # True: survives a restart of the app

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None: ...
    def delete(self, key: str) -> None: ...


class MemoryStore:
    """Session-only: gone when the process ends. Used when no safe keyring exists, and
    always in kiosk mode (a shared device must never keep a driver's login)."""

    remembered = False

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._values.get(key)

    def set(self, key: str, value: str) -> None:
        self._values[key] = value

    def delete(self, key: str) -> None:
        self._values.pop(key, None)


class KeyringStore:
    remembered = True

    def __init__(self, service: str = SERVICE, backend=None) -> None:
        import keyring

        self._service = service
        self._keyring = backend or keyring.get_keyring()

    def get(self, key: str) -> str | None:
        return self._keyring.get_password(self._service, key)

    def set(self, key: str, value: str) -> None:
        self._keyring.set_password(self._service, key, value)

    def delete(self, key: str) -> None:
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self._keyring.delete_password(self._service, key)


def safe_backend():  # type: ignore[no-untyped-def]
    """The best keyring backend that really stores secrets safely, or None.

    A chainer writes to its highest-priority member, which may be a plaintext file backend
    even when a safe one is present too: so the safe member itself is used, not the chain."""
    try:
        import keyring
        from keyring.backends import chainer

        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring config must not stop the app
        log.info("keyring unavailable: %s", type(exc).__name__)
        return None
    backends = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    usable = [
        b
        for b in backends
        if not any(name in f"{type(b).__module__}.{type(b).__name__}" for name in _UNSAFE_BACKENDS)
        and getattr(b, "priority", 0) > 0
    ]
    return max(usable, key=lambda b: b.priority, default=None)


def keyring_usable() -> bool:
    """A keyring backend that really stores secrets safely is available."""
    return safe_backend() is not None


def open_store(
    *, kiosk: bool = False, backend: SecretStore | None = None, service: str = SERVICE
) -> SecretStore:
    if backend is not None:
        return backend
    safe = None if kiosk else safe_backend()
    if safe is None:
        return MemoryStore()
    return KeyringStore(service, backend=safe)


class SavedLogin(BaseModel):
    """What we keep to log in again without asking: the refresh token, not the password."""

    provider: str
    base_url: str
    username: str
    refresh_token: str | None = Field(default=None, repr=False)


class LoginVault:
    """Saved logins per (provider, base_url) on top of a :class:`SecretStore`."""

    def __init__(self, store: SecretStore) -> None:
        self.store = store

    @property
    def remembered(self) -> bool:
        return self.store.remembered

    @staticmethod
    def _key(provider: str, base_url: str) -> str:
        return f"login:{provider}:{base_url.rstrip('/')}"

    def save(self, login: SavedLogin) -> None:
        self.store.set(self._key(login.provider, login.base_url), login.model_dump_json())

    def load(self, provider: str, base_url: str) -> SavedLogin | None:
        raw = self.store.get(self._key(provider, base_url))
        if not raw:
            return None
        try:
            return SavedLogin.model_validate(json.loads(raw))
        except (ValueError, TypeError):
            self.forget(provider, base_url)  # unreadable: better to ask again than crash
            return None

    def forget(self, provider: str, base_url: str) -> None:
        self.store.delete(self._key(provider, base_url))
