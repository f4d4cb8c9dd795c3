"""One ChargingProvider over several accounts: stations merged across back ends with each
account's offer per connector, cards, sessions, history, statistics and documents merged
with ``account_id`` set. Every id handed out is namespaced (:mod:`services.multi.ids`), so
whatever a screen passes back routes to the account it came from.

A back end that is down or slow never fails the whole: each account's part runs under its
own deadline and its :class:`AccountState` says what became of it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from services.models import (
    Account,
    AccountState,
    AccountStatus,
    Card,
    ChargeLimits,
    ChargingSession,
    ConnectorOffer,
    Document,
    MonthlyStatistics,
    OccupancySlot,
    Page,
    Profile,
    SearchQuery,
    Station,
    Statistics,
    StatusChange,
    TypicalSession,
)
from services.provider import (
    BackendUnavailable,
    BaseProvider,
    Capability,
    CardRejected,
    ChargingProvider,
    NotAuthenticated,
    NotFound,
    NotSupported,
    ProgressCallback,
    ProviderError,
)

from .ids import evse_key, ns, split
from .merging import Links, merge_stations
from .offers import AccountFacts, cheapest_start_offer, ranked
from .paging import MergedPages

T = TypeVar("T")

DEADLINE_S = 15.0  # one account's part of a search, detail or list at most
CARDS_FRESH_S = 60.0  # an account's cards are read again after this long

# What a merged provider routes to its accounts; the rest needs an account chosen first
# (adding a card, paying, a fleet) and is done on that account's own provider.
ROUTED = frozenset(
    {
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
    }
)
ERRORS = (ProviderError, TimeoutError)


def _message(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "This charging service did not answer in time."
    return getattr(exc, "message", None) or str(exc) or type(exc).__name__


class MergedProvider(BaseProvider):
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
        self._started: set[str] = set()  # merged ids of sessions started here
        self._history = MergedPages(
            lambda s: s.started_at or s.ended_at, self._session_identity,
            lambda s: s.id in self._started,
        )
        self._documents = MergedPages(lambda d: d.date)

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

    async def _cards_of(self, account_id: str, fresh: bool = False) -> tuple[Card, ...]:
        kept = self._cards.get(account_id)
        if kept and not fresh and self._clock() - kept[0] < CARDS_FRESH_S:
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

    # ---------------------------------------------------------------- stations

    def _merge(self, results: dict[str, list[Station]], facts: dict[str, AccountFacts]):
        order = [a for a in self.accounts if a in results]
        return merge_stations(results, order, facts, self.typical, self.links)

    async def search_progressive(
        self, query: SearchQuery
    ) -> AsyncIterator[tuple[list[Station], dict[str, AccountState]]]:
        """The merged stations so far and every account's state: first with nothing
        arrived (all loading), then each time one more account has answered or failed.
        An account slower than the deadline is marked failed; the last yield is complete."""
        wide = query.model_copy(update={"offset": 0, "limit": min(500, query.offset + query.limit)})
        searching = self._with(Capability.SEARCH)
        for acc in searching:
            self._mark(acc, AccountStatus.LOADING)

        async def one(acc: str) -> tuple[list[Station], AccountFacts]:
            facts = asyncio.ensure_future(self._facts(acc))
            try:
                page = await self._bounded(self.providers[acc].search_stations(wide))
                return list(page.items), await facts
            finally:
                facts.cancel()

        tasks = {asyncio.ensure_future(one(a)): a for a in searching}
        results: dict[str, list[Station]] = {}
        facts: dict[str, AccountFacts] = {}
        try:
            yield [], self.states()
            pending = set(tasks)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    acc = tasks[t]
                    exc = t.exception()
                    if exc is None:
                        results[acc], facts[acc] = t.result()
                        self._mark(acc, AccountStatus.READY)
                    elif isinstance(exc, ERRORS):
                        self._failed(acc, exc)
                    else:
                        raise exc
                merged = self._merge(results, facts)
                yield merged[query.offset : query.offset + query.limit], self.states()
        finally:
            for t in tasks:
                t.cancel()

    async def search_stations(self, query: SearchQuery) -> Page[Station]:
        """Everything :meth:`search_progressive` finds, as one page. Only when every account
        failed is that an error (the first account's)."""
        stations: list[Station] = []
        async for so_far, _ in self.search_progressive(query):
            stations = so_far
        searching = self._with(Capability.SEARCH)
        if searching and all(self._states[a].state is not AccountStatus.READY
                             for a in searching):
            raise BackendUnavailable(self._states[searching[0]].detail, detail="every account")
        return Page(items=stations, offset=query.offset, limit=query.limit,
                    is_last=len(stations) < query.limit, total=None)

    async def _natives(self, station_id: str) -> dict[str, str]:
        """Which account knows ``station_id`` by which id: those seen in searches, else
        the account the id names."""
        acc, _, native = self.provider_of(station_id, "station_id")
        return dict(self.links.stations.get(station_id) or {acc: native})

    async def get_station(self, station_id: str) -> Station:
        """The station as every account that has it shows it, merged. Accounts that can
        look a connector up by EVSE ID and did not list it in a search are asked too, so
        opening a station from elsewhere (a favourite, a link) still shows every offer."""
        natives = await self._natives(station_id)
        detail = [a for a in natives if Capability.STATION_DETAIL
                  in self.providers[a].capabilities]
        got = await self._each(detail, lambda a, p: p.get_station(natives[a]))
        if not got:
            acc = next(iter(natives))
            raise NotFound(self._states[acc].detail or "This station could not be loaded.",
                           detail=station_id)
        evses = [c.evse_id for s in got.values() for c in s.connectors if c.evse_id]
        others = [a for a in self._with(Capability.EVSE_LOOKUP) if a not in natives]
        if evses and others:
            found = await self._each(others, lambda _, p: p.station_by_evse_id(evses[0]))
            got.update(found)
        facts = dict(zip(got, await asyncio.gather(*(self._facts(a) for a in got)), strict=True))
        merged = self._merge({a: [s] for a, s in got.items()}, facts)
        wanted = next((s for s in merged if s.id == station_id), merged[0])
        return wanted

    async def station_by_evse_id(self, evse_id: str) -> Station:
        accounts = self._with(Capability.EVSE_LOOKUP)
        got = await self._each(accounts, lambda _, p: p.station_by_evse_id(evse_id))
        if not got:
            raise NotFound("No charger with this EVSE ID was found.", detail=evse_id)
        facts = dict(zip(got, await asyncio.gather(*(self._facts(a) for a in got)), strict=True))
        key = evse_key(evse_id)
        merged = self._merge({a: [s] for a, s in got.items()}, facts)
        return next((s for s in merged
                     if any(evse_key(c.evse_id) == key for c in s.connectors)), merged[0])

    async def site_stations(self, site_id: str) -> list[Station]:
        acc, p, native = self.provider_of(site_id, "site_id")
        stations = await p.site_stations(native)
        facts = {acc: await self._facts(acc)}
        return self._merge({acc: list(stations)}, facts)

    async def occupancy(self, station_id: str) -> list[OccupancySlot]:
        natives = await self._natives(station_id)
        for acc, native in natives.items():
            if Capability.OCCUPANCY in self.providers[acc].capabilities:
                return await self.providers[acc].occupancy(native)
        raise self.unsupported(Capability.OCCUPANCY)

    async def watch_status(self, connector_ids: Iterable[str]) -> AsyncIterator[StatusChange]:
        """Each connector's changes from the first account able to watch it, merged."""
        by_account: dict[str, list[tuple[str, str]]] = {}
        for cid in dict.fromkeys(connector_ids):
            natives = self.links.connectors.get(cid) or dict([self.provider_of(cid)[::2]])
            acc = next((a for a in natives
                        if Capability.LIVE_STATUS in self.providers[a].capabilities), None)
            if acc is not None:
                by_account.setdefault(acc, []).append((cid, natives[acc]))
        queue: asyncio.Queue[StatusChange] = asyncio.Queue()

        async def pump(acc: str, pairs: list[tuple[str, str]]) -> None:
            merged_of = {native: cid for cid, native in pairs}
            try:
                async for change in self.providers[acc].watch_status(list(merged_of)):
                    cid = merged_of.get(change.connector_id)
                    if cid is not None:
                        await queue.put(change.model_copy(update={"connector_id": cid}))
            except ProviderError as exc:
                self._failed(acc, exc)

        pumps = [asyncio.ensure_future(pump(a, pairs)) for a, pairs in by_account.items()]
        try:
            while pumps or not queue.empty():
                if not queue.empty():
                    yield queue.get_nowait()
                    continue
                getter = asyncio.ensure_future(queue.get())
                await asyncio.wait([getter, *pumps], return_when=asyncio.FIRST_COMPLETED)
                if getter.done():
                    yield getter.result()
                else:
                    getter.cancel()
                pumps = [p for p in pumps if not p.done()]
        finally:
            for p in pumps:
                p.cancel()

    # ---------------------------------------------------------------- offers

    async def offers_for(
        self, station: Station, typical: TypicalSession | None = None
    ) -> list[ConnectorOffer]:
        """Every account's offers over the station's connectors, cheapest first; with
        another ``typical`` session the prices are computed again for it."""
        if typical is not None and typical != self.typical:
            self.typical = typical
            station = await self.get_station(station.id)
        return ranked(o.model_copy(update={"connector_id": c.id})
                      for c in station.connectors for o in c.offers)

    async def cheapest_start(self, connector_id: str) -> tuple[str, str | None]:
        """The cheapest account able to start at ``connector_id`` and its first active
        card (None when it has none); CardRejected when no account can start there."""
        split(connector_id, "connector_id")
        station_id = self.links.connector_station.get(connector_id)
        if station_id is None:
            raise NotFound("Open the station of this connector first.", detail=connector_id)
        station = await self.get_station(station_id)
        connector = next((c for c in station.connectors if c.id == connector_id), None)
        best = cheapest_start_offer(connector.offers if connector else ())
        if best is None:
            raise CardRejected("None of your accounts can start at this connector.",
                               detail=connector_id)
        card = (await self._facts(best.account_id)).active_card
        return best.account_id, ns(best.account_id, card.id) if card else None

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
        key = evse_key(s.evse_id)
        if key and s.started_at is not None:
            # one physical session seen through two accounts of the same driver
            return (key, s.started_at.replace(microsecond=0))
        return s.id

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
        session = await p.start_charging(native_connector, native_card, progress=progress,
                                         timeout_s=timeout_s, limits=limits)
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

    async def stop_charging(self, session_id: str) -> ChargingSession:
        acc, p, native = self.provider_of(session_id, "session_id")
        return self._session_out(acc, await p.stop_charging(native))

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
        """The sum over every account (each back end counts the sessions it bills)."""
        return total_statistics((await self.statistics_by_account(since=since,
                                                                  until=until)).values())

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
