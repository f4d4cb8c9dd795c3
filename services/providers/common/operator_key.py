"""Providers whose driver signs in with a key the operator issues plus their e-mail (GP JOULE,
AMPECO): the API is the operator's, and the provider acts for the driver it finds by e-mail.

The key is the login's only secret: a saved login brings it back as the refresh token, and
a key configured on the device (a kiosk) stands in when the driver gives none, so stations
can be searched before anyone signs in. Such APIs have no geo search: their stations are
read whole into a :class:`Catalogue` and searched on the device.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from services import models as m
from services.provider import BaseProvider, InvalidInput
from services.providers.common.catalogue import CacheChoice, Catalogue, Fetch, Place, ToStation

T = TypeVar("T")


def key_and_email(
    credentials: m.Credentials,
    configured: str | None,
    *,
    key_name: str,
    email_needs_at: bool = False,
) -> tuple[str, str]:
    """The key and the e-mail to sign in with, or InvalidInput naming the one missing."""
    key = credentials.api_key or credentials.refresh_token or configured
    email = (credentials.username or "").strip()
    if not key:
        raise InvalidInput(f"Enter the {key_name} your operator gave you.", field="api_key")
    if not email or (email_needs_at and "@" not in email):
        raise InvalidInput("Enter your e-mail address.", field="username")
    return key, email


async def under_key(
    key: str,
    current: str | None,
    use: Callable[[str | None], None],
    find: Callable[[], Awaitable[T]],
) -> T:
    """``find()`` with ``key`` in use. If it fails, the key in use before comes back, so a
    mistyped key does not end the login (or the kiosk key) already in place."""
    use(key)
    try:
        return await find()
    except BaseException:
        use(current)
        raise


class OperatorKeyProvider(BaseProvider):
    """Sign-in, sign-out and the station catalogue of such a provider. A subclass sets its
    client up before calling ``__init__`` and supplies the key its client sends
    (``_key_in_use`` / ``_use_key``), the driver found by e-mail (``_driver_by_email``)
    and that driver's profile (``_profile_of``)."""

    key_name = "API key"  # as the sign-in asks for it
    email_needs_at = False  # an e-mail without "@" is refused before the back end is asked

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None,
        on_login_token: Callable[[str | None], None] | None,
        poll_interval_s: float,
        stations: tuple[Fetch, ToStation, Place],
        catalogue_cache: CacheChoice,
        refresh_after_s: float,
    ) -> None:
        self.base_url = base_url
        self._configured_key = api_key
        if api_key:
            self._use_key(api_key)
        self._on_login_token = on_login_token
        self.poll_interval_s = poll_interval_s
        self._driver: Any = None
        self._cards: dict[str, m.Card] = {}
        self.catalogue = Catalogue(
            *stations,
            cache=catalogue_cache,
            key=f"{self.name}:{self.base_url}",
            refresh_after_s=refresh_after_s,
        )

    def _key_in_use(self) -> str | None:
        raise NotImplementedError

    def _use_key(self, key: str | None) -> None:
        raise NotImplementedError

    async def _driver_by_email(self, email: str, credentials: m.Credentials) -> Any:
        raise NotImplementedError

    def _profile_of(self, driver: Any) -> m.Profile:
        raise NotImplementedError

    @property
    def is_logged_in(self) -> bool:
        return self._driver is not None

    @property
    def username(self) -> str | None:
        return self._driver.email if self._driver else None

    async def close(self) -> None:
        await self.catalogue.aclose()

    async def login(self, credentials: m.Credentials) -> m.Profile:
        """``api_key`` with ``username`` (the driver's e-mail); a saved login brings the key
        back as ``refresh_token``."""
        key, email = key_and_email(
            credentials,
            self._configured_key,
            key_name=self.key_name,
            email_needs_at=self.email_needs_at,
        )
        driver = await under_key(
            key,
            self._key_in_use(),
            self._use_key,
            lambda: self._driver_by_email(email, credentials),
        )
        self._driver = driver
        self._cards.clear()
        self._tell_login_token(key)
        return self._profile_of(driver)

    async def logout(self) -> None:
        self._driver = None
        self._cards.clear()
        self._use_key(self._configured_key)
        self._tell_login_token(None)
