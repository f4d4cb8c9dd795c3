"""Clients that reach the core from a chosen loopback address (the whole 127.0.0.0/8 is this
machine on Linux), so per-source rules can be exercised over real HTTP."""

from __future__ import annotations

import itertools

import httpx

from tests.clients.beenergised import Gql

_next = itertools.count(2)


def fresh_source() -> str:
    """A loopback address no other test in this session used (127.0.0.1 is the default)."""
    n = next(_next)
    return f"127.0.{n // 250 + 1}.{n % 250 + 2}"


def gql_from(base_url: str, source: str) -> Gql:
    client = Gql(base_url)
    client.client.close()
    client.client = httpx.Client(timeout=60,
                                 transport=httpx.HTTPTransport(local_address=source))
    return client
