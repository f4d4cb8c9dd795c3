"""Where webhook deliveries may go (``domain.webhook_targets``)."""

from __future__ import annotations

import pytest

from services.core.domain.errors import BadInput
from services.core.domain.webhook_targets import check_addresses, parse

ALLOWED = ("hooks.example.com", "*.fleet.example.org")


@pytest.mark.parametrize("url", [
    "https://hooks.example.com/wirelane", "http://hooks.example.com:8443/x?y=1",
    "https://a.fleet.example.org/hook", "https://HOOKS.example.com./in",
])
def test_allowed_hosts_may_be_registered(url: str) -> None:
    assert parse(url, demo=False, allowed=ALLOWED).hostname


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://hooks.example.com/x", "http or https"),
    ("file:///etc/passwd", "http or https"),
    ("https://user:pw@hooks.example.com/", "credentials"),
    ("https://other.example.com/", "allowed"),
    ("https://fleet.example.org/", "allowed"),
    ("https://evil.com#@hooks.example.com/", "fragment"),
    ("https://evil.com\\@hooks.example.com/", "backslashes"),
    ("http://127.0.0.1:8080/", "public"),
    ("http://localhost/", "allowed"),
    ("http://10.0.0.5/", "public"),
    ("http://169.254.169.254/latest/meta-data", "public"),
    ("http://[::1]/", "public"),
    ("http://[::ffff:192.168.1.1]/", "public"),
    ("http://hooks.example.com:99999/", "valid"),
    ("", "characters"),
])
def test_other_targets_are_refused(url: str, reason: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse(url, demo=False, allowed=ALLOWED)
    assert refused.value.field == "url" and reason in refused.value.reason


def test_loopback_only_for_a_demo_database() -> None:
    for url in ("http://127.0.0.1:9999/hook", "http://localhost/hook", "http://[::1]:80/"):
        assert parse(url, demo=True, allowed=())
    with pytest.raises(BadInput):
        parse("http://10.1.2.3/", demo=True, allowed=())


def test_every_resolved_address_must_be_public() -> None:
    assert check_addresses("hooks.example.com", ["93.184.216.34"], demo=False) == "93.184.216.34"
    for addresses in (["93.184.216.34", "10.0.0.1"], ["127.0.0.1"], ["fe80::1%eth0"],
                      ["::ffff:127.0.0.1"], ["224.0.0.1"], ["0.0.0.0"], []):  # noqa: S104 - an address refused
        with pytest.raises(BadInput):
            check_addresses("hooks.example.com", addresses, demo=False)
    assert check_addresses("localhost", ["127.0.0.1"], demo=True) == "127.0.0.1"
    with pytest.raises(BadInput):
        check_addresses("sneaky", ["192.168.0.10"], demo=True)
