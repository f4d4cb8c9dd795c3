"""Fixtures of the AMPECO contract tests: a checked client with the demo operator token on the
session's demo core (``core_url``: ``tests/core_launcher.py``, 3,000 demo stations, seed 42),
and a second operator's token for isolation tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.core.services import partners
from services.core.store.db import connect
from tests.contract.ampeco.client import Ampeco
from tests.contract.ampeco.openapi_check import require_document


@pytest.fixture(scope="session")
def amp(core_url: str) -> Iterator[Ampeco]:
    require_document()
    client = Ampeco(core_url)
    yield client
    client.close()


def operator_token(db: Path, operator_name: str) -> str:
    """A token of a new AMPECO partner for the operator named ``operator_name``, created the
    way ``voltra-core api-key create --api ampeco`` does."""
    conn = connect(db)
    try:
        new = partners.create_credential(conn, "ampeco", f"Test {uuid.uuid4().hex[:8]}",
                                         organisation=operator_name)
    finally:
        conn.close()
    return new.secret


@pytest.fixture(scope="session")
def other_operator(core_db: Path, core_url: str) -> Iterator[Ampeco]:
    """A client with the token of another operator of the demo catalogue than the demo
    token's (``Voltra Charge``)."""
    conn = connect(core_db)
    try:
        name = conn.execute("SELECT name FROM operators WHERE name != 'Voltra Charge'"
                            " ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    client = Ampeco(core_url, operator_token(core_db, name))
    yield client
    client.close()
