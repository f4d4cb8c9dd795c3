"""Password hashing with scrypt (hashlib, no extra dependency).

Stored form: ``scrypt$N$r$p$<salt b64>$<hash b64>`` so the cost parameters travel with
each hash and can be raised later without invalidating existing ones (``needs_rehash``).
N=2**14, r=8, p=1 hashes in roughly 20-50 ms on the 2-core target machine: slow enough
to make offline guessing expensive, fast enough that login and the demo seed stay quick.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
# scrypt needs 128 * N * r bytes; leave headroom over OpenSSL's 32 MiB default cap.
_MAXMEM = 64 * 1024 * 1024


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=dklen
    )


def hash_password(password: str) -> str:
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, N, R, P, KEY_BYTES)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; False for any malformed stored value."""
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
        if scheme != SCHEME:
            return False
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(key_b64, validate=True)
        n_i, r_i, p_i = int(n), int(r), int(p)
    except (ValueError, TypeError):
        return False
    if not expected or n_i > 2**20 or r_i > 32 or p_i > 16:
        # Refuse absurd parameters from a tampered row instead of burning CPU/memory.
        return False
    try:
        key = _derive(password, salt, n_i, r_i, p_i, len(expected))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(key, expected)


def needs_rehash(stored: str) -> bool:
    return not stored.startswith(f"{SCHEME}${N}${R}${P}$")


# A valid hash of a random secret: verified against when a login names an unknown user,
# so that the response time does not reveal which e-mail addresses have accounts.
_DUMMY_HASH: str | None = None


def dummy_verify(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(os.urandom(16).hex())
    verify_password(password, _DUMMY_HASH)
