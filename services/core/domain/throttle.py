"""Per-source request budgets: how many times one client address may do something within a
sliding window (failed sign-ins across all accounts, e-mail checks, reactivation mails).

Kept in memory: they guard one core process against floods, and a restart forgetting them
costs an attacker nothing worth having (the per-account sign-in counters that matter are in
the database, ``services.core.domain.auth``). The number of remembered sources is capped so
a flood from many addresses cannot grow memory without bound.
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field


def source_key(host: str) -> str:
    """The key a client address is counted under: an IPv4 address as such, an IPv6 address
    by its /64 network (one subscriber usually holds a whole /64, so counting single IPv6
    addresses would give an attacker billions of fresh budgets)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class SourceBudget:
    """At most ``limit`` events per ``window`` seconds for each source."""

    def __init__(self, limit: int, window: float, max_sources: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.max_sources = max_sources
        self._clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, source: str) -> deque[float]:
        events = self._events.get(source)
        if events is None:
            return deque()
        horizon = self._clock() - self.window
        while events and events[0] <= horizon:
            events.popleft()
        if not events:
            del self._events[source]
        return events

    def retry_after(self, source: str) -> int:
        """Seconds until ``source`` may act again; 0 when it is within its budget."""
        events = self._recent(source)
        if len(events) < self.limit:
            return 0
        return max(1, int(events[0] + self.window - self._clock() + 0.999))

    def spend(self, source: str) -> None:
        self._recent(source)
        events = self._events.setdefault(source, deque())
        self._events.move_to_end(source)
        events.append(self._clock())
        while len(events) > self.limit:
            events.popleft()
        while len(self._events) > self.max_sources:
            self._events.popitem(last=False)

    def take(self, source: str) -> int:
        """Spend one event if the budget allows; else the seconds to wait (nothing spent)."""
        wait = self.retry_after(source)
        if not wait:
            self.spend(source)
        return wait


@dataclass
class SourceLimits:
    """The core's budgets per client address."""

    # Wrong passwords and unknown user names, whatever the account: password spraying.
    login_failures: SourceBudget = field(default_factory=lambda: SourceBudget(100, 600))
    # verifyEmail calls: enough for a person typing, not for walking an address list.
    email_checks: SourceBudget = field(default_factory=lambda: SourceBudget(20, 600))
    # reactivateUser mails: each sends an e-mail to someone.
    reactivation_mails: SourceBudget = field(default_factory=lambda: SourceBudget(10, 3600))
