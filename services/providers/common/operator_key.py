"""Signing in with a key the operator issues plus the driver's e-mail (GP JOULE, AMPECO).

The key is the login's only secret: a saved login brings it back as the refresh token, and
a key configured on the device (a kiosk) stands in when the driver gives none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from services import models as m
from services.provider import InvalidInput

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
