"""JWTs for partner APIs that hand out Bearer JWTs (Wirelane), signed HS256 with the
database's own key (``partners.jwt_signing_key``)."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from services.core.services.partners import jwt_signing_key

ALGORITHM = "HS256"
MAX_TOKEN_LENGTH = 8192


def issue_jwt(conn: sqlite3.Connection, claims: dict[str, Any], ttl_seconds: int,
              now: int | None = None) -> str:  # fmt: skip
    """A signed token carrying ``claims`` plus ``iat`` and ``exp`` (now + ttl)."""
    issued = int(time.time()) if now is None else now
    body = {**claims, "iat": issued, "exp": issued + ttl_seconds}
    return jwt.encode({"alg": ALGORITHM}, body, OctKey.import_key(jwt_signing_key(conn)))


def verify_jwt(conn: sqlite3.Connection, token: str | None,
               now: int | None = None) -> dict[str, Any] | None:  # fmt: skip
    """The claims of a token this database signed and that has not expired; else None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        decoded = jwt.decode(token, OctKey.import_key(jwt_signing_key(conn)),
                             algorithms=[ALGORITHM])  # fmt: skip
        jwt.JWTClaimsRegistry(now=now, exp={"essential": True}).validate(decoded.claims)
    except (JoseError, ValueError):
        return None
    return dict(decoded.claims)
