"""GP JOULE CONNECT as a :class:`services.provider.ChargingProvider`.

Sign-in is the partner API key plus the driver's e-mail, resolved to the partner's contact
with that address. The key is the only secret: it is what a saved login keeps (handed to
``on_login_token`` like any provider's resuming token, so it lives in the keyring only).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from services import models as m
from services.http import RedactingFilter
from services.provider import (
    Capability,
    InvalidCredentials,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ProgressCallback,
    ProviderError,
)
from services.providers.common.catalogue import CacheChoice
from services.providers.common.charging import (
    StartAttempt,
    start_and_wait,
    stop_until_confirmed,
)
from services.providers.common.operator_key import OperatorKeyProvider
from services.providers.common.statistics import summed_statistics

from . import adapter
from . import queries as Q
from . import wire as w
from .client import GraphQLClient
from .errors import start_refused

log = logging.getLogger("voltra.providers.gpjoule")
log.addFilter(RedactingFilter())  # the key must not reach any log handler

PAGE_SIZE = 100  # lists the driver pages through (contacts, cards, sessions)
CATALOGUE_PAGE_SIZE = 1000  # asked for; the back end may answer with fewer (its cap)
FETCH_CONCURRENCY = 4

# remoteStart.status is a free string. Without a session id, these words mean the start is
# still under way (the session is then looked up by card and connector); any other word is
# a refusal.
_START_PENDING = {"pending", "requested", "sent", "accepted", "queued", "ok", "success", "started"}


class GpJouleProvider(OperatorKeyProvider):
    name = "gpjoule"
    capabilities = frozenset(
        {
            Capability.SEARCH,
            Capability.STATION_DETAIL,
            Capability.ACCOUNT,
            Capability.CARDS,
            Capability.RENAME_CARD,
            Capability.BLOCK_CARD,
            Capability.UNBLOCK_CARD,
            Capability.CHARGING,
            Capability.LIVE_METER,  # by polling getChargingSession
            Capability.HISTORY,
            Capability.STATISTICS,
        }
    )

    _driver: w.Contact | None

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        client: GraphQLClient | None = None,
        on_login_token: Callable[[str | None], None] | None = None,
        catalogue_cache: CacheChoice = None,
        refresh_after_s: float = 300.0,
        poll_interval_s: float = 0.5,
        catalogue_page_size: int = CATALOGUE_PAGE_SIZE,
        **client_kw,
    ) -> None:
        """``api_key``: an operator-configured key (a kiosk), so stations can be searched
        before a driver signs in; it outlives a logout. ``catalogue_cache``: where the list
        of all charge points is kept between runs (an OfflineCache, a path, True for the
        default path); None keeps it in memory only."""
        base_url = base_url.rstrip("/")
        self.gql = client or GraphQLClient(base_url, **client_kw)
        self.catalogue_page_size = catalogue_page_size
        super().__init__(
            base_url,
            api_key=api_key,
            on_login_token=on_login_token,
            poll_interval_s=poll_interval_s,
            stations=(self._all_chargepoints, adapter.station, adapter.position),
            catalogue_cache=catalogue_cache,
            refresh_after_s=refresh_after_s,
        )

    def _key_in_use(self) -> str | None:
        return self.gql.key

    def _use_key(self, key: str | None) -> None:
        self.gql.set_key(key)

    def _profile_of(self, driver: w.Contact) -> m.Profile:
        return adapter.profile(driver)

    @property
    def contact_id(self) -> str:
        if self._driver is None:
            raise NotAuthenticated()
        return self._driver.id

    async def close(self) -> None:
        await super().close()
        await self.gql.aclose()

    # ---------------------------------------------------------------- account

    async def _driver_by_email(self, email: str, credentials: m.Credentials) -> w.Contact:
        """The API finds contacts by id only, so the partner's contacts are paged through
        for the address (compared case-insensitively, as mail systems do)."""
        wanted = email.casefold()
        offset = 0
        while True:
            data = await self.gql.execute(Q.GET_CONTACTS, {"offset": offset, "limit": PAGE_SIZE})
            batch = [w.Contact.model_validate(c) for c in data.get("getContacts") or () if c]
            for c in batch:
                if (c.email or "").casefold() == wanted:
                    return c
            if len(batch) < PAGE_SIZE:
                raise InvalidCredentials(
                    "No driver with this e-mail address is known to this operator.",
                    detail="no contact with that e-mail",
                )
            offset += len(batch)

    async def profile(self) -> m.Profile:
        data = await self.gql.execute(Q.GET_CONTACT, {"id": self.contact_id})
        if data.get("getContact") is None:
            raise NotFound("Your driver account was not found.", detail=self.contact_id)
        self._driver = w.Contact.model_validate(data["getContact"])
        return adapter.profile(self._driver)

    # ---------------------------------------------------------------- stations

    async def _chargepoints(self, offset: int, limit: int) -> tuple[list[dict], int | None]:
        data = await self.gql.execute(Q.GET_CHARGEPOINTS, {"offset": offset, "limit": limit})
        page = data.get("getChargepoints") or {}
        items = page.get("chargepoints")
        count = page.get("count")
        return (
            [cp for cp in items if isinstance(cp, dict)] if isinstance(items, list) else [],
            count if isinstance(count, int) else None,
        )

    async def _all_chargepoints(self) -> list[dict]:
        """Every charge point, paged. The first page shows the page size the back end
        grants. A ``count`` larger than that page can only be the total: the remaining
        pages are then fetched a few at a time. Otherwise pages follow one by one until a
        short one (``count`` may also be read as the size of the page)."""
        first, count = await self._chargepoints(0, self.catalogue_page_size)
        size = len(first)
        found = {str(cp.get("id")): cp for cp in first}
        if size == 0:
            return []
        if count is not None and count > size:
            gate = asyncio.Semaphore(FETCH_CONCURRENCY)

            async def page(at: int) -> list[dict]:
                async with gate:
                    return (await self._chargepoints(at, size))[0]

            for items in await asyncio.gather(*(page(o) for o in range(size, count, size))):
                found.update((str(cp.get("id")), cp) for cp in items)
            return list(found.values())
        offset, last = size, size
        while last == size:
            items, _ = await self._chargepoints(offset, size)
            found.update((str(cp.get("id")), cp) for cp in items)
            last = len(items)
            offset += size
        return list(found.values())

    async def search_stations(self, query: m.SearchQuery) -> m.Page[m.Station]:
        return await self.catalogue.search(query)

    async def get_station(self, station_id: str) -> m.Station:
        data = await self.gql.execute(Q.GET_CHARGEPOINT, {"id": station_id})
        return await self._live_station(data.get("getChargepoint"), station_id)

    async def station_by_evse(self, evse_id: str) -> m.Station:
        """The station of a connector's EVSE ID (the code printed on the charger)."""
        data = await self.gql.execute(Q.GET_CHARGEPOINT, {"evse": evse_id})
        return await self._live_station(data.get("getChargepoint"), evse_id)

    async def _live_station(self, raw: object, asked: str) -> m.Station:
        if not isinstance(raw, dict):
            raise NotFound("This charging station no longer exists.", detail=asked)
        station = adapter.station(raw)
        if station is None:
            # a position missing from this answer: the one the list in hand has
            known = self.catalogue.station(str(raw.get("id")))
            if known is None:
                raise NotFound("This charging station has no position.", detail=asked)
            where = {
                "latitude": known.coordinates.latitude,
                "longitude": known.coordinates.longitude,
            }
            station = adapter.station({**raw, "location": {**(raw.get("location") or {}), **where}})
        self.catalogue.update(station)
        priced = station.model_copy(deep=True)
        tariff = await self._price_quietly(station.id)
        if tariff is not None:
            for c in priced.connectors:
                c.price = tariff.model_copy()
        return priced

    async def price(self, station_id: str, card_id: str | None = None) -> m.Tariff | None:
        """What charging at ``station_id`` costs per kWh, for ``card_id`` when given (a
        card's rate may differ from the public price). Not part of the ChargingProvider
        protocol: station detail shows it on every connector."""
        variables: dict = {"chargepoint": station_id}
        if card_id:
            variables["tagId"] = (await self._card(card_id)).uid
        data = await self.gql.execute(Q.GET_PRICE, variables)
        raw = data.get("getPrice")
        return adapter.tariff(w.PriceInfo.model_validate(raw)) if raw else None

    async def _price_quietly(self, station_id: str) -> m.Tariff | None:
        card = next((c for c in self._cards.values() if c.status is m.CardStatus.ACTIVE), None)
        try:
            return await self.price(station_id, card.id if card else None)
        except NotAuthenticated:
            raise
        except ProviderError as exc:  # a station without a price is still worth showing
            log.info("getPrice %s: %s", station_id, exc.code)
            return None

    # ---------------------------------------------------------------- cards

    async def list_cards(self) -> list[m.Card]:
        cards: list[m.Card] = []
        offset = 0
        while True:
            data = await self.gql.execute(
                Q.GET_CARDS,
                {"contactId": self.contact_id, "offset": offset, "limit": PAGE_SIZE},
            )
            batch = [adapter.card(w.Card.model_validate(c)) for c in data["getCards"] or () if c]
            cards.extend(c for c in batch if c.id)
            if len(batch) < PAGE_SIZE:
                break
            offset += len(batch)
        self._cards = {c.id: c for c in cards}
        return cards

    async def _card(self, card_id: str) -> m.Card:
        if card_id in self._cards:
            return self._cards[card_id]
        data = await self.gql.execute(Q.GET_CARD, {"tagId": card_id})
        if data.get("getCard") is None:
            raise NotFound("This card was not found.", detail=card_id)
        card = adapter.card(w.Card.model_validate(data["getCard"]))
        self._cards[card.id] = card
        return card

    async def _update_card(self, card_id: str, **fields) -> m.Card:
        data = await self.gql.execute(Q.UPDATE_CARD, {"tagId": card_id, **fields}, safe=True)
        if data.get("updateCard") is None:
            raise NotFound("This card was not found.", detail=card_id)
        card = adapter.card(w.Card.model_validate(data["updateCard"]))
        self._cards[card.id] = card
        return card

    async def rename_card(self, card_id: str, label: str) -> m.Card:
        if not label.strip():
            raise InvalidInput("Give the card a name.", field="label")
        return await self._update_card(card_id, name=label.strip())

    async def block_card(self, card_id: str) -> m.Card:
        return await self._update_card(card_id, active=False)

    async def unblock_card(self, card_id: str) -> m.Card:
        return await self._update_card(card_id, active=True)

    # ---------------------------------------------------------------- charging

    async def start_charging(
        self,
        connector_id: str,
        card_id: str,
        *,
        progress: ProgressCallback | None = None,
        timeout_s: float = 90.0,
    ) -> m.ChargingSession:
        card = await self._card(card_id)
        self.require_active(card)

        async def begin() -> StartAttempt:
            data = await self.gql.execute(
                Q.REMOTE_START,
                {"connectorId": connector_id, "tagId": card.uid},
                safe=False,  # a second remoteStart could start a second session
            )
            r = w.RemoteResponse.model_validate(data["remoteStart"] or {})
            status = (r.status or "").strip()
            refused = not r.session and status.lower() not in _START_PENDING
            return StartAttempt(  # the session then tells whether it charges
                id=r.session or "",
                status=status or ("accepted" if r.session else "failed"),
                session_id=r.session,
                failed=refused,
                failure_reason=f"{status}: {r.message}" if r.message else status,
            )

        async def poll(attempt: StartAttempt) -> StartAttempt:
            # accepted without a session id yet: the card's ongoing session on this connector
            for s in await self._sessions(tag_id=card.uid, active=True):
                if s.connector_id == connector_id and s.state.is_active:
                    return StartAttempt(id=s.id, status="charging", session_id=s.id)
            return attempt

        return await start_and_wait(
            begin=begin,
            poll=poll,
            get_session=self.get_session,
            start_error=start_refused,
            waiting=(),
            accepted=_START_PENDING | {"charging"},
            progress=progress,
            timeout_s=timeout_s,
            poll_interval_s=self.poll_interval_s,
        )

    async def get_session(self, session_id: str) -> m.ChargingSession:
        data = await self.gql.execute(Q.GET_CHARGING_SESSION, {"id": session_id})
        if data.get("getChargingSession") is None:
            raise NotFound("This charging session was not found.", detail=session_id)
        s = adapter.session(w.Session.model_validate(data["getChargingSession"]), session_id)
        return self._placed(s)

    def _placed(self, s: m.ChargingSession) -> m.ChargingSession:
        """Sessions name only the connector; the station comes from the catalogue when it is
        in hand (never fetched for this)."""
        station = self.catalogue.station_of_connector(s.connector_id) if s.connector_id else None
        if station is not None:
            s.station_id, s.station_name = station.id, station.name
        return s

    async def stop_charging(self, session_id: str, *, timeout_s: float = 60.0) -> m.ChargingSession:
        """remoteStop is repeated until the session shows it stopped: stopping a stopped
        session changes nothing."""
        session = await self.get_session(session_id)

        async def send_stop() -> None:
            data = await self.gql.execute(Q.REMOTE_STOP, {"session": session_id}, safe=True)
            r = w.RemoteResponse.model_validate(data["remoteStop"] or {})
            log.info("remoteStop %s: %s %s", session_id, r.status, r.message)

        return await stop_until_confirmed(
            session,
            send_stop=send_stop,
            refresh=lambda: self.get_session(session_id),
            timeout_s=timeout_s,
            poll_interval_s=self.poll_interval_s,
        )

    async def _sessions(
        self,
        *,
        offset: int = 0,
        limit: int = PAGE_SIZE,
        tag_id: str | None = None,
        active: bool | None = None,
    ) -> list[m.ChargingSession]:
        variables: dict = {"contactId": self.contact_id, "offset": offset, "limit": limit}
        if tag_id is not None:
            variables["tagId"] = tag_id
        if active is not None:
            variables["active"] = active
        data = await self.gql.execute(Q.GET_CHARGING_SESSIONS, variables)
        return [
            self._placed(adapter.session(w.Session.model_validate(s)))
            for s in data["getChargingSessions"] or ()
            if s
        ]

    async def active_sessions(self) -> list[m.ChargingSession]:
        return [s for s in await self._sessions(active=True) if s.state.is_active]

    # ---------------------------------------------------------------- history

    async def _all_sessions(self, max_sessions: int) -> list[m.ChargingSession]:
        out: list[m.ChargingSession] = []
        while len(out) < max_sessions:
            batch = await self._sessions(offset=len(out))
            out.extend(batch)
            if len(batch) < PAGE_SIZE:
                break
        return out

    @staticmethod
    def _in_range(s: m.ChargingSession, since: datetime | None, until: datetime | None) -> bool:
        if s.started_at is None:
            return since is None and until is None
        return (since is None or s.started_at >= since) and (until is None or s.started_at < until)

    async def history(
        self,
        *,
        offset: int = 0,
        limit: int = 20,
        since: datetime | None = None,
        until: datetime | None = None,
        max_sessions: int = 5000,
    ) -> m.Page[m.ChargingSession]:
        """Pages of getChargingSessions as they come; a time range (which the API cannot
        express) is applied to all of the driver's sessions, newest first."""
        if since is None and until is None:
            items = await self._sessions(offset=offset, limit=limit)
            return m.Page[m.ChargingSession](
                items=items, offset=offset, limit=limit, is_last=len(items) < limit
            )
        matching = [
            s for s in await self._all_sessions(max_sessions) if self._in_range(s, since, until)
        ]
        matching.sort(key=lambda s: s.started_at, reverse=True)
        return m.Page[m.ChargingSession](
            items=matching[offset : offset + limit],
            offset=offset,
            limit=limit,
            total=len(matching),
            is_last=offset + limit >= len(matching),
        )

    async def statistics(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        max_sessions: int = 5000,
    ) -> m.Statistics:
        """Summed from the driver's finished sessions (the API has no statistics and no CO2
        figures)."""
        sessions = await self._all_sessions(max_sessions)
        return summed_statistics(s for s in sessions if self._in_range(s, since, until))
