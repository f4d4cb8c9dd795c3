"""Plugsurfing OIOI v4 (OEM role) as a :class:`services.provider.ChargingProvider`.

OIOI authenticates the app with a partner key on every request and the driver with a
token (from ``user-verify`` or ``user-register``) inside each request's ``user`` object.
The document says the token is there "so that your application does not store any user
passwords": the password is used for ``user-verify`` only, and a token the back end no
longer accepts (145) ends the login (``SessionExpired``) instead of being renewed with it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services import models as m
from services.geo import bbox_around, haversine_km
from services.http import RedactingFilter, forget_secret, register_secret
from services.provider import (
    BaseProvider,
    Capability,
    CardRejected,
    InvalidCredentials,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    NotSupported,
    ProgressCallback,
    ProviderError,
    SessionExpired,
)
from services.providers.common import area, filtering
from services.providers.common.charging import (
    StartAttempt,
    start_and_wait,
    stop_until_confirmed,
)

from . import adapter, billed
from . import requests as R
from . import wire as w
from .client import OioiClient
from .errors import AUTHORIZED, STARTED

log = logging.getLogger("voltra.providers.plugsurfing")
log.addFilter(RedactingFilter())

BILLS_YEARS = 10  # user-get-bills needs a date interval; the app lists this far back
# station-get-by-ids takes ten ids a call: a long page needs several, sent a few at a time
# so a 500-station page does not arrive at the back end as one burst
DETAIL_CALLS_AT_ONCE = 4
# A surface answer this long may have been cut short by the back end's limit (its size is
# not published); radius searches then ask again nearer the centre, down to this radius.
MAYBE_CAPPED_AT = 100
MIN_REFINE_KM = 0.5


class PlugsurfingProvider(BaseProvider):
    name = "plugsurfing"
    # No rename: a charging key has only its UID and EVCO ID. No live status feed and no
    # occupancy slots (station-get-usage counts sessions, it has no per-hour rates).
    capabilities = frozenset(
        {
            Capability.SEARCH,
            Capability.STATION_DETAIL,
            Capability.ACCOUNT,
            Capability.REGISTER,
            Capability.PROFILE_EDIT,
            Capability.CARDS,
            Capability.ADD_CARD,
            Capability.CHOOSE_CARD_UID,
            Capability.BLOCK_CARD,
            Capability.UNBLOCK_CARD,
            Capability.CHARGING,
            Capability.LIVE_METER,
            Capability.HISTORY,
            Capability.STATISTICS,
            Capability.DOCUMENTS,
            Capability.RECENT_STATIONS,
        }
    )

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        client: OioiClient | None = None,
        on_login_token: Callable[[str | None], None] | None = None,
        poll_interval_s: float = 1.0,
        language: str | None = "en",
        **client_kw,
    ) -> None:
        """``api_key``: the partner (OEM) key, when the app is configured with one (a
        kiosk); otherwise it comes with the login's ``Credentials.api_key``. Without a key
        not even the map can be searched. ``on_login_token`` hears the token that resumes
        the login (key and user token together) and None after logout."""
        self.base_url = base_url.rstrip("/")
        self.client = client or OioiClient(self.base_url, api_key=api_key, **client_kw)
        if client is not None and api_key:
            self.client.set_key(api_key)
        self._on_login_token = on_login_token
        self.poll_interval_s = poll_interval_s
        self.language = language
        self._username: str | None = None
        self._evco_id: str | None = None
        self._cards: dict[str, m.Card] = {}
        self._blocked: set[str] = set()  # blocked here, for key lists without a status
        self._connectors: dict[str, str] = {}  # connector id -> EVSE ID, from station detail
        self._station_names: dict[str, str] = {}  # station id -> name, from station detail
        self._started: dict[str, _Started] = {}

    # ---------------------------------------------------------------- account

    @property
    def is_logged_in(self) -> bool:
        auth = self.client.auth
        return auth is not None and auth.user_token is not None and self._username is not None

    @property
    def username(self) -> str | None:
        return self._username if self.is_logged_in else None

    @property
    def evco_id(self) -> str | None:
        """The driver's contract ID (EVCO ID), known after login or registration."""
        return self._evco_id

    async def close(self) -> None:
        await self.client.aclose()

    def _user(self) -> dict:
        if not self.is_logged_in:
            raise NotAuthenticated()
        return self.client.auth.user(self._username)

    async def _as_user(self, kind: str, fields: dict | None = None, *, safe: bool) -> dict:
        try:
            return await self.client.request(
                kind, {"user": self._user(), **(fields or {})}, safe=safe
            )
        except SessionExpired:
            self._forget_login()
            raise

    def _forget_login(self) -> None:
        if self.client.auth is not None:
            self.client.auth.user_token = None
        self._cards.clear()
        self._blocked.clear()
        self._started.clear()
        self._evco_id = None
        self._tell_login_token(None)

    def _resume_token(self) -> str:
        assert self.client.auth is not None
        return json.dumps({"key": self.client.key, "token": self.client.auth.user_token})

    def _use_key(self, key: str | None) -> None:
        if key:
            self.client.set_key(key)
        if not self.client.has_key:
            raise InvalidInput("Enter the API key your charging service gave you.", field="api_key")

    async def login(self, credentials: m.Credentials) -> m.Profile:
        """E-mail and password (``user-verify``), or a saved login: ``refresh_token`` as
        :meth:`on_login_token` gave it, checked with ``user-verify`` ``is-token: true``."""
        username = (credentials.username or "").strip()
        if credentials.refresh_token and not credentials.password:
            key, secret = _read_resume_token(credentials.refresh_token)
            self._use_key(credentials.api_key or key)
            is_token = True
        else:
            self._use_key(credentials.api_key)
            secret = credentials.password or ""
            is_token = False
        if not username or not secret:
            raise InvalidInput("Enter your email and password.", field="username")
        register_secret(secret)
        try:
            data = await self.client.request(
                R.USER_VERIFY,
                R.verify(username, secret, is_token=is_token, language=self.language),
                safe=True,  # a verification changes nothing: safe to repeat
            )
        except NotAuthenticated as exc:
            if is_token:
                raise SessionExpired(detail=exc.detail) from exc
            if type(exc) is NotAuthenticated:  # 140: "no positive authentication response"
                raise InvalidCredentials(detail=exc.detail) from exc
            raise
        finally:
            if not is_token:
                forget_secret(secret)  # the password is not kept; the token stands in
        token = w.UserToken.model_validate(data).token or (secret if is_token else None)
        if not token:
            raise ProviderError(detail="user-verify returned no token")
        self._start_login(username, token)
        return await self.profile()

    def _start_login(self, username: str, token: str) -> None:
        self._cards.clear()
        self._blocked.clear()
        self._started.clear()
        self._evco_id = None
        self._username = username
        assert self.client.auth is not None
        self.client.auth.user_token = token
        self._tell_login_token(self._resume_token())

    async def logout(self) -> None:
        if self.is_logged_in:
            try:
                await self._as_user(R.USER_LOGOUT, safe=True)
            except ProviderError as exc:  # logging out on the device matters more
                log.info("user-logout failed: %s", exc.code)
        self._forget_login()

    async def register(self, registration: m.Registration) -> m.Profile:
        """``user-register`` answers with a token: the new driver is logged in."""
        self._use_key(None)
        data = await self.client.request(
            R.USER_REGISTER,
            R.register(registration, _language(registration.language) or self.language),
            safe=False,  # a repeat would answer 143 (email exists) for our own account
        )
        created = w.UserToken.model_validate(data)
        if not created.token:
            raise ProviderError(detail="user-register returned no token")
        self._start_login(registration.email, created.token)
        self._evco_id = created.evco_id
        names = {"first_name": registration.first_name, "last_name": registration.last_name}
        if any(names.values()):
            return await self.update_profile(m.Profile(email=registration.email, **names))
        return await self.profile()

    async def reset_password(self, identifier: str) -> None:
        """Ask the back end to send a password reset (``user-reset``) for a username or
        e-mail address. Not part of the ChargingProvider protocol."""
        if not identifier.strip():
            raise InvalidInput("Enter your email.", field="identifier")
        self._use_key(None)
        await self.client.request(R.USER_RESET, {"identifier": identifier.strip()}, safe=False)

    async def change_password(
        self, current_password: str, new_password: str, *, username: str | None = None
    ) -> None:
        """``user-change-password`` for the logged-in driver, or for ``username``. After
        :meth:`reset_password` the e-mailed code may stand in for the current password
        (how the embedded core completes a reset). Not part of the ChargingProvider
        protocol."""
        who = (username or self._username or "").strip()
        if not who:
            raise InvalidInput("Enter your email.", field="username")
        if not new_password:
            raise InvalidInput("Enter a new password.", field="new_password")
        self._use_key(None)
        register_secret(current_password)
        register_secret(new_password)
        fields = {
            "username": who,
            "current-password": current_password,
            "new-password": new_password,
        }
        try:
            await self.client.request(R.USER_CHANGE_PASSWORD, fields, safe=False)
        except NotAuthenticated as exc:
            if isinstance(exc, InvalidCredentials | SessionExpired):
                raise
            raise InvalidCredentials(
                "Your current password is not correct.", detail=exc.detail
            ) from exc
        finally:
            forget_secret(current_password)
            forget_secret(new_password)

    async def profile(self) -> m.Profile:
        data = await self._as_user(R.USER_GET_DETAILS, safe=True)
        details = w.UserDetails.model_validate(data)
        self._evco_id = details.evco_id or self._evco_id
        return adapter.profile(details, self._username or "")

    async def update_profile(self, profile: m.Profile) -> m.Profile:
        data = await self._as_user(R.USER_POST_DETAILS, {"details": R.details(profile)}, safe=True)
        # the document's "success false" answer: code 0 with a reason
        reason = w.Reason.model_validate(data).reason
        if reason:
            raise InvalidInput(reason, detail=f"user-post-details: {reason}")
        return await self.profile()

    # ---------------------------------------------------------------- stations

    async def search_stations(self, query: m.SearchQuery) -> m.Page[m.Station]:
        """``station-get-surface`` for the viewport, or for the box around the circle
        (stations outside the circle are dropped here). The surface answer is a whole
        area at once, so paging and distance order are done here; the page's stations
        are then completed with ``station-get-by-ids`` (operator, address, connectors)."""
        box = area.search_box(query)
        wire_filters = R.surface_filters(query.filters)
        found = await self._surface(box, wire_filters)
        centre = query.centre or (query.bbox.centre if query.bbox else box.centre)
        capped = False
        if query.centre is not None and query.radius_km is not None:
            # "The total number of stations returned per request is limited": a full
            # answer may have left out the nearest stations, so the middle is asked for
            # again in smaller boxes until an answer is no longer full
            radius, batch = query.radius_km, found
            while len(batch) >= MAYBE_CAPPED_AT and radius > MIN_REFINE_KM:
                radius /= 4
                batch = await self._surface(bbox_around(centre, radius), wire_filters)
                known = {s.id for s in found}
                missed = [s for s in batch if s.id not in known]
                # only stations the full answer left out show it was cut short
                capped = capped or bool(missed)
                found.extend(missed)
        # plugs, current and power were asked of the back end, and surface stations
        # carry no connectors to check them against again
        local = query.model_copy(
            update={
                "filters": query.filters.model_copy(
                    update={"plug_types": [], "current_type": None, "min_power_kw": None}
                )
            }
        )
        candidates = []
        for raw in found:
            s = adapter.surface_station(raw)
            s.distance_km = round(haversine_km(centre, s.coordinates), 3)
            if query.bbox is None and s.distance_km > (query.radius_km or 0):
                continue
            if local.filters.available_only and s.status.available == 0 and s.status.total:
                continue
            candidates.append(s)
        candidates.sort(key=lambda s: (s.distance_km, s.id))
        after_detail = bool(
            query.filters.operator or query.filters.free_only or query.filters.favourites_only
        )
        window = candidates[query.offset : query.offset + query.limit]
        detailed = await self._detail(window)
        items = []
        for s in window:
            full = detailed.get(s.id, s)
            full.distance_km = s.distance_km
            if full is not s and not full.connectors:
                full.status = s.status
            if after_detail and not _keep_after_detail(full, local):
                continue
            if local.filters.available_only and full.status.available == 0:
                continue
            items.append(full)
        unknown_total = after_detail or query.filters.available_only or capped
        return m.Page(
            items=items,
            offset=query.offset,
            limit=query.limit,
            total=None if unknown_total else len(candidates),
            is_last=query.offset + query.limit >= len(candidates),
        )

    async def _surface(self, box: m.BoundingBox, filters: dict) -> list[w.SurfaceStation]:
        data = await self.client.request(R.STATION_GET_SURFACE, R.surface(box, filters), safe=True)
        return w.Surface.model_validate(data).stations

    async def _detail(self, stations: list[m.Station]) -> dict[str, m.Station]:
        ids = [s.id for s in stations if s.id.isdigit()]
        batches = [ids[i : i + R.MAX_IDS_PER_CALL] for i in range(0, len(ids), R.MAX_IDS_PER_CALL)]
        gate = asyncio.Semaphore(DETAIL_CALLS_AT_ONCE)

        async def one(batch: list[str]) -> list[m.Station]:
            async with gate:
                return await self._by_ids(batch)

        results = await asyncio.gather(*(one(b) for b in batches))
        return {s.id: s for batch in results for s in batch}

    async def _by_ids(self, ids: list[str]) -> list[m.Station]:
        data = await self.client.request(
            R.STATION_GET_BY_IDS, {"station-ids": [int(i) for i in ids]}, safe=True
        )
        answer = w.StationsByIds.model_validate(data)
        companies = {c.id: c for c in answer.companies}
        stations = [adapter.station(s, companies) for s in answer.stations]
        for s in stations:
            self._station_names[s.id] = s.name
            for c in s.connectors:
                if c.evse_id:
                    self._connectors[c.id] = c.evse_id
        return stations

    async def get_station(self, station_id: str) -> m.Station:
        if not station_id.strip().isdigit():
            raise NotFound("This charging station no longer exists.", detail=station_id)
        found = await self._by_ids([station_id.strip()])
        for s in found:
            if s.id == station_id.strip():
                return s
        raise NotFound("This charging station no longer exists.", detail=station_id)

    async def recent_stations(self, limit: int = 10) -> list[m.Station]:
        """The stations the driver used last (``user-get-recent-stations``), newest
        first, for a "Recent" list on the map."""
        data = await self._as_user(R.USER_GET_RECENT_STATIONS, {"limit": limit}, safe=True)
        recent = [adapter.surface_station(s) for s in w.Surface.model_validate(data).stations]
        # the list shows addresses and connectors, which only the detail answer has; a
        # station without one is no longer sold through this service, so not offered again
        detailed = await self._detail(recent)
        return [detailed[s.id] for s in recent if s.id in detailed]

    # ---------------------------------------------------------------- cards

    async def list_cards(self) -> list[m.Card]:
        data = await self._as_user(R.USER_GET_CHARGING_KEYS, safe=True)
        keys = w.ChargingKeys.model_validate(data).charging_keys
        cards = [adapter.card(k) for k in keys]
        for key, c in zip(keys, cards, strict=True):
            # the document's keys have no status: then what this app did is all we know
            if key.status is None and key.is_blocked is None and c.uid in self._blocked:
                c.status = m.CardStatus.BLOCKED
        self._cards = {c.id: c for c in cards}
        return cards

    async def _card(self, card_id: str) -> m.Card:
        if card_id not in self._cards:
            await self.list_cards()
        card = self._cards.get(card_id)
        if card is None:
            raise NotFound("This card was not found.", detail=card_id)
        return card

    async def add_card(self, uid: str, label: str | None = None) -> m.Card:
        """Registers an existing RFID card by its UID; OIOI keys have no name, so
        ``label`` is not kept."""
        rfid = R.normalise_uid(uid)
        await self._as_user(R.USER_ADD_RFID, {"rfid": rfid}, safe=False)
        self._blocked.discard(rfid)
        await self.list_cards()
        return self._cards.get(rfid) or m.Card(id=rfid, uid=rfid, type="RFID")

    async def block_card(self, card_id: str) -> m.Card:
        return await self._set_blocked(card_id, True)

    async def unblock_card(self, card_id: str) -> m.Card:
        return await self._set_blocked(card_id, False)

    async def _set_blocked(self, card_id: str, blocked: bool) -> m.Card:
        rfid = R.normalise_uid(card_id)
        kind = R.USER_BLOCK_RFID if blocked else R.USER_UNBLOCK_RFID
        await self._as_user(kind, {"rfid": rfid}, safe=True)  # same state again: harmless
        (self._blocked.add if blocked else self._blocked.discard)(rfid)
        card = await self._card(rfid)
        card.status = m.CardStatus.BLOCKED if blocked else m.CardStatus.ACTIVE
        return card

    # ---------------------------------------------------------------- charging

    async def _evse_id(self, connector_id: str, station_id: str | None = None) -> str:
        """session-start and -stop name the connector by EVSE ID; the app knows
        connectors by the back end's connector id (station detail maps one to the other)."""
        if connector_id in self._connectors:
            return self._connectors[connector_id]
        if station_id and station_id.isdigit():
            await self._by_ids([station_id])
        return self._connectors.get(connector_id, connector_id)

    async def _contract(self, card: m.Card) -> str:
        if card.number:
            return card.number
        if self._evco_id is None:
            await self.profile()
        if not self._evco_id:
            raise CardRejected("This card has no contract to charge with.", detail=card.id)
        return self._evco_id

    def _start_user(self, evco_id: str) -> dict:
        # the document: identifier-type "must be" evco-id; the token vouches for the driver
        user = self._user()
        return {"identifier-type": "evco-id", "identifier": evco_id, "token": user["token"]}

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
        evco_id = await self._contract(card)
        evse_id = await self._evse_id(connector_id)
        begun_at = datetime.now(UTC)

        answered: list[StartAttempt] = []

        async def begin() -> StartAttempt:
            try:
                code, data = await self.client.send(
                    R.SESSION_START,
                    {"user": self._start_user(evco_id), "connector-id": evse_id},
                    safe=False,  # a second start could start a second session
                )
            except SessionExpired:
                self._forget_login()
                raise
            started = w.SessionStarted.model_validate(data)
            session_id = started.session_id or await self._find_started(connector_id, begun_at)
            self._started[session_id] = _Started(
                connector_id=connector_id,
                evse_id=evse_id,
                evco_id=evco_id,
                card=card,
                stoppable=started.is_stoppable,
                charging=code == STARTED,
                begun_at=begun_at,
            )
            status = "charging" if code == STARTED else "accepted"
            if code == AUTHORIZED:
                status = "authorized"  # 012: the driver must now plug in
            answered.append(StartAttempt(id=session_id, status=status, session_id=session_id))
            # reported as sent first, so the flow reports the answer as its next step
            return StartAttempt(id=session_id, status="sent")

        async def poll(attempt: StartAttempt) -> StartAttempt:
            return answered[-1]  # session-start answers at once; the session is polled next

        return await start_and_wait(
            begin=begin,
            poll=poll,
            get_session=self.get_session,
            start_error=lambda reason: ProviderError(reason, detail=reason),
            waiting=("sent",),
            accepted=("accepted", "authorized", "charging"),
            progress=progress,
            timeout_s=timeout_s,
            poll_interval_s=self.poll_interval_s,
        )

    async def _find_started(self, connector_id: str, since: datetime) -> str:
        """A start answered without a session-id: the newest running session is it."""
        sessions = await self._recent()
        running = [
            s for s in sessions if s.state.is_active and (s.connector_id in (None, connector_id))
        ]
        running.sort(key=lambda s: s.started_at or since, reverse=True)
        if running:
            return running[0].id
        return f"start-{connector_id}-{since.timestamp():.0f}"

    async def _recent(self) -> list[m.ChargingSession]:
        data = await self._as_user(R.USER_GET_RECENT_SESSIONS, safe=True)
        sessions = [
            adapter.session(s, i)
            for i, s in enumerate(w.RecentSessions.model_validate(data).sessions)
        ]
        for s in sessions:
            started = self._started.get(s.id)
            if started is not None:
                s.card_id = started.card.id
                s.card_uid = started.card.uid
                s.evse_id = started.evse_id
        return sessions

    async def get_session(self, session_id: str) -> m.ChargingSession:
        for s in await self._recent():
            if s.id == session_id:
                return s
        started = self._started.get(session_id)
        if started is not None:
            # started here, not yet in the recent sessions: as far as the start answer said
            return m.ChargingSession(
                id=session_id,
                connector_id=started.connector_id,
                evse_id=started.evse_id,
                card_id=started.card.id,
                card_uid=started.card.uid,
                state=m.SessionState.CHARGING if started.charging else m.SessionState.ACCEPTED,
                started_at=started.begun_at,
            )
        raise NotFound("This charging session was not found.", detail=session_id)

    async def stop_charging(self, session_id: str, *, timeout_s: float = 60.0) -> m.ChargingSession:
        """session-stop is idempotent (stopping a stopped session changes nothing), so it
        is repeated until the recent sessions show the session ended."""
        session = await self.get_session(session_id)
        started = self._started.get(session_id)
        if started is not None and started.stoppable is False:
            raise NotSupported(
                "This charging point cannot be stopped from the app. Unplug to stop.",
                detail=session_id,
            )
        if started is not None:
            evse_id, evco_id = started.evse_id, started.evco_id
        else:
            evse_id = await self._evse_id(session.connector_id or "", session.station_id)
            evco_id = self._evco_id or (await self.profile()).id or ""

        async def send_stop() -> None:
            fields = {
                "user": self._start_user(evco_id),
                "connector-id": evse_id,
                "session-id": session_id,
            }
            try:
                await self.client.request(R.SESSION_STOP, fields, safe=True)
            except SessionExpired:
                self._forget_login()
                raise

        return await stop_until_confirmed(
            session,
            send_stop=send_stop,
            refresh=lambda: self.get_session(session_id),
            timeout_s=timeout_s,
            poll_interval_s=self.poll_interval_s,
        )

    async def active_sessions(self) -> list[m.ChargingSession]:
        return [s for s in await self._recent() if s.state.is_active]

    # ---------------------------------------------------------------- history

    async def history(
        self,
        *,
        offset: int = 0,
        limit: int = 20,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> m.Page[m.ChargingSession]:
        """The recent sessions, newest first (OIOI sends them as one list, so time range
        and paging apply here), then the older sessions the bills name (``billed``)."""
        recent = await self._recent()
        sessions = _in_range(recent, since, until)
        if offset + limit < len(sessions):
            found = billed.page(sessions, None, offset, limit)
        else:
            older: list[m.ChargingSession] = []
            if since is None and until is None:  # billed sessions have no dates to filter on
                older = billed.sessions(await self._bills(), {s.id for s in recent})
            found = billed.page(sessions, older, offset, limit)
        await self._name_stations(found.items)
        return found

    async def _name_stations(self, sessions: list[m.ChargingSession]) -> None:
        """A recent session names its station by address only: the list reads better with
        the station's name, from its detail (asked once per station)."""
        wanted = sorted(
            {s.station_id for s in sessions if s.station_id and s.station_id.isdigit()}
            - self._station_names.keys()
        )
        try:
            for i in range(0, len(wanted), R.MAX_IDS_PER_CALL):
                await self._by_ids(wanted[i : i + R.MAX_IDS_PER_CALL])
        except ProviderError as exc:  # the addresses still say where
            log.info("station names for history not read: %s", exc.code)
        for s in sessions:
            s.station_name = self._station_names.get(s.station_id or "") or s.station_name

    async def _bills(self) -> list[w.Bill]:
        now = datetime.now(UTC)
        interval = {
            "start": R.rfc3339(now - timedelta(days=365 * BILLS_YEARS)),
            "end": R.rfc3339(now + timedelta(days=1)),
        }
        data = await self._as_user(R.USER_GET_BILLS, {"date-interval": interval}, safe=True)
        return w.Bills.model_validate(data).bills

    async def statistics(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> m.Statistics:
        sessions = [
            s for s in _in_range(await self._recent(), since, until) if not s.state.is_active
        ]
        months: dict[str, m.MonthlyStatistics] = {}
        stats = m.Statistics()
        for s in sessions:
            key = s.started_at.strftime("%Y-%m") if s.started_at else "unknown"
            mo = months.setdefault(
                key,
                m.MonthlyStatistics(month=key, sessions=0, energy_kwh=0, cost=0, co2_saved_kg=0),
            )
            mo.sessions += 1
            mo.energy_kwh = round(mo.energy_kwh + s.energy_kwh, 3)
            stats.sessions += 1
            stats.energy_kwh = round(stats.energy_kwh + s.energy_kwh, 3)
            stats.duration_s += s.duration_s or 0.0
            if s.cost is not None:
                mo.cost = round(mo.cost + s.cost.total, 2)
                stats.cost = round(stats.cost + s.cost.total, 2)
                stats.currency = s.cost.currency
        stats.months = sorted(
            (v for k, v in months.items() if k != "unknown"), key=lambda x: x.month
        )
        return stats

    async def documents(self, *, offset: int = 0, limit: int = 20) -> m.Page[m.Document]:
        docs = [adapter.document(b, i) for i, b in enumerate(await self._bills())]
        return m.Page(
            items=docs[offset : offset + limit],
            offset=offset,
            limit=limit,
            total=len(docs),
            is_last=offset + limit >= len(docs),
        )


@dataclass
class _Started:
    """What this app sent to start a session: what a stop must send again."""

    connector_id: str
    evse_id: str
    evco_id: str
    card: m.Card
    stoppable: bool | None
    charging: bool
    begun_at: datetime


def _in_range(
    sessions: list[m.ChargingSession], since: datetime | None, until: datetime | None
) -> list[m.ChargingSession]:
    def keep(s: m.ChargingSession) -> bool:
        if s.started_at is None:
            return since is None and until is None
        return (since is None or s.started_at >= since) and (until is None or s.started_at < until)

    out = [s for s in sessions if keep(s)]
    epoch = datetime.min.replace(tzinfo=UTC)
    out.sort(key=lambda s: s.started_at or epoch, reverse=True)
    return out


def _keep_after_detail(s: m.Station, q: m.SearchQuery) -> bool:
    if q.filters.free_only and not all(
        c.price is not None and c.price.free_of_charge for c in s.connectors
    ):
        return False
    return filtering.keep(s, q)


def _language(value: str | None) -> str | None:
    return value[:2].lower() if value else None


def _read_resume_token(value: str) -> tuple[str | None, str]:
    """The saved login: ``{"key": ..., "token": ...}`` as :meth:`_resume_token` wrote it;
    a bare user token (key configured on the app) is read too."""
    try:
        saved = json.loads(value)
    except ValueError:
        return None, value
    if not isinstance(saved, dict) or not saved.get("token"):
        raise SessionExpired(detail="saved OIOI login unreadable")
    return saved.get("key"), str(saved["token"])
