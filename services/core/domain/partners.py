"""Partners of the partner APIs and their credentials.

A *partner* is one client of one partner API: a GP JOULE key holder, a Wirelane
organisation, an AMPECO operator, a Plugsurfing OIOI OEM or CPO. It authenticates with
*credentials*: API keys/tokens (GP JOULE ``x-api-key``, AMPECO Bearer token, OIOI
``key=``) or OAuth clients (Wirelane: client id + secret). It sees only its *members*: the
users it may read and act for (contacts, organisation members, operator users), some of them
organisation admins.

Secrets are random and high-entropy, so a fast keyed hash is enough: HMAC-SHA256 with a
per-database pepper, compared in constant time. Only the hash and a short prefix (to tell
keys apart) are stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from services.core.domain.errors import BadInput

APIS = ("gpjoule", "wirelane", "ampeco", "plugsurfing")
ROLES = ("oem", "cpo")
API_KEY = "api_key"
OAUTH_CLIENT = "oauth_client"
# Which kind of credential each API uses.
CREDENTIAL_KIND = {"gpjoule": API_KEY, "wirelane": OAUTH_CLIENT, "ampeco": API_KEY,
                   "plugsurfing": API_KEY}  # fmt: skip
# Default OAuth scopes of a new client (the Wirelane client-credentials grant asks "account").
DEFAULT_SCOPES = {"wirelane": ("account",)}

PREFIX_LENGTH = 10
MAX_SECRET_LENGTH = 512  # longer presented secrets are refused before hashing
_NAME_MAX = 200


@dataclass(frozen=True)
class Partner:
    id: int
    uuid: str
    api: str
    name: str
    role: str | None
    organisation: str | None
    operator_id: int | None
    demo: bool
    created_at: str


@dataclass(frozen=True)
class Credential:
    id: int
    public_id: str
    partner_id: int
    kind: str
    client_id: str | None
    prefix: str
    scopes: tuple[str, ...]
    created_at: str
    last_used_at: str | None
    revoked_at: str | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class Principal:
    """Who is calling a partner API: the partner and the credential it presented."""

    partner_id: int
    partner_uuid: str
    api: str
    name: str
    role: str | None
    organisation: str | None
    operator_id: int | None
    credential_id: int
    credential_public_id: str
    client_id: str | None
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class NewCredential:
    """A credential just created: the only moment its secret exists outside the caller."""

    credential: Credential
    partner: Partner
    secret: str


def check_partner_fields(api: str, name: str, role: str | None,
                         organisation: str | None) -> None:  # fmt: skip
    if api not in APIS:
        raise BadInput("api", f"must be one of {', '.join(APIS)}")
    if not name or not name.strip() or len(name) > _NAME_MAX:
        raise BadInput("name", f"must be 1 to {_NAME_MAX} characters")
    if api == "plugsurfing":
        if role not in ROLES:
            raise BadInput("role", "a plugsurfing partner needs a role, oem or cpo")
    elif role is not None:
        raise BadInput("role", f"only plugsurfing partners have a role, not {api} ones")
    if organisation is not None and (not organisation.strip() or len(organisation) > _NAME_MAX):
        raise BadInput("organisation", f"must be 1 to {_NAME_MAX} characters")


def new_secret() -> str:
    """A fresh API key or client secret: 256 random bits, URL-safe."""
    return "vk_" + secrets.token_urlsafe(32)


def new_client_id() -> str:
    return "vc_" + secrets.token_hex(8)


def new_public_id() -> str:
    return secrets.token_hex(6)


def new_pepper() -> str:
    return secrets.token_hex(32)


def hash_secret(pepper: bytes, secret: str) -> str:
    return hmac.new(pepper, secret.encode("utf-8"), hashlib.sha256).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))


def secret_prefix(secret: str) -> str:
    return secret[:PREFIX_LENGTH]


def plausible_secret(secret: str | None) -> bool:
    """Cheap gate before hashing: empty or absurdly long input is never a key."""
    return bool(secret) and len(secret) <= MAX_SECRET_LENGTH
