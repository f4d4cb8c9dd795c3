"""Fixtures of the Wirelane contract tests: a client on the session core, the demo admin's
token, and a second organisation (its own client and admin) for isolation tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.core.services import partners
from services.core.store.db import connect
from tests.clients.wirelane import Wirelane


@pytest.fixture(scope="session")
def wl(core_url: str) -> Iterator[Wirelane]:
    client = Wirelane(core_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def admin(wl: Wirelane) -> str:
    """A password-grant token of DEMOTENANT's admin (fleet@example.com)."""
    return wl.password_token()


@dataclass(frozen=True)
class Organisation:
    organisation: str
    client: tuple[str, str]
    public_id: str
    admin: tuple[str, str]


def user_id(db: Path, email: str) -> int:
    conn = connect(db)
    try:
        return int(conn.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0])
    finally:
        conn.close()


def new_organisation(db: Path, admin_email: str, admin_password: str) -> Organisation:
    """A Wirelane partner created the way ``voltra-core api-key create`` does, with
    ``admin_email`` as its administrator."""
    name = "ORG" + uuid.uuid4().hex[:8].upper()
    conn = connect(db)
    try:
        new = partners.create_credential(conn, "wirelane", f"Test {name}", organisation=name)
        principal = partners.client_principal(conn, new.credential.client_id or "")
        assert principal is not None
        partners.add_member(conn, principal, user_id(db, admin_email), admin=True)
    finally:
        conn.close()
    return Organisation(name, (new.credential.client_id or "", new.secret),
                        new.credential.public_id, (admin_email, admin_password))


@pytest.fixture(scope="session")
def other_org(core_db: Path, core_url: str) -> Organisation:
    """A second organisation, administered by sam@example.com (also a DEMOTENANT member)."""
    return new_organisation(core_db, "sam@example.com", "sam-demo")
