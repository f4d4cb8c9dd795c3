"""The sign-in throttling rules of services.core.domain.auth and the per-source budgets of
services.core.domain.throttle, with explicit clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.core.domain import auth
from services.core.domain.passwords import hash_password
from services.core.domain.throttle import SourceBudget, source_key
from services.core.store.db import utcnow

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "secret-pw-1"


@pytest.fixture(scope="module")
def pw_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def account(conn, pw_hash):
    conn.execute("INSERT INTO users(uuid, email, password_hash, created_at)"
                 " VALUES ('u-1', 'owner@example.com', ?, ?)", (pw_hash, utcnow()))
    return conn


def _fail(conn, source: str, now: datetime) -> str:
    with pytest.raises(auth.AuthError) as e:
        auth.init_session(conn, "owner@example.com", "wrong-pw-9", now=now, source=source)
    return e.value.reason


def _attack(conn, sources: int, each: int, now: datetime) -> None:
    for s in range(sources):
        for k in range(each):
            # spaced so no source is ever made to wait: every attempt is a real failure
            _fail(conn, f"10.1.0.{s}", now + timedelta(seconds=k * 3600 // each))


def test_many_sources_lock_the_account_to_unknown_sources_only(account):
    auth.init_session(account, "owner@example.com", PASSWORD, now=T0, source="192.0.2.7")
    t = T0 + timedelta(minutes=1)
    _attack(account, auth.ACCOUNT_LOCK_SOURCES, auth.FREE_ATTEMPTS, t)
    later = t + timedelta(minutes=59)
    # a new address with the right password is refused, without its password being looked at
    with pytest.raises(auth.AuthError) as e:
        auth.init_session(account, "owner@example.com", PASSWORD, now=later, source="198.51.100.1")
    assert e.value.reason == "LOCKED" and e.value.retry_after > 0
    # the owner's known address gets through, and that clears the account lock
    auth.init_session(account, "owner@example.com", PASSWORD, now=later, source="192.0.2.7")
    assert account.execute("SELECT locked_until FROM users").fetchone()[0] is None
    auth.init_session(account, "owner@example.com", PASSWORD, now=later, source="198.51.100.1")


def test_fewer_sources_never_lock_the_account(account):
    _attack(account, auth.ACCOUNT_LOCK_SOURCES - 1, 2 * auth.FREE_ATTEMPTS, T0)
    auth.init_session(account, "owner@example.com", PASSWORD, now=T0 + timedelta(hours=1),
                      source="198.51.100.1")


def test_a_waiting_source_makes_no_progress_and_the_wait_does_not_grow(account):
    for _ in range(auth.FREE_ATTEMPTS):
        _fail(account, "10.9.9.9", T0)
    for second in range(4):
        assert _fail(account, "10.9.9.9", T0 + timedelta(seconds=second)) == "LOCKED"
    count = account.execute("SELECT failures FROM login_failures").fetchone()[0]
    assert count == auth.FREE_ATTEMPTS


def test_old_failures_are_forgotten(account):
    for _ in range(auth.FREE_ATTEMPTS - 1):
        _fail(account, "10.9.9.8", T0)
    later = T0 + auth.FAILURE_MEMORY + timedelta(seconds=1)
    assert _fail(account, "10.9.9.8", later) == "INVALID_CREDENTIALS"
    assert _fail(account, "10.9.9.8", later) == "INVALID_CREDENTIALS"  # no wait yet


def test_source_budget_window():
    now = [0.0]
    budget = SourceBudget(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        assert budget.take("a") == 0
    assert budget.take("a") == 60
    assert budget.take("b") == 0  # other sources have their own budget
    now[0] = 30
    assert budget.retry_after("a") == 30
    now[0] = 60.5
    assert budget.take("a") == 0


def test_source_budget_forgets_the_oldest_sources_beyond_its_cap():
    budget = SourceBudget(limit=1, window=60, max_sources=100, clock=lambda: 0.0)
    for i in range(1000):
        budget.spend(f"s{i}")
    assert len(budget._events) == 100
    assert budget.retry_after("s999") > 0 and budget.retry_after("s0") == 0


@pytest.mark.parametrize(("host", "key"), [
    ("203.0.113.9", "203.0.113.9"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.9", "203.0.113.9"),
    ("testclient", "testclient"),
])
def test_sources_are_counted_per_ipv4_address_and_ipv6_subnet(host, key):
    assert source_key(host) == key


def test_a_login_drops_forgotten_failures(account):
    _fail(account, "10.7.7.7", T0)
    later = T0 + auth.FAILURE_MEMORY + timedelta(minutes=1)
    auth.init_session(account, "owner@example.com", PASSWORD, now=later, source="10.7.7.8")
    assert account.execute("SELECT COUNT(*) FROM login_failures").fetchone()[0] == 0
