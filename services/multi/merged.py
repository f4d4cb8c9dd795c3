"""One ChargingProvider over several accounts: stations merged across back ends with each
account's offer per connector, cards, sessions, history, statistics and documents merged
with ``account_id`` set. Every id handed out is namespaced (:mod:`services.multi.ids`), so
whatever a screen passes back routes to the account it came from.

A back end that is down or slow never fails the whole: each account's part runs under its
own deadline and its :class:`AccountState` says what became of it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.models import (
    Account,
    Card,
    ChargeLimits,
    ChargingSession,
    Document,
    MonthlyStatistics,
    Page,
    Profile,
    Statistics,
)
from services.provider import (
    Capability,
    CardRejected,
    ChargingProvider,
    InvalidInput,
    NotFound,
    NotSupported,
    ProgressCallback,
)
from services.providers.common.statistics import summed_statistics

from .ids import evse_key, ns, split
from .members import ERRORS
from .paging import MergedPages
from .station_search import StationSearch

STATISTICS_FROM_SESSIONS = 5000  # merged sessions summed at most for the total


@dataclass(frozen=True)
class CardAccount:
    """An account a card can be added to."""

    account_id: str
    takes_uid: bool  # registers a card the driver has; False: the back end issues one


class MergedProvider(StationSearch):
    def __init__(self, members: Sequence[tuple[Account, ChargingProvider]], **options) -> None:
        """``members``: each account with its open provider, in the order the driver
        ranks them (the first gives a merged station its id and name); ``options``:
        ``typical`` (the session prices are compared on), ``deadline_s`` (per account)."""
        super().__init__(members, **options)
        self._started: set[str] = set()  # merged ids of sessions started here
        self._history = MergedPages(
            lambda s: s.started_at or s.ended_at, self._session_identity,
            lambda s: s.id in self._started,
        )
        self._documents = MergedPages(lambda d: d.date)

    # ---------------------------------------------------------------- cards

    def _card_out(self, account_id: str, card: Card) -> Card:
        return card.model_copy(update={"id": ns(account_id, card.id), "account_id": account_id})

    async def list_cards(self) -> list[Card]:
        got = await self._each(self._with(Capability.CARDS), lambda _, p: p.list_cards())
        out = []
        for acc in self.accounts:
            if acc in got:
                self._cards[acc] = (self._clock(), tuple(got[acc]))
                out.extend(self._card_out(acc, c) for c in got[acc])
        return out

    def card_accounts(self) -> list[CardAccount]:
        """The signed-in accounts a card can be added to, in the driver's order, each
        saying whether it registers a card the driver has (its UID) or issues one."""
        return [CardAccount(a, Capability.CHOOSE_CARD_UID in self.providers[a].capabilities)
                for a in self._with(Capability.ADD_CARD)]

    async def add_card(self, uid: str, label: str | None = None, *,
                       account_id: str | None = None) -> Card:
        """Added by ``account_id``'s back end (one of :meth:`card_accounts`); the card
        comes back under its merged id, with its account."""
        if account_id is None:
            raise InvalidInput("Choose the account to add the card to.", field="account_id")
        if account_id not in {c.account_id for c in self.card_accounts()}:
            raise InvalidInput("This account cannot add cards from the app.",
                               field="account_id", detail=account_id)
        card = await self.providers[account_id].add_card(uid, label)
        self._cards.pop(account_id, None)
        return self._card_out(account_id, card)

    async def _card_call(self, card_id: str, call) -> Card:
        acc, p, native = self.provider_of(card_id, "card_id")
        card = await call(p, native)
        self._cards.pop(acc, None)
        return self._card_out(acc, card)

    async def rename_card(self, card_id: str, label: str) -> Card:
        return await self._card_call(card_id, lambda p, n: p.rename_card(n, label))

    async def block_card(self, card_id: str) -> Card:
        return await self._card_call(card_id, lambda p, n: p.block_card(n))

    async def unblock_card(self, card_id: str) -> Card:
        return await self._card_call(card_id, lambda p, n: p.unblock_card(n))

    # ---------------------------------------------------------------- charging

    def _session_out(self, account_id: str, s: ChargingSession) -> ChargingSession:
        def merged(kind: dict, native: str | None) -> str | None:
            if native is None:
                return None
            return kind.get((account_id, native)) or ns(account_id, native)

        return s.model_copy(
            update={
                "id": ns(account_id, s.id),
                "station_id": merged(self.links.merged_station, s.station_id),
                "connector_id": merged(self.links.merged_connector, s.connector_id),
                "card_id": ns(account_id, s.card_id) if s.card_id else None,
                "account_id": account_id,
            }
        )

    def _session_identity(self, s: ChargingSession):
        # One session seen through two accounts of the same driver (not every API names
        # the EVSE): started in the same second, with the same energy once it has ended.
        if s.started_at is None:
            return s.id
        energy = "running" if s.state.is_active else round(s.energy_kwh, 2)
        return (s.started_at.replace(microsecond=0), energy)

    async def _native_connector(self, account_id: str, connector_id: str) -> str:
        natives = self.links.connectors.get(connector_id)
        if natives is None:
            acc, native = split(connector_id, "connector_id")
            natives = {acc: native}
        if account_id in natives:
            return natives[account_id]
        evse = self.links.evse.get(connector_id)
        p = self.providers[account_id]
        if evse and Capability.EVSE_LOOKUP in p.capabilities:
            with contextlib.suppress(NotFound):
                station = await self._bounded(p.station_by_evse_id(evse))
                for c in station.connectors:
                    if evse_key(c.evse_id) == evse_key(evse):
                        self.links.add_connector(connector_id, account_id, c.id)
                        return c.id
        raise CardRejected(
            f"{self.accounts[account_id].name} cannot start at this connector.",
            detail=connector_id,
        )

    async def start_charging(
        self,
        connector_id: str,
        card_id: str,
        *,
        progress: ProgressCallback | None = None,
        timeout_s: float = 90.0,
        limits: ChargeLimits | None = None,
    ) -> ChargingSession:
        """Started by the card's account, at that account's id of the connector."""
        acc, p, native_card = self.provider_of(card_id, "card_id")
        native_connector = await self._native_connector(acc, connector_id)
        # limits only when set: not every provider takes them
        extra = {"limits": limits} if limits is not None else {}
        session = await p.start_charging(native_connector, native_card, progress=progress,
                                         timeout_s=timeout_s, **extra)
        out = self._session_out(acc, session)
        self._started.add(out.id)
        return out

    async def get_session(self, session_id: str) -> ChargingSession:
        acc, p, native = self.provider_of(session_id, "session_id")
        return self._session_out(acc, await p.get_session(native))

    async def follow_session(self, session_id: str) -> AsyncIterator[ChargingSession]:
        acc, p, native = self.provider_of(session_id, "session_id")
        async for s in p.follow_session(native):
            yield self._session_out(acc, s)

    async def stop_charging(self, session_id: str, **options) -> ChargingSession:
        """``options`` as the account's provider takes them (a stop's ``timeout_s``)."""
        acc, p, native = self.provider_of(session_id, "session_id")
        return self._session_out(acc, await p.stop_charging(native, **options))

    async def active_sessions(self) -> list[ChargingSession]:
        got = await self._each(self._with(Capability.CHARGING), lambda _, p: p.active_sessions())
        out = [self._session_out(a, s) for a in self.accounts if a in got for s in got[a]]
        return self._history.merged([out])

    # ---------------------------------------------------------------- history

    async def history(
        self,
        *,
        offset: int = 0,
        limit: int = 20,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[ChargingSession]:
        """Every account's sessions, newest first; a session two accounts both show (the
        same driver at the same charger at the same second) once, under the account that
        started it when that happened here."""

        def fetcher(acc: str):
            async def fetch(at: int, n: int) -> Page[ChargingSession]:
                page = await self._bounded(
                    self.providers[acc].history(offset=at, limit=n, since=since, until=until)
                )
                page.items = [self._session_out(acc, s) for s in page.items]
                return page
            return fetch

        accounts = self._with(Capability.HISTORY)
        page = await self._history.page(
            ("history", since, until), {a: fetcher(a) for a in accounts}, offset, limit,
            self._failed, ERRORS,
        )
        return page

    async def statistics_by_account(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, Statistics]:
        return await self._each(self._with(Capability.STATISTICS),
                                lambda _, p: p.statistics(since=since, until=until))

    async def statistics(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> Statistics:
        """The total over every account, summed from the merged history (a session two
        accounts both show counts once); beyond ``STATISTICS_FROM_SESSIONS`` sessions, the
        sum of what each back end reports."""
        sessions: list[ChargingSession] = []
        page = None
        while page is None or not page.is_last:
            page = await self.history(offset=len(sessions), limit=200, since=since,
                                      until=until)
            sessions.extend(page.items)
            if len(sessions) >= STATISTICS_FROM_SESSIONS or not page.items:
                by_account = await self.statistics_by_account(since=since, until=until)
                return total_statistics(by_account.values())
        total = summed_statistics(sessions)
        total.co2_saved_kg = round(sum(s.co2_saved_kg or 0.0 for s in sessions
                                       if not s.state.is_active), 3)
        return total

    async def documents(self, *, offset: int = 0, limit: int = 20) -> Page[Document]:
        def fetcher(acc: str):
            async def fetch(at: int, n: int) -> Page[Document]:
                page = await self._bounded(self.providers[acc].documents(offset=at, limit=n))
                page.items = [d.model_copy(update={"id": ns(acc, d.id), "account_id": acc})
                              for d in page.items]
                return page
            return fetch

        accounts = self._with(Capability.DOCUMENTS)
        return await self._documents.page(
            "documents", {a: fetcher(a) for a in accounts}, offset, limit, self._failed, ERRORS
        )

    async def login(self, credentials) -> Profile:
        raise NotSupported("Sign in to each charging service in Account -> Charging services.",
                           detail="merged: login")



def total_statistics(parts: Iterable[Statistics]) -> Statistics:
    """Sums, and months summed by month; the currency of the first part."""
    parts = list(parts)
    months: dict[str, MonthlyStatistics] = {}
    for s in parts:
        for mo in s.months:
            have = months.get(mo.month)
            months[mo.month] = mo.model_copy() if have is None else have.model_copy(update={
                "sessions": have.sessions + mo.sessions,
                "energy_kwh": round(have.energy_kwh + mo.energy_kwh, 3),
                "cost": round(have.cost + mo.cost, 2),
                "co2_saved_kg": round(have.co2_saved_kg + mo.co2_saved_kg, 3),
            })
    return Statistics(
        sessions=sum(s.sessions for s in parts),
        energy_kwh=round(sum(s.energy_kwh for s in parts), 3),
        cost=round(sum(s.cost for s in parts), 2),
        currency=parts[0].currency if parts else "EUR",
        co2_saved_kg=round(sum(s.co2_saved_kg for s in parts), 3),
        duration_s=sum(s.duration_s for s in parts),
        months=[months[k] for k in sorted(months)],
    )
