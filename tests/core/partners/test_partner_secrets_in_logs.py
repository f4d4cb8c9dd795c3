"""Partner secrets in the header forms of the partner APIs never reach the core's log."""

from __future__ import annotations

import logging

import pytest

from services.core.__main__ import _RedactCredentials


@pytest.mark.parametrize("line", [
    "> Authorization: key=oioi-demo-oem-key",
    "> x-api-key: gpjoule-demo-key",
    "headers: [(b'x-api-key', b'gpjoule-demo-key')]",
    "headers: {'X-Api-Key': 'gpjoule-demo-key'}",
    "> Authorization: Bearer ampeco-demo-token",
])
def test_partner_credentials_are_masked(line: str):
    record = logging.LogRecord("uvicorn.error", logging.DEBUG, __file__, 1, line, None, None)
    assert _RedactCredentials().filter(record)
    message = record.getMessage()
    assert "demo-key" not in message and "demo-token" not in message
    assert "***" in message
