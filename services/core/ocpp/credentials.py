"""Charge point credentials (OCPP 1.6 security profile 1: HTTP Basic auth per charger).

Stored form: a machine-generated password (``generate_password``, or a demo password) has
128+ bits of entropy, so one SHA-256 (``sha256$<hex>``) protects it as well as a slow hash
would and keeps a thousand chargers reconnecting at once cheap. A password an operator typed
in is stored with scrypt (``services.core.domain.passwords``), like a user's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import secrets

from services.core.domain.passwords import hash_password, verify_password

SHA256 = "sha256"
# OCPP 1.6 security whitepaper: AuthorizationKey of 16 to 40 characters.
MIN_LENGTH, MAX_LENGTH = 16, 40


def generate_password() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 bits


def hash_machine_secret(password: str) -> str:
    return f"{SHA256}${hashlib.sha256(password.encode('utf-8')).hexdigest()}"


def hash_typed_password(password: str) -> str:
    return hash_password(password)


def password_problem(password: str) -> str | None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"password: must be {MIN_LENGTH} to {MAX_LENGTH} characters"
    if not password.isprintable() or ":" in password:
        return "password: printable characters only, no ':'"
    return None


def is_slow(stored: str) -> bool:
    return not stored.startswith(SHA256 + "$")


def verify(password: str, stored: str | None) -> bool:
    """True when ``password`` matches ``stored``; False for no or a malformed stored hash.
    Slow (scrypt) hashes should be checked off the event loop (see ``is_slow``)."""
    if not stored:
        return False
    if stored.startswith(SHA256 + "$"):
        expected = stored[len(SHA256) + 1 :]
        actual = hashlib.sha256(password.encode("utf-8")).hexdigest()
        return hmac.compare_digest(actual, expected)
    return verify_password(password, stored)


def basic_credentials(header: str) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic`` header, else None."""
    if header[:6].lower() != "basic ":
        return None
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, sep, password = raw.partition(":")
    return (user, password) if sep else None


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
