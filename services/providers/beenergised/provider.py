"""The be.ENERGISED driver API as a :class:`services.provider.ChargingProvider`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime

from services import models as m
from services.geo import haversine_km
from services.http import RedactingFilter
from services.provider import (
    BaseProvider,
    Capability,
    InvalidInput,
    NotFound,
    NotSupported,
    ProgressCallback,
    ProviderError,
)
from services.providers.common import area, filtering
from services.providers.common.charging import (
    StartAttempt,
    start_and_wait,
    stop_until_confirmed,
)

from . import adapter
from . import queries as Q
from . import wire as w
from .client import GraphQLClient, Tokens
from .errors import from_error_body, from_start_failure
from .live import follow_session
from .subscription import feed_status_updates

log = logging.getLogger("voltra.providers.beenergised")
log.addFilter(RedactingFilter())  # tokens must not reach any log handler

MAX_RADIUS_KM = 1000.0  # LocationFilter.radius cap for viewport searches

# Attempt statuses are free strings in the document. The embedded core uses PENDING, SENT,
# ACCEPTED (charger said yes, waiting for the vehicle), STARTED (transaction running), FAILED.
_ATTEMPT_WAITING = {"pending", "sent", "requested", "accepted", "created", "queued"}
_ATTEMPT_OK = {"accepted", "charging", "started", "success", "succeeded", "completed"}


class BeEnergisedProvider(BaseProvider):
    name = "beenergised"
    # No unblock: UpdateCardInput.status only knows DEACTIVATE (CardStatusActionEnum).
    capabilities = frozenset(
        {
            Capability.SEARCH,
            Capability.STATION_DETAIL,
            Capability.LIVE_STATUS,
            Capability.OCCUPANCY,
            Capability.ACCOUNT,
            Capability.REGISTER,
            Capability.PROFILE_EDIT,
            Capability.CARDS,
            Capability.ADD_CARD,
            Capability.RENAME_CARD,
            Capability.BLOCK_CARD,
            Capability.CHARGING,
            Capability.LIVE_METER,
            Capability.HISTORY,
            Capability.STATISTICS,
            Capability.DOCUMENTS,
            Capability.FAVOURITES,
            Capability.EVSE_LOOKUP,
            Capability.PAY_AS_YOU_GO,
            Capability.SITES,
            # AttemptRemoteStartConfig.stopMinutes; nothing in the document stops at an
            # energy, a cost or a battery level
            Capability.LIMIT_MINUTES,
        }
    )

    def __init__(
        self,
        base_url: str,
        *,
        client: GraphQLClient | None = None,
        on_login_token: Callable[[str | None], None] | None = None,
        poll_interval_s: float = 0.5,
        **client_kw,
    ) -> None:
        """``on_login_token`` hears the token that resumes this login (the refresh token)
        whenever it changes, and None when there is none to keep (logged out, anonymous)."""
        self.base_url = base_url.rstrip("/")

        def tokens_changed(tokens: Tokens | None) -> None:
            if on_login_token is None:
                return
            keep = tokens is not None and not tokens.anonymous and tokens.refresh
            on_login_token(tokens.refresh if keep else None)

        self.gql = client or GraphQLClient(self.base_url, on_tokens=tokens_changed, **client_kw)
        self.poll_interval_s = poll_interval_s
        self._cards: dict[str, m.Card] = {}
        self._username: str | None = None
        self._filter_options: dict[str, set[str]] | None = None

    @property
    def is_logged_in(self) -> bool:
        return self.gql.logged_in

    @property
    def refresh_token(self) -> str | None:
        t = self.gql.tokens
        return t.refresh if t and not t.anonymous else None

    async def close(self) -> None:
        await self.gql.aclose()

    # ---------------------------------------------------------------- account

    @property
    def username(self) -> str | None:
        return self._username if self.is_logged_in else None

    async def login(self, credentials: m.Credentials) -> m.Profile:
        # set first: the token callback (saving the refresh token) needs to know whose it is
        previous, self._username = self._username, credentials.username or self._username
        try:
            if credentials.username and credentials.password:
                await self.gql.login(credentials.username, credentials.password)
            elif credentials.refresh_token:
                await self.gql.resume(credentials.refresh_token)
            else:
                raise InvalidInput("Enter your email and password.", field="username")
        except BaseException:
            self._username = previous
            raise
        self._cards.clear()
        profile = await self.profile()
        self._username = self._username or profile.email
        return profile

    async def logout(self) -> None:
        await self.gql.logout()
        self._cards.clear()

    async def register(self, registration: m.Registration) -> m.Profile:
        contact = {
            "email": registration.email,
            "password": registration.password,
            "firstName": registration.first_name,
            "name": registration.last_name,
        }
        if adapter.language_code(registration.language):
            contact["language"] = adapter.language_code(registration.language)
        data = await self.gql.execute(Q.REGISTER_CONTACT, {"contactProfile": contact}, safe=False)
        r = w.ContactResponse.model_validate(data["registerContact"] or {})
        if r.error is not None and (r.error.code or r.error.response):
            raise from_error_body(r.error)
        if r.profile is None:
            raise ProviderError(detail="registerContact returned no profile")
        return adapter.profile(r.profile)

    async def profile(self) -> m.Profile:
        data = await self.gql.execute(Q.CONTACT_QUERY)
        if data.get("contact") is None:
            raise NotFound(detail="contact is null")
        return adapter.profile(w.Contact.model_validate(data["contact"]))

    async def update_profile(self, profile: m.Profile) -> m.Profile:
        contact: dict = {
            "firstName": profile.first_name,
            "name": profile.last_name,
            "phone": profile.phone,
            "email": profile.email,
            "address": {
                "street": profile.address.street,
                "zip": profile.address.postal_code,
                "city": profile.address.city,
                "country": profile.address.country,
            },
        }
        if adapter.language_code(profile.language):
            contact["language"] = adapter.language_code(profile.language)
        # "all set fields with a non null value will be updated": send only what we have
        contact = {k: v for k, v in contact.items() if v is not None}
        contact["address"] = {k: v for k, v in contact["address"].items() if v is not None}
        if not contact["address"]:
            del contact["address"]
        data = await self.gql.execute(Q.UPDATE_CONTACT, {"contactProfile": contact}, safe=True)
        r = w.ContactResponse.model_validate(data["updateContact"] or {})
        if r.error is not None and (r.error.code or r.error.response):
            raise from_error_body(r.error)
        return adapter.profile(r.profile) if r.profile else await self.profile()

    # ---------------------------------------------------------------- stations

    async def search_stations(self, query: m.SearchQuery) -> m.Page[m.Station]:
        centre, radius = area.search_circle(query, MAX_RADIUS_KM)
        f = query.filters
        wire_filters = await self._connector_filters(f)
        # Filters the wire lacks (available only, favourites only, operator, min power) are
        # applied here, so pages may hold fewer than `limit` items and `total` is unknown.
        local = filtering.needs_local_filtering(query)
        variables: dict = {
            "orderedByDistance": "1",
            "pagination": {"limit": query.limit, "offset": query.offset},
            # LocationFilter.radius has no unit in the document; read as kilometres.
            "location": {
                "latitude": centre.latitude,
                "longitude": centre.longitude,
                "radius": radius,
            },
        }
        if wire_filters:
            variables["filter"] = wire_filters
        if f.free_only:
            variables["freeOfCharge"] = True
        data = await self.gql.execute(Q.CPS_PAGED_LOCATION_BASED, variables)
        paged = w.CpsPaged.model_validate(data["cpsPagedLocationBased"] or {})
        stations = []
        for cp in paged.data or ():
            if cp is None:
                continue
            s = adapter.station(cp, self.base_url)
            # haversine: a list distance needs metres, not the ellipsoid's millimetres
            s.distance_km = round(haversine_km(centre, s.coordinates), 3)
            if filtering.keep(s, query):
                stations.append(s)
        page = adapter.page(stations, paged.pagination, query.offset, query.limit)
        if local:
            page.total = None
        return page

    async def _offered_filters(self) -> dict[str, set[str]]:
        """The back end's own filter options (``filters`` query), fetched once: option slugs
        are defined per back end, so only those it offers are sent."""
        if self._filter_options is None:
            try:
                data = await self.gql.execute(Q.FILTERS)
            except ProviderError as exc:
                log.info("filters unavailable (%s); filtering on the device", exc.code)
                return {}
            self._filter_options = {
                f["slug"]: {o["slug"] for o in f.get("options") or () if o and o.get("slug")}
                for f in data.get("filters") or ()
                if f and f.get("slug")
            }
        return self._filter_options

    async def _connector_filters(self, f: m.StationFilters) -> list[dict]:
        wanted: dict[str, list[str]] = {}
        if f.current_type is not None:
            wanted["TYPE_OF_CURRENT"] = [f.current_type.value]
        if f.plug_types:
            wanted["FILTER_BY_CONNECTOR_TYPE"] = [p.value for p in f.plug_types]
        if f.min_power_kw:
            # the coarsest class that still contains every acceptable connector
            for threshold, slug in ((300, "FROM_300_KW"), (150, "FROM_150_KW"), (50, "FROM_50_KW")):
                if f.min_power_kw >= threshold:
                    wanted["POWER_CLASS"] = [slug]
                    break
        if not wanted:
            return []
        offered = await self._offered_filters()
        out = []
        for slug, options in wanted.items():
            ok = [o for o in options if o in offered.get(slug, ())]
            if ok and len(ok) == len(options):
                out.append({"slug": slug, "options": ok})
        return out

    async def get_station(self, station_id: str) -> m.Station:
        data = await self.gql.execute(Q.CP_DETAIL, {"id": station_id, "uuid": station_id})
        if data.get("cp") is None:
            raise NotFound("This charging station no longer exists.", detail=station_id)
        caps = data.get("cpCapabilities") or {}
        return adapter.station(
            w.Cp.model_validate(data["cp"]),
            self.base_url,
            remote_start=caps.get("hasRemoteCommands"),
        )

    async def station_by_evse_id(self, evse_id: str) -> m.Station:
        # Drivers type the printed ID in any case; EVSE IDs are upper case
        wanted = evse_id.strip().upper()
        if not wanted:
            raise InvalidInput("Enter the EVSE ID printed on the charger.", field="evseId")
        data = await self.gql.execute(Q.CONNECTOR_BY_EVSE_ID, {"evseId": wanted})
        found = data.get("connectorByEvseId")
        cp_id = ((found or {}).get("cp") or {}).get("id")
        if not cp_id:
            raise NotFound("No charger has this EVSE ID.", detail=wanted)
        return await self.get_station(str(cp_id))

    async def site_stations(self, site_id: str) -> list[m.Station]:
        data = await self.gql.execute(Q.SITE_STATIONS, {"id": site_id})
        site = data.get("site")
        if site is None:
            raise NotFound("This site does not exist.", detail=site_id)
        cps = [w.Cp.model_validate(cp) for cp in site.get("cps") or () if cp]
        return [adapter.station(cp, self.base_url) for cp in cps]

    async def occupancy(self, station_id: str) -> list[m.OccupancySlot]:
        data = await self.gql.execute(Q.CP_OCCUPANCY_RATE, {"cpId": station_id, "day": "ALL"})
        rates = [w.OccupancyRate.model_validate(r) for r in data["cpOccupancyRate"] or () if r]
        return adapter.occupancy(rates)

    async def watch_status(self, connector_ids: Iterable[str]) -> AsyncIterator[m.StatusChange]:
        async def token() -> str | None:
            try:
                await self.gql._ensure_session()
            except ProviderError:
                return None
            return self.gql.tokens.session if self.gql.tokens else None

        async for item in feed_status_updates(self.base_url, list(connector_ids), token=token):
            status = w.ConnectorStatus.model_validate(item)
            yield m.StatusChange(
                connector_id=status.connectorId,
                status=adapter.connector_status(status.simple),
                status_detail=status.ocpp or status.calculated,
                at=datetime.now(UTC),
            )

    async def favourites(self) -> list[m.Station]:
        data = await self.gql.execute(Q.GET_FAVOURITE_CPS)
        return [
            adapter.station(w.Cp.model_validate(cp), self.base_url)
            for cp in data["getFavouriteCps"] or ()
            if cp
        ]

    async def set_favourite(self, station_id: str, favourite: bool) -> bool:
        doc, field = (
            (Q.SET_FAVOURITE_CPS, "setFavouriteCps")
            if favourite
            else (Q.UNSET_FAVOURITE_CPS, "unsetFavouriteCps")
        )
        data = await self.gql.execute(doc, {"ids": [station_id]}, safe=True)
        for s in data[field] or ():
            if s and s.get("id") == station_id and s.get("isFavoured") is not None:
                return bool(s["isFavoured"])
        return favourite

    # ---------------------------------------------------------------- cards

    async def list_cards(self) -> list[m.Card]:
        cards: list[m.Card] = []
        offset = 0
        while True:
            data = await self.gql.execute(
                Q.CARDS_PAGED, {"pagination": {"limit": 100, "offset": offset}}
            )
            paged = w.CardsPaged.model_validate(data["cardsPaged"] or {})
            batch = [adapter.card(c) for c in paged.data or () if c]
            cards.extend(batch)
            p = paged.pagination
            if not batch or (p is not None and p.isLastPage) or p is None:
                break
            offset += len(batch)
        self._cards = {c.id: c for c in cards}
        return cards

    async def cards_for_connector(self, connector_id: str) -> list[m.Card]:
        """The driver's cards that can start on this connector, each with the rate that
        would apply (``Card.rate``: the back end's short description of it). Not part of
        the ChargingProvider protocol: the charge screen uses it when a provider has it."""
        data = await self.gql.execute(
            Q.AVAILABLE_CARDS_FOR_CHARGING_PROCESS, {"connectorId": connector_id}
        )
        cards = []
        for raw in data["availableCardsForChargingProcess"] or ():
            if not raw:
                continue
            c = w.CardForChargingProcess.model_validate(raw)
            rate = c.rate.shortDescription or c.rate.description if c.rate else None
            card = adapter.card(
                w.Card(
                    id=c.id,
                    tagId=c.tagId,
                    number=c.number,
                    label=c.label,
                    expiryDate=c.expiryDate,
                    type=c.type,
                    status="active",
                )
            )
            card.rate = rate
            cards.append(card)
        return cards

    async def _card(self, card_id: str) -> m.Card:
        if card_id in self._cards:
            return self._cards[card_id]
        data = await self.gql.execute(Q.CARD_QUERY, {"id": card_id})
        if data.get("card") is None:
            raise NotFound("This card was not found.", detail=card_id)
        card = adapter.card(w.Card.model_validate(data["card"]))
        self._cards[card.id] = card
        return card

    async def add_card(self, uid: str, label: str | None = None) -> m.Card:
        """createAuthenticationMedia takes a rate and a customer reference, no tag id: the
        back end issues the card and its UID. So ``uid`` cannot be honoured on this API (the
        provider does not declare Capability.CHOOSE_CARD_UID, and the UI should not ask for
        one); a UID given anyway is not sent, and the returned card carries the UID the back
        end assigned. The label becomes the customer reference and the card label."""
        if uid:
            log.info("add_card: be.ENERGISED issues card UIDs itself; the given UID is unused")
        rate_id = await self._rate_for_new_card()
        ref = label or "Voltra card"
        data = await self.gql.execute(
            Q.CREATE_AUTHENTICATION_MEDIA,
            {"authenticationMedia": {"rateId": rate_id, "customerReference": ref}},
            safe=False,
        )
        created = w.AuthenticationMediaResponse.model_validate(
            data["createAuthenticationMedia"] or {}
        )
        if not created.id:
            raise ProviderError(detail="createAuthenticationMedia returned no id")
        self._cards.pop(created.id, None)
        card = await self._card(created.id)
        if label and card.label != label:
            card = await self.rename_card(card.id, label)
        return card

    async def _rate_for_new_card(self) -> str:
        """The first rate offered for contracts; a back end without contractRateOptions
        gets the rate of a card the driver already has."""
        try:
            data = await self.gql.execute(Q.CONTRACT_RATE_OPTIONS)
            rates = [r for r in data["contractRateOptions"] or () if r and r.get("id")]
            if rates:
                return rates[0]["id"]
        except NotSupported:
            pass
        data = await self.gql.execute(Q.CARDS_PAGED, {"pagination": {"limit": 20, "offset": 0}})
        for c in (data["cardsPaged"] or {}).get("data") or ():
            if c and c.get("rate") and c["rate"].get("id"):
                return c["rate"]["id"]
        raise NotSupported("No card rates are offered for new cards.")

    async def _update_card(self, card_id: str, **fields) -> m.Card:
        data = await self.gql.execute(
            Q.UPDATE_CARD, {"input": {"cardId": card_id, **fields}}, safe=True
        )
        r = w.UpdateCardResponse.model_validate(data["updateCard"] or {})
        self._cards.pop(card_id, None)
        card = await self._card(card_id)
        if r.label is not None:
            card.label = r.label
        return card

    async def rename_card(self, card_id: str, label: str) -> m.Card:
        if not label.strip():
            raise InvalidInput("Give the card a name.", field="label")
        return await self._update_card(card_id, label=label.strip())

    async def block_card(self, card_id: str) -> m.Card:
        return await self._update_card(card_id, status="DEACTIVATE")

    # ---------------------------------------------------------------- charging

    async def start_charging(
        self,
        connector_id: str,
        card_id: str,
        *,
        progress: ProgressCallback | None = None,
        timeout_s: float = 90.0,
        limits: m.ChargeLimits | None = None,
    ) -> m.ChargingSession:
        self.check_limits(limits)
        card = await self._card(card_id)
        start_input: dict = {"connectorId": connector_id, "tagId": card.uid}
        if limits is not None and limits.minutes is not None:
            start_input["config"] = {"stopMinutes": limits.minutes}
        self.require_active(card)

        async def begin() -> StartAttempt:
            data = await self.gql.execute(
                Q.ATTEMPT_REMOTE_START,
                {"input": start_input},
                safe=False,  # a second attempt could start a second session
            )
            return _attempt(data["attemptRemoteStart"])

        async def poll(attempt: StartAttempt) -> StartAttempt:
            data = await self.gql.execute(Q.REMOTE_START_ATTEMPT_STATUS, {"id": attempt.id})
            return _attempt(data["remoteStartAttemptStatus"])

        return await start_and_wait(
            begin=begin,
            poll=poll,
            get_session=self.get_session,
            start_error=from_start_failure,
            waiting=_ATTEMPT_WAITING,
            accepted=_ATTEMPT_OK,
            progress=progress,
            timeout_s=timeout_s,
            poll_interval_s=self.poll_interval_s,
        )

    async def get_session(self, session_id: str) -> m.ChargingSession:
        data = await self.gql.execute(Q.CHARGELOG_LIVE, {"id": session_id, "uuid": session_id})
        if data.get("chargelog") is None:
            raise NotFound("This charging session was not found.", detail=session_id)
        summary = data.get("chargelogMeterValuesSummary")
        return adapter.session(
            w.Chargelog.model_validate(data["chargelog"]),
            w.MeterValuesSummary.model_validate(summary) if summary else None,
        )

    def follow_session(self, session_id: str) -> AsyncIterator[m.ChargingSession]:
        """The session now and whenever it changes: state changes from the connector's
        status feed, meter values read when the charger's next sample is due."""
        return follow_session(session_id, read=self.get_session, watch=self.watch_status)

    async def stop_charging(self, session_id: str, *, timeout_s: float = 60.0) -> m.ChargingSession:
        """remoteStop is idempotent (stopping a stopped session changes nothing), so it is
        repeated until the chargelog shows the session ended, or the deadline passes."""
        data = await self.gql.execute(Q.CHARGELOG_QUERY, {"id": session_id})
        if data.get("chargelog") is None:
            raise NotFound("This charging session was not found.", detail=session_id)
        log_ = w.Chargelog.model_validate(data["chargelog"])
        # Chargelog.sessionId: "Id of the Session. Needed to stop the transaction".
        transaction = log_.sessionId or log_.id

        async def send_stop() -> None:
            data = await self.gql.execute(Q.REMOTE_STOP, {"transaction": transaction}, safe=True)
            r = w.RemoteStopResponse.model_validate(data["remoteStop"] or {})
            log.info("remoteStop: %s %s", r.status, r.code)

        return await stop_until_confirmed(
            adapter.session(log_),
            send_stop=send_stop,
            refresh=lambda: self.get_session(session_id),
            timeout_s=timeout_s,
            poll_interval_s=self.poll_interval_s,
        )

    # ---------------------------------------------------------------- pay as you go

    async def has_payment_method(self) -> bool:
        data = await self.gql.execute(Q.HAS_PAYMENT_MEDIUM)
        return bool(data.get("hasPaymentMedium"))

    def _payment_link(self, raw: dict | None) -> m.PaymentLink:
        raw = raw or {}
        url = raw.get("absoluteLink") or (
            self.base_url + raw["link"] if raw.get("link") else None
        )
        if not url:
            raise ProviderError(detail="the payment transaction has no link")
        return m.PaymentLink(url=url, transaction_id=raw.get("id"))

    async def add_payment_method(self) -> m.PaymentLink:
        rate_id = await self._rate_for_new_card()
        data = await self.gql.execute(
            Q.REGISTER_PAYMENT_METHOD, {"rateId": rate_id, "customerReference": "Voltra"}
        )
        return self._payment_link(data.get("registerPaymentMethod"))

    async def start_with_payment(self, connector_id: str) -> m.PaymentLink:
        rate_id = await self._rate_for_new_card()
        data = await self.gql.execute(
            Q.INIT_DIRECT_PAYMENT_CHARGING, {"connectorId": connector_id, "rateId": rate_id}
        )
        return self._payment_link(data.get("initDirectPaymentCharging"))

    async def payment_status(self, evse_id: str, transaction_id: str) -> m.DirectPaymentStatus:
        data = await self.gql.execute(
            Q.DIRECT_PAYMENT_CHARGING_STATUS,
            {"evseId": evse_id, "transactionId": transaction_id},
        )
        raw = data.get("directPaymentChargingStatus") or {}
        return m.DirectPaymentStatus(
            status=str(raw.get("status") or "UNKNOWN").upper(),
            message=raw.get("message"),
            session_id=raw.get("chargeLogId"),
        )

    async def active_sessions(self) -> list[m.ChargingSession]:
        data = await self.gql.execute(
            Q.CHARGELOGS_PAGED,
            {
                "pagination": {"limit": 20, "offset": 0},
                "type": "contact",
                "filters": {"status": "started"},
            },
        )
        paged = w.ChargelogsPaged.model_validate(data["chargelogsPaged"] or {})
        sessions = [adapter.session(c) for c in paged.data or () if c]
        return [s for s in sessions if s.state.is_active]

    # ---------------------------------------------------------------- history

    @staticmethod
    def _timeframe(since: datetime | None, until: datetime | None) -> dict | None:
        if since is None and until is None:
            return None
        tf = {}
        if since is not None:
            tf["start"] = since.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if until is not None:
            tf["end"] = until.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return tf

    async def history(
        self,
        *,
        offset: int = 0,
        limit: int = 20,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> m.Page[m.ChargingSession]:
        variables: dict = {"pagination": {"limit": limit, "offset": offset}, "type": "contact"}
        tf = self._timeframe(since, until)
        if tf:
            variables["timeframe"] = tf
        data = await self.gql.execute(Q.CHARGELOGS_PAGED, variables)
        paged = w.ChargelogsPaged.model_validate(data["chargelogsPaged"] or {})
        items = [adapter.session(c) for c in paged.data or () if c]
        await self._fill_card_ids(items)
        return adapter.page(items, paged.pagination, offset, limit)

    async def _fill_card_ids(self, sessions: list[m.ChargingSession]) -> None:
        """Chargelog names the card by tag id (authId) only; the UI links by card id."""
        if not sessions:
            return
        if not self._cards:
            try:
                await self.list_cards()
            except ProviderError:
                return
        by_uid = {c.uid: c.id for c in self._cards.values()}
        for s in sessions:
            if s.card_id is None and s.card_uid in by_uid:
                s.card_id = by_uid[s.card_uid]

    async def statistics(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        max_sessions: int = 2000,
    ) -> m.Statistics:
        """Counts, energy and CO2 come from chargingStatistics; the document has no cost or
        per-month figures, so those are summed from the chargelogs of the same timeframe."""
        tf = self._timeframe(since, until)
        data = await self.gql.execute(Q.CHARGING_STATISTICS, {"timeframe": tf} if tf else {})
        st = w.ChargingStatistics.model_validate(data["chargingStatistics"] or {})
        stats = m.Statistics(
            sessions=st.number or 0,
            energy_kwh=st.energyConsumption or 0.0,
            co2_saved_kg=st.co2Saving or 0.0,
        )
        months: dict[str, m.MonthlyStatistics] = {}
        offset, cost, duration, currency = 0, 0.0, 0.0, None
        while offset < max_sessions:
            page = await self.history(offset=offset, limit=100, since=since, until=until)
            for s in page.items:
                if s.state.is_active or s.started_at is None:
                    continue
                key = s.started_at.strftime("%Y-%m")
                mo = months.setdefault(
                    key,
                    m.MonthlyStatistics(
                        month=key, sessions=0, energy_kwh=0.0, cost=0.0, co2_saved_kg=0.0
                    ),
                )
                mo.sessions += 1
                mo.energy_kwh = round(mo.energy_kwh + s.energy_kwh, 3)
                mo.co2_saved_kg = round(mo.co2_saved_kg + (s.co2_saved_kg or 0.0), 3)
                if s.cost is not None:
                    mo.cost = round(mo.cost + s.cost.total, 2)
                    cost += s.cost.total
                    currency = currency or s.cost.currency
                duration += s.duration_s or 0.0
            if page.is_last or not page.items:
                break
            offset += len(page.items)
        stats.cost = round(cost, 2)
        stats.currency = currency or "EUR"
        stats.duration_s = duration
        stats.months = sorted(months.values(), key=lambda x: x.month)
        return stats

    async def documents(self, *, offset: int = 0, limit: int = 20) -> m.Page[m.Document]:
        data = await self.gql.execute(
            Q.ACCOUNT_DOCUMENTS_PAGED, {"pagination": {"limit": limit, "offset": offset}}
        )
        paged = w.AccountDocumentsPaged.model_validate(data["accountDocumentsPaged"] or {})
        items = [adapter.document(d) for d in paged.data or () if d]
        return adapter.page(items, paged.pagination, offset, limit)


def _attempt(raw: dict) -> StartAttempt:
    a = w.AttemptRemoteStartResponse.model_validate(raw)
    return StartAttempt(
        id=a.id,
        status=a.status,
        session_id=a.chargeLogId,
        failed=bool(a.isFailure),
        failure_reason=a.failureReason,
    )
