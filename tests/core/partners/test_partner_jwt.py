"""The database's JWT signing key and the tokens it signs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from services.core.services import partner_tokens, partners
from services.core.store.db import connect, migrate


def test_key_is_generated_once_per_database_and_stable(tmp_path: Path):
    path = tmp_path / "a.sqlite3"
    first = connect(path)
    migrate(first)
    assert first.execute("SELECT COUNT(*) FROM partner_keys").fetchone()[0] == 0
    key = partners.jwt_signing_key(first)
    assert len(key) == 32
    assert partners.jwt_signing_key(first) == key
    first.close()
    reopened = connect(path)
    assert partners.jwt_signing_key(reopened) == key
    assert reopened.execute("SELECT COUNT(*) FROM partner_keys WHERE name = 'jwt_signing_key'"
                            ).fetchone()[0] == 1
    reopened.close()
    other = connect(tmp_path / "b.sqlite3")
    migrate(other)
    assert partners.jwt_signing_key(other) != key
    other.close()


def test_tokens_verify_in_their_database_only(store_file: sqlite3.Connection, tmp_path: Path):
    token = partner_tokens.issue_jwt(store_file, {"sub": "user-1", "client_id": "voltra-demo",
                                                  "scope": "account"}, ttl_seconds=300)
    claims = partner_tokens.verify_jwt(store_file, token)
    assert claims is not None
    assert claims["sub"] == "user-1" and claims["exp"] - claims["iat"] == 300
    other = connect(tmp_path / "other.sqlite3")
    migrate(other)
    assert partner_tokens.verify_jwt(other, token) is None
    other.close()
    head, body, sig = token.split(".")
    assert partner_tokens.verify_jwt(store_file, f"{head}.{body}.{sig[:-2]}AA") is None
    assert partner_tokens.verify_jwt(store_file, "not-a-jwt") is None
    assert partner_tokens.verify_jwt(store_file, "") is None


def test_expired_tokens_are_refused(store_file: sqlite3.Connection):
    token = partner_tokens.issue_jwt(store_file, {"sub": "u"}, ttl_seconds=60, now=1_000_000)
    assert partner_tokens.verify_jwt(store_file, token, now=1_000_030) is not None
    assert partner_tokens.verify_jwt(store_file, token, now=1_000_061) is None
