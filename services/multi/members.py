"""The accounts under a merged provider: each with its open provider, its state, its
cards (which decide whether it can start), and every call to several of them at once under
one deadline each, so a back end that is down or slow never fails the others."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Iterable, Sequence
from typing import TypeVar

from services.models import (
    Account,
    AccountState,
    AccountStatus,
    Card,
    Profile,
    Tariff,
    TypicalSession,
)
from services.provider import (
    BaseProvider,
    Capability,
    ChargingProvider,
    NotAuthenticated,
    NotFound,
    ProviderError,
)

from .ids import split
from .merging import Links
from .offers import AccountFacts

T = TypeVar("T")
log = logging.getLogger("voltra.multi")

DEADLINE_S = 15.0  # one account's part of a search, detail or list at most
CARDS_FRESH_S = 60.0  # an account's cards are read again after this long

# What a merged provider routes to its accounts (adding a card to the account the driver
# picks); the rest (paying, a fleet) is done on one account's own provider.
ROUTED = frozenset(
    {
        Capability.ADD_CARD,
        Capability.SEARCH,
        Capability.STATION_DETAIL,
        Capability.LIVE_STATUS,
        Capability.OCCUPANCY,
        Capability.ACCOUNT,
        Capability.CARDS,
        Capability.RENAME_CARD,
        Capability.BLOCK_CARD,
        Capability.UNBLOCK_CARD,
        Capability.CHARGING,
        Capability.LIVE_METER,
        Capability.HISTORY,
        Capability.STATISTICS,
        Capability.DOCUMENTS,
        Capability.EVSE_LOOKUP,
        Capability.SITES,
        Capability.FAVOURITES,
    }
)
# What one account may fail with without failing the others: a provider's typed errors, its
# deadline, and anything unforeseen from one back end's answers (logged as a bug).
ERRORS = (Exception,)



def _message(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "This charging service did not answer in time."
    if isinstance(exc, ProviderError):
        return exc.message
    return "This charging service gave an answer Voltra could not read."



class Members(BaseProvider):
    """What :class:`services.multi.merged.MergedProvider` knows of its accounts."""

    name = "merged"

    def __init__(
        self,
        members: Sequence[tuple[Account, ChargingProvider]],
        *,
        typical: TypicalSession | None = None,
        deadline_s: float = DEADLINE_S,
        clock=time.monotonic,
    ) -> None:
        """``members``: each account with its open provider, in the order the driver
        ranks them (the first gives a merged station its id and name)."""
        self.accounts: dict[str, Account] = {a.id: a for a, _ in members}
        self.providers: dict[str, ChargingProvider] = {a.id: p for a, p in members}
        self.typical = typical or TypicalSession()
        self.deadline_s = deadline_s
        self._clock = clock
        self.links = Links()
        self._states: dict[str, AccountState] = {
            a: self._initial_state(a) for a in self.accounts
        }
        self._cards: dict[str, tuple[float, tuple[Card, ...]]] = {}
        # (account, station) -> when read, connector id -> price: for listings without prices
        self._prices: dict[tuple[str, str], tuple[float, dict[str, Tariff | None]]] = {}

    # ---------------------------------------------------------------- accounts

    @property
    def capabilities(self) -> frozenset[Capability]:  # type: ignore[override]
        have = set()
        for p in self.providers.values():
            have |= p.capabilities
        return frozenset(have & ROUTED)

    def _initial_state(self, account_id: str) -> AccountState:
        p = self.providers[account_id]
        status = AccountStatus.READY if p.is_logged_in else AccountStatus.SIGNED_OUT
        return AccountState(account_id=account_id, state=status)

    def states(self) -> dict[str, AccountState]:
        """How each account fared in the latest call that asked it."""
        return dict(self._states)

    def set_state(self, state: AccountState) -> None:
        """What is known of an account from elsewhere (its sign-in at start-up)."""
        self._states[state.account_id] = state

    def _mark(self, account_id: str, status: AccountStatus, detail: str | None = None) -> None:
        self._states[account_id] = AccountState(account_id=account_id, state=status,
                                                detail=detail)

    def _failed(self, account_id: str, exc: BaseException) -> None:
        if not isinstance(exc, ProviderError | TimeoutError):
            log.error("%s failed unexpectedly", account_id, exc_info=exc)
        status = (AccountStatus.SIGNED_OUT if isinstance(exc, NotAuthenticated)
                  else AccountStatus.FAILED)
        self._mark(account_id, status, _message(exc))

    def _with(self, capability: Capability) -> list[str]:
        return [a for a, p in self.providers.items()
                if capability in p.capabilities and p.is_logged_in]

    def provider_of(self, merged_id: str, field: str = "id") -> tuple[str, ChargingProvider, str]:
        account_id, native = split(merged_id, field)
        if account_id not in self.providers:
            raise NotFound("That account is no longer signed in here.", detail=account_id)
        return account_id, self.providers[account_id], native

    async def _bounded(self, aw: Awaitable[T]) -> T:
        return await asyncio.wait_for(aw, self.deadline_s)

    async def _each(self, accounts: Iterable[str], call) -> dict[str, T]:
        """``call(account id, provider)`` on every account at once, each under the
        deadline; accounts that fail are marked and left out."""
        accounts = list(accounts)

        async def one(acc: str):
            try:
                out = await self._bounded(call(acc, self.providers[acc]))
            except ERRORS as exc:
                self._failed(acc, exc)
                return acc, None, exc
            self._mark(acc, AccountStatus.READY)
            return acc, out, None

        done = await asyncio.gather(*(one(a) for a in accounts))
        return {acc: out for acc, out, exc in done if exc is None}

    @property
    def is_logged_in(self) -> bool:
        return any(p.is_logged_in for p in self.providers.values())

    @property
    def username(self) -> str | None:
        return next((a.username for a in self.accounts.values() if a.username), None)

    async def close(self) -> None:
        for p in self.providers.values():
            with contextlib.suppress(Exception):
                await p.close()

    async def profile(self) -> Profile:
        """The profile of the first account signed in (the driver behind all of them)."""
        for acc in self.accounts:
            p = self.providers[acc]
            if p.is_logged_in:
                return await p.profile()
        raise NotAuthenticated()

    async def logout(self) -> None:
        await self._each(self._with(Capability.ACCOUNT), lambda _, p: p.logout())
        for acc in self.accounts:
            self._mark(acc, AccountStatus.SIGNED_OUT)

    # ---------------------------------------------------------------- cards (for offers)

    async def _cards_of(self, account_id: str) -> tuple[Card, ...]:
        kept = self._cards.get(account_id)
        if kept and self._clock() - kept[0] < CARDS_FRESH_S:
            return kept[1]
        cards = tuple(await self.providers[account_id].list_cards())
        self._cards[account_id] = (self._clock(), cards)
        return cards

    async def _facts(self, account_id: str) -> AccountFacts:
        p = self.providers[account_id]
        if Capability.CHARGING not in p.capabilities or Capability.CARDS not in p.capabilities:
            return AccountFacts(p.capabilities, ())
        try:
            cards = await self._bounded(self._cards_of(account_id))
        except ERRORS:
            return AccountFacts(p.capabilities, None)
        return AccountFacts(p.capabilities, cards)
