"""Where webhook deliveries may go: ``http(s)`` URLs without credentials, to a host the
operator allowed (``VOLTRA_WEBHOOK_HOSTS``: names, or ``*.example.com`` for a domain's
hosts), and only ever to public addresses. Loopback is allowed for a demo database (a
local receiver while trying the API out); private, link-local (cloud metadata), multicast
and reserved addresses never are, whatever the name resolves to at delivery time.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

from services.core.domain.errors import BadInput
from services.settings import get_settings

ENV_HOSTS = "VOLTRA_WEBHOOK_HOSTS"  # named in refusals: where the operator allows a host
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
MAX_URL = 2000


def allowed_hosts() -> tuple[str, ...]:
    raw = get_settings().webhook_hosts
    return tuple(h.strip().lower().rstrip(".") for h in raw.split(",") if h.strip())


def _host_allowed(host: str, allowed: Iterable[str]) -> bool:
    for pattern in allowed:
        if pattern.startswith("*.") and host.endswith(pattern[1:]) and host != pattern[2:]:
            return True
        if host == pattern:
            return True
    return False


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def parse(url: str, *, demo: bool, allowed: Iterable[str] | None = None) -> SplitResult:
    """The URL when a webhook may be registered with it; BadInput("url", reason) if not."""
    if not url or len(url) > MAX_URL:
        raise BadInput("url", f"1 to {MAX_URL} characters")
    if any(c in url for c in "\\ \t\r\n") or not url.isprintable():
        # parsers disagree on these (a backslash ends the host for browsers, not urlsplit)
        raise BadInput("url", "must not contain backslashes, spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise BadInput("url", "not a valid URL") from None
    if parts.scheme not in ("http", "https"):
        raise BadInput("url", "must be an http or https URL")
    if parts.username is not None or parts.password is not None:
        raise BadInput("url", "must not carry credentials; deliveries are signed instead")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise BadInput("url", "names no host")
    if parts.fragment:
        raise BadInput("url", "must not have a fragment")
    literal = _literal(host)
    if demo and (host in LOOPBACK_NAMES or (literal is not None and literal.is_loopback)):
        return parts
    if literal is not None and not permitted(literal, demo=False):
        raise BadInput("url", f"{host} is not a public address")
    if not _host_allowed(host, allowed_hosts() if allowed is None else allowed):
        raise BadInput("url", f"host {host} is not one the operator allowed for webhooks"
                       f" ({ENV_HOSTS})")  # fmt: skip
    return parts


def permitted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, demo: bool) -> bool:
    """Whether a delivery may connect to ``address``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return demo
    return address.is_global and not address.is_multicast


def check_addresses(host: str, addresses: Iterable[str], *, demo: bool) -> str:
    """The address to connect to, after every address the name resolved to was checked (a
    name with one internal address among public ones is refused as a whole)."""
    found = [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]
    if not found:
        raise BadInput("url", f"{host} does not resolve")
    for address in found:
        if not permitted(address, demo=demo):
            raise BadInput("url", f"{host} resolves to {address}, which is not a public address")
    return str(found[0])
