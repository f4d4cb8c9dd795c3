"""Stations over several accounts: search (progressively, account by account), detail,
live status, and each account's offer per connector (:mod:`services.multi.merging`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from services.models import (
    AccountState,
    AccountStatus,
    ConnectorOffer,
    OccupancySlot,
    Page,
    SearchQuery,
    Station,
    StatusChange,
    Tariff,
    TypicalSession,
)
from services.provider import (
    BackendUnavailable,
    Capability,
    CardRejected,
    NotFound,
    ProviderError,
)

from .ids import evse_key, ns, split
from .members import Members
from .merging import merge_stations
from .offers import AccountFacts, cheapest_start_offer, ranked

PRICE_READS_AT_ONCE = 8  # station details read at once to price one account's listing
PRICES_FRESH_S = 600.0  # a price read that way is used for this long (prices change rarely)


class StationSearch(Members):
    """The station half of :class:`services.multi.merged.MergedProvider`."""

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

        want = query.offset + query.limit

        async def one(acc: str) -> tuple[list[Station], AccountFacts]:
            began = self._clock()
            facts = asyncio.ensure_future(self._facts(acc))
            search = asyncio.ensure_future(self.providers[acc].search_stations(wide))
            search.add_done_callback(_retrieved)
            try:
                try:
                    # past the deadline the search goes on unawaited: a back end that
                    # loads a catalogue first answers the next search from it
                    page = await asyncio.wait_for(asyncio.shield(search), self.deadline_s)
                except asyncio.CancelledError:
                    search.cancel()  # nobody wants these results any more
                    raise
                stations = list(page.items)
                left = self.deadline_s - (self._clock() - began)
                stations[:want] = await self._priced(acc, stations[:want], left)
                return stations, await facts
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
                    else:
                        self._failed(acc, exc)
                merged = self._merge(results, facts)
                yield merged[query.offset : query.offset + query.limit], self.states()
        finally:
            for t in tasks:
                t.cancel()

    async def _priced(self, acc: str, stations: list[Station], within_s: float) -> list[Station]:
        """Stations whose listing carries no prices (some APIs price a station only when
        asked for it), priced from the account's station detail where that answers in
        ``within_s``; only for accounts that can start, the others' prices decide nothing."""
        p = self.providers[acc]
        if Capability.CHARGING not in p.capabilities or \
                Capability.STATION_DETAIL not in p.capabilities:
            return stations
        now = self._clock()
        out = list(stations)
        unpriced = []
        for i, s in enumerate(stations):
            if not s.connectors or any(c.price is not None for c in s.connectors):
                continue
            kept = self._prices.get((acc, s.id))
            if kept is not None and now - kept[0] < PRICES_FRESH_S:
                out[i] = _with_prices(s, kept[1])
            else:
                unpriced.append(i)
        if not unpriced or within_s <= 0:
            return out
        gate = asyncio.Semaphore(PRICE_READS_AT_ONCE)

        async def detail(station: Station) -> Station:
            async with gate:
                return await p.get_station(station.id)

        tasks = {asyncio.ensure_future(detail(stations[i])): i for i in unpriced}
        done, pending = await asyncio.wait(tasks, timeout=within_s)
        for t in pending:
            t.cancel()
        for t in done:
            if t.exception() is not None:
                continue
            i = tasks[t]
            prices = {c.id: c.price for c in t.result().connectors}
            self._prices[(acc, stations[i].id)] = (now, prices)
            out[i] = _with_prices(out[i], prices)
        return out

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
        acc, _, native = self.provider_of(station_id, "station_id")
        if acc in got:
            self.links.add_station(station_id, acc, native)  # the id asked for stays its id
        merged = await self._merged_with_facts({a: [s] for a, s in got.items()})
        wanted = next((s for s in merged if s.id == station_id), merged[0])
        if wanted.id != station_id:
            # known under another merged id from an earlier search: both route here
            for a, n in self.links.stations.get(wanted.id, {}).items():
                self.links.add_station(station_id, a, n)
            wanted.id = station_id
        return wanted

    async def station_by_evse_id(self, evse_id: str) -> Station:
        accounts = self._with(Capability.EVSE_LOOKUP)
        got = await self._each(accounts, lambda _, p: p.station_by_evse_id(evse_id))
        if not got:
            raise NotFound("No charger with this EVSE ID was found.", detail=evse_id)
        key = evse_key(evse_id)
        merged = await self._merged_with_facts({a: [s] for a, s in got.items()})
        return next((s for s in merged
                     if any(evse_key(c.evse_id) == key for c in s.connectors)), merged[0])

    async def favourites(self) -> list[Station]:
        """Every account's favourites, merged (a station kept in two accounts once)."""
        got = await self._each(self._with(Capability.FAVOURITES), lambda _, p: p.favourites())
        return await self._merged_with_facts(got)

    async def set_favourite(self, station_id: str, favourite: bool) -> bool:
        """Kept (or dropped) in every account that has the station and keeps favourites."""
        natives = await self._natives(station_id)
        keeping = [a for a in natives if Capability.FAVOURITES in self.providers[a].capabilities]
        if not keeping:
            raise self.unsupported(Capability.FAVOURITES)
        got = await self._each(keeping, lambda a, p: p.set_favourite(natives[a], favourite))
        if not got:
            raise BackendUnavailable(self._states[keeping[0]].detail, detail=station_id)
        return any(got.values())

    async def _merged_with_facts(self, got: dict[str, list[Station]]) -> list[Station]:
        facts = dict(zip(got, await asyncio.gather(*(self._facts(a) for a in got)), strict=True))
        return self._merge({a: list(s) for a, s in got.items()}, facts)

    async def site_stations(self, site_id: str) -> list[Station]:
        acc, p, native = self.provider_of(site_id, "site_id")
        return await self._merged_with_facts({acc: await p.site_stations(native)})

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


def _retrieved(task: asyncio.Future) -> None:
    # an abandoned search's failure is expected, not "never retrieved"
    if not task.cancelled():
        task.exception()



def _with_prices(station: Station, prices: dict[str, Tariff | None]) -> Station:
    return station.model_copy(update={"connectors": [
        c.model_copy(update={"price": prices.get(c.id)}) for c in station.connectors]})
