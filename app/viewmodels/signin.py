"""What the sign-in form asks for, per kind of sign-in a back end's API needs.

The registry names each provider's kind (``services.registry.SignIn``); this module turns a
kind into fields, checks what was typed, and splits it into the provider's ``Credentials``
and the options its factory takes (an OAuth client is the app's, not the driver's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.models import Credentials
from services.registry import SignIn, provider_info

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Field:
    key: str  # what the value is called in ``values`` (and in the provider's errors)
    label: str  # translation key of the field's label
    secret: bool = False  # a password field, never prefilled from settings, never logged
    email: bool = False

    @property
    def required_key(self) -> str:
        return "account.email_invalid" if self.email else f"signin.{self.key}_required"


EMAIL = Field("email", "account.email", email=True)
PASSWORD = Field("password", "account.password", secret=True)
API_KEY = Field("api_key", "signin.api_key", secret=True)
OPERATOR_TOKEN = Field("api_key", "signin.operator_token", secret=True)
CLIENT_ID = Field("client_id", "signin.client_id")
CLIENT_SECRET = Field("client_secret", "signin.client_secret", secret=True)

FIELDS: dict[SignIn, tuple[Field, ...]] = {
    SignIn.EMAIL_PASSWORD: (EMAIL, PASSWORD),
    SignIn.API_KEY_EMAIL: (API_KEY, EMAIL),
    SignIn.OAUTH_CLIENT_USER: (CLIENT_ID, CLIENT_SECRET, EMAIL, PASSWORD),
    SignIn.OPERATOR_TOKEN_EMAIL: (OPERATOR_TOKEN, EMAIL),
    SignIn.API_KEY_EMAIL_PASSWORD: (API_KEY, EMAIL, PASSWORD),
}
# Options of the provider's factory rather than parts of the driver's login
CLIENT_OPTIONS = ("client_id", "client_secret")

# The embedded core serves each API where its operator would publish it (DESIGN.md)
CORE_PATHS = {"gpjoule": "/gpjoule", "wirelane": "/wirelane"}

# The demo partners and users the embedded core creates (README: demo only)
DEMO_LOGINS: dict[str, dict[str, str]] = {
    "ampeco": {"api_key": "ampeco-demo-token", "email": "driver@example.com"},
    "beenergised": {"email": "driver@example.com", "password": "driver-demo"},
    "gpjoule": {"api_key": "gpjoule-demo-key", "email": "driver@example.com"},
    "plugsurfing": {
        "api_key": "oioi-demo-oem-key",
        "email": "driver@example.com",
        "password": "driver-demo",
    },
    "wirelane": {
        "client_id": "voltra-demo",
        "client_secret": "voltra-demo-secret",
        "email": "fleet@example.com",
        "password": "fleet-demo",
    },
}


def sign_in_kind(provider: str) -> SignIn:
    return provider_info(provider).sign_in


def fields_for(provider: str) -> tuple[Field, ...]:
    return FIELDS[sign_in_kind(provider)]


def core_url_for(provider: str, core_url: str) -> str:
    """The base URL of ``provider`` on the embedded core at ``core_url``."""
    return core_url.rstrip("/") + CORE_PATHS.get(provider, "")


def problems(provider: str, values: dict[str, str], url: str) -> dict[str, str]:
    """Translation keys of what is wrong, by field ("url" for the base URL)."""
    out: dict[str, str] = {}
    if not url.strip().startswith(("http://", "https://")):
        out["url"] = "settings.url_invalid"
    for f in fields_for(provider):
        value = values.get(f.key, "")
        if f.email:
            if not EMAIL_RE.match(value.strip()):
                out[f.key] = f.required_key
        elif not (value if f.secret else value.strip()):
            out[f.key] = f.required_key
    return out


def split(provider: str, values: dict[str, str]) -> tuple[Credentials, dict[str, str]]:
    """The driver's credentials and the provider options in what the form holds."""
    keys = {f.key for f in fields_for(provider)}
    got = {
        k: (v if k in ("password", "api_key", "client_secret") else v.strip())
        for k, v in values.items()
        if k in keys
    }
    options = {k: got.pop(k) for k in CLIENT_OPTIONS if k in got}
    credentials = Credentials(
        username=got.get("email") or None,
        password=got.get("password") or None,
        api_key=got.get("api_key") or None,
    )
    return credentials, options


def demo_hint_values(provider: str) -> dict[str, str] | None:
    return DEMO_LOGINS.get(provider)
