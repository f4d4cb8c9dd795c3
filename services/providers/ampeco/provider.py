"""The AMPECO Public API as a :class:`services.provider.ChargingProvider` for one driver.

The API is an operator's: it signs in with the operator's API token (a secret; the vault
keeps it like a refresh token) and acts for the driver it finds by e-mail among the
operator's users, created on first sign-in. The document has no geo search, so the locations,
charge points and EVSEs listings are read whole into the catalogue and searched on the device.
Cards are the driver's id tags; starts carry the id tag and optional ``stopConditions``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from services import models as m
from services.http import RedactingFilter
from services.provider import (
    Capability,
    ChargerRejected,
    ConnectorUnavailable,
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
from . import paths as P
from . import wire as w
from .client import AmpecoClient
from .errors import start_refused

log = logging.getLogger("voltra.providers.ampeco")
log.addFilter(RedactingFilter())

WAITING = frozenset({"unknown", "pending"})
MAX_HISTORY = 5_000  # sessions read for one history or statistics answer at most


class AmpecoProvider(OperatorKeyProvider):
    name = "ampeco"
    capabilities = frozenset(
        {
            Capability.SEARCH,
            Capability.STATION_DETAIL,
            Capability.EVSE_LOOKUP,
            Capability.SITES,
            Capability.ACCOUNT,
            Capability.CARDS,
            Capability.ADD_CARD,
            Capability.CHOOSE_CARD_UID,
            Capability.RENAME_CARD,
            Capability.BLOCK_CARD,
            Capability.UNBLOCK_CARD,
            Capability.DELETE_CARD,
            Capability.CHARGING,
            Capability.LIVE_METER,
            Capability.LIMIT_MINUTES,
            Capability.LIMIT_ENERGY,
            Capability.LIMIT_COST,
            Capability.LIMIT_SOC,
            Capability.HISTORY,
            Capability.STATISTICS,
            Capability.DOCUMENTS,
            Capability.RESERVE,
            Capability.UNLOCK,
        }
    )

    key_name = "API token"
    email_needs_at = True
    _driver: w.User | None

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        on_login_token: Callable[[str | None], None] | None = None,
        catalogue_cache: CacheChoice = None,
        refresh_after_s: float = 300.0,
        poll_interval_s: float = 0.5,
        create_users: bool = True,
        **client_kw,
    ) -> None:
        """``api_key``: an operator token configured on the device (a kiosk), so stations
        can be searched before a driver signs in; it outlives a logout. ``create_users``:
        a driver e-mail the operator does not know yet becomes a new user at sign-in."""
        base_url = base_url.rstrip("/")
        self.api = AmpecoClient(base_url, **client_kw)
        self.create_users = create_users
        super().__init__(
            base_url,
            api_key=api_key,
            on_login_token=on_login_token,
            poll_interval_s=poll_interval_s,
            stations=(self._all_locations, adapter.station, adapter.position),
            catalogue_cache=catalogue_cache,
            refresh_after_s=refresh_after_s,
        )

    def __repr__(self) -> str:
        return f"AmpecoProvider({self.base_url!r})"

    def _key_in_use(self) -> str | None:
        return self.api.token

    def _use_key(self, key: str | None) -> None:
        self.api.set_token(key)

    def _profile_of(self, driver: w.User) -> m.Profile:
        return adapter.profile(driver)

    @property
    def user_id(self) -> int:
        if self._driver is None:
            raise NotAuthenticated()
        return int(self._driver.id)

    async def close(self) -> None:
        await super().close()
        await self.api.aclose()

    # ---------------------------------------------------------------- account

    async def login(self, credentials: m.Credentials) -> m.Profile:
        """``api_key`` (the operator's token) with ``username`` (the driver's e-mail); a
        saved login brings the token back as ``refresh_token``."""
        try:
            return await super().login(credentials)
        except InvalidCredentials:
            raise  # already says what was refused (e.g. no driver with that e-mail)
        except NotAuthenticated as exc:
            raise InvalidCredentials(
                "The operator's API token was not accepted.", detail=exc.detail
            ) from exc

    async def _driver_by_email(self, email: str, credentials: m.Credentials) -> w.User:
        user = await self._user_by_email(email)
        return user or await self._create_user(email, credentials.password)

    async def _user_by_email(self, email: str) -> w.User | None:
        wanted = email.casefold()
        rows = await self.api.all(P.USERS, P.filters(email=email), max_pages=5)
        for raw in rows:
            user = w.User.model_validate(raw)
            if (user.email or "").casefold() == wanted:
                return user
        return None

    async def _create_user(self, email: str, password: str | None) -> w.User:
        if not self.create_users:
            raise InvalidCredentials(
                "No driver with this e-mail address is known to this operator.",
                detail="no user with that e-mail",
            )
        # The operator's token signs the driver in; the password only satisfies the
        # document's required field (the driver may reset it with the operator later).
        body = {"email": email, "password": password or secrets.token_urlsafe(18)}
        data = await self.api.request("POST", P.USERS, json=body, ok=(201,), safe=False)
        log.info("created the driver's user at the operator")
        return w.User.model_validate((data or {}).get("data") or {})

    async def profile(self) -> m.Profile:
        data = await self.api.data(f"{P.USERS}/{self.user_id}")
        self._driver = w.User.model_validate(data)
        return adapter.profile(self._driver)

    # ---------------------------------------------------------------- stations

    async def _all_locations(self) -> list[dict]:
        locations, charge_points, evses, tariffs = await asyncio.gather(
            self.api.all(P.LOCATIONS),
            self.api.all(P.CHARGE_POINTS),
            self.api.all(P.EVSES, P.EVSE_INCLUDE),
            self._tariffs(),
        )
        return adapter.joined(locations, charge_points, evses, tariffs)

    async def _tariffs(self) -> dict[int, dict]:
        """The operator's tariffs by tariff group (what each EVSE costs through this API)."""
        tariffs, groups = await asyncio.gather(
            self.api.all(P.TARIFFS), self.api.all(P.TARIFF_GROUPS)
        )
        return adapter.tariffs_by_group(tariffs, groups)

    async def search_stations(self, query: m.SearchQuery) -> m.Page[m.Station]:
        return await self.catalogue.search(query)

    async def get_station(self, station_id: str) -> m.Station:
        """The location read live (its charge points and their EVSEs with their status
        now); the catalogue's entry is replaced by it."""
        if not station_id.isdigit():
            raise NotFound("This charging station does not exist.", detail=station_id)
        location, charge_points, tariffs = await asyncio.gather(
            self.api.data(P.location(station_id)),
            self.api.all(P.CHARGE_POINTS, P.filters(locationId=station_id)),
            self._tariffs(),
        )
        evse_lists = await asyncio.gather(
            *(self.api.all(P.charge_point_evses(cp["id"]), P.EVSE_INCLUDE) for cp in charge_points)
        )
        evses = [
            {**e, "chargePointId": cp["id"]}
            for cp, batch in zip(charge_points, evse_lists, strict=True)
            for e in batch
        ]
        item = adapter.joined([location], charge_points, evses, tariffs)[0]
        station = adapter.station(item)
        self.catalogue.update(station)
        return station

    async def station_by_evse_id(self, evse_id: str) -> m.Station:
        rows = await self.api.all(P.EVSES, P.filters(physicalReference=evse_id), max_pages=1)
        if not rows:
            raise NotFound("No charger has this EVSE ID.", detail=evse_id)
        station = await self._station_of_connector(str(rows[0]["id"]))
        return await self.get_station(station.id)

    async def site_stations(self, site_id: str) -> list[m.Station]:
        """A location is the site: its charge points' EVSEs are the one station's connectors."""
        return [await self.get_station(site_id)]

    async def _station_of_connector(self, connector_id: str) -> m.Station:
        await self.catalogue.index()
        station = self.catalogue.station_of_connector(connector_id)
        if station is None:
            await self.catalogue.refresh()
            station = self.catalogue.station_of_connector(connector_id)
        if station is None:
            raise NotFound("This connector is not known.", detail=connector_id)
        return station

    async def _evse(self, connector_id: str) -> w.Evse:
        """The EVSE as the back end says now (its charge point and networkId name it in the
        charge point actions)."""
        if not connector_id.isdigit():
            raise NotFound("This connector is not known.", detail=connector_id)
        evse = w.Evse.model_validate(await self.api.data(P.evse(connector_id)))
        if evse.charge_point_id is None or not evse.network_id:
            raise NotFound("This connector cannot be reached.", detail=connector_id)
        return evse

    # ---------------------------------------------------------------- cards

    async def list_cards(self) -> list[m.Card]:
        rows = await self.api.all(P.ID_TAGS, P.filters(userId=self.user_id))
        cards = [adapter.card(w.IdTag.model_validate(r)) for r in rows]
        self._cards = {c.id: c for c in cards}
        return cards

    async def add_card(self, uid: str, label: str | None = None) -> m.Card:
        uid = uid.strip()
        if not uid:
            raise InvalidInput("Enter the card's UID.", field="uid")
        body = {
            "idTagUid": uid,
            "idLabel": label,
            "status": "enabled",
            "type": "rfid",
            "userId": self.user_id,
        }
        data = await self.api.request("POST", P.ID_TAGS, json=body, ok=(201,), safe=False)
        card = adapter.card(w.IdTag.model_validate(data["data"]))
        self._cards[card.id] = card
        return card

    async def _patch_card(self, card_id: str, body: dict) -> m.Card:
        await self._own_card(card_id)
        data = await self.api.request("PATCH", P.id_tag(card_id), json=body, safe=True)
        card = adapter.card(w.IdTag.model_validate(data["data"]))
        self._cards[card.id] = card
        return card

    async def _own_card(self, card_id: str) -> m.Card:
        """The driver's card ``card_id``: the operator's token could reach any user's."""
        if card_id not in self._cards:
            await self.list_cards()
        card = self._cards.get(card_id)
        if card is None:
            raise NotFound("This card is not yours or no longer exists.", detail=card_id)
        return card

    async def rename_card(self, card_id: str, label: str) -> m.Card:
        return await self._patch_card(card_id, {"idLabel": label})

    async def block_card(self, card_id: str) -> m.Card:
        return await self._patch_card(card_id, {"status": "disabled"})

    async def unblock_card(self, card_id: str) -> m.Card:
        return await self._patch_card(card_id, {"status": "enabled"})

    async def delete_card(self, card_id: str) -> None:
        await self._own_card(card_id)
        await self.api.request("DELETE", P.id_tag(card_id), ok=(204,), safe=True)
        self._cards.pop(card_id, None)

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
        card = self.require_active(await self._own_card(card_id))
        if not connector_id.isdigit():
            raise NotFound("This connector is not known.", detail=connector_id)
        body: dict = {"userId": self.user_id, "idTag": card.uid}
        if limits is not None and limits.any:
            body["stopConditions"] = {
                "maxEnergyKwh": limits.energy_kwh,
                "maxDurationMinutes": limits.minutes,
                "maxSocPercent": round(limits.soc) if limits.soc is not None else None,
                "maxAmount": limits.cost,
            }
        asked_at = datetime.now(UTC)

        async def begin() -> StartAttempt:
            raw = await self.api.request(
                "POST", P.start(connector_id), json=body, ok=(202,), safe=False
            )
            result = w.StartResult.model_validate(raw or {})
            if not result.success:
                raise start_refused(result.error_code, result.message)
            sid = str(int(result.session_id)) if result.session_id is not None else None
            return StartAttempt(id=sid or "start", status="accepted", session_id=sid)

        async def poll(attempt: StartAttempt) -> StartAttempt:
            # the back end may answer before the session exists: find it by its EVSE
            rows = await self.api.all(
                P.SESSIONS,
                P.filters(
                    userId=self.user_id, evseId=connector_id, startedAfter=P.instant(asked_at)
                ),
                max_pages=1,
            )
            if rows:
                attempt.session_id = str(rows[0]["id"])
            return attempt

        return await start_and_wait(
            begin=begin,
            poll=poll,
            get_session=self.get_session,
            start_error=lambda reason: start_refused(None, reason),
            waiting=(),
            accepted=("accepted",),
            progress=progress,
            timeout_s=timeout_s,
            poll_interval_s=self.poll_interval_s,
        )

    async def _session(self, session_id: str) -> w.Session:
        if not session_id.isdigit():
            raise NotFound("This session does not exist.", detail=session_id)
        s = w.Session.model_validate(
            await self.api.data(P.session(session_id), [("withPriceBreakdown", "true")])
        )
        if self._driver is not None and s.user_id is not None and s.user_id != self.user_id:
            raise NotFound("This session is not yours.", detail=session_id)
        return s

    async def get_session(self, session_id: str) -> m.ChargingSession:
        s = await self._session(session_id)
        stats = None
        if s.status == "active":
            body = await self.api.get(P.consumption_stats(session_id))
            rows = body.get("data") if isinstance(body, dict) else None
            stats = [w.ConsumptionStat.model_validate(r) for r in rows or ()]
        return self._neutral(s, stats)

    async def stop_charging(self, session_id: str, *, timeout_s: float = 60.0) -> m.ChargingSession:
        s = await self._session(session_id)
        session = await self.get_session(session_id)

        async def send_stop() -> None:
            await self.api.request(
                "POST", P.stop(s.charge_point_id, session_id), json={}, ok=(202,), safe=True
            )

        return await stop_until_confirmed(
            session,
            send_stop=send_stop,
            refresh=lambda: self.get_session(session_id),
            timeout_s=timeout_s,
            poll_interval_s=self.poll_interval_s,
        )

    async def _sessions(self, **filters: str | int | None) -> list[m.ChargingSession]:
        rows = await self.api.all(
            P.SESSIONS,
            [*P.filters(userId=self.user_id, **filters), ("withPriceBreakdown", "true")],
            max_pages=MAX_HISTORY // 100,
        )
        await self._known_places()
        return [self._neutral(w.Session.model_validate(raw)) for raw in rows]

    async def _known_places(self) -> None:
        """Stations and cards by id, so sessions can name where and with what they charged;
        without them a session is still shown."""
        try:
            await self.catalogue.index()
            if not self._cards:
                await self.list_cards()
        except ProviderError as exc:
            log.info("sessions shown without station or card names: %s", exc.code)

    def _neutral(
        self, s: w.Session, stats: list[w.ConsumptionStat] | None = None
    ) -> m.ChargingSession:
        station = self.catalogue.station_of_connector(str(s.evse_id))
        session = adapter.session(s, stats, station=station)
        session.card_id = next(
            (c.id for c in self._cards.values() if c.uid == session.card_uid), None
        )
        return session

    async def active_sessions(self) -> list[m.ChargingSession]:
        return [s for s in await self._sessions(status="active") if s.state.is_active]

    async def history(
        self,
        *,
        offset: int = 0,
        limit: int = 20,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> m.Page[m.ChargingSession]:
        """The driver's sessions, newest first. The listing names no order, so the period
        is read whole and sorted here."""
        if limit < 1 or offset < 0:
            raise InvalidInput("offset must be >= 0 and limit >= 1", field="limit")
        rows = await self._sessions(startedAfter=P.instant(since), startedBefore=P.instant(until))
        rows.sort(key=lambda s: s.started_at or datetime.min.replace(tzinfo=UTC), reverse=True)
        return m.Page(
            items=rows[offset : offset + limit],
            offset=offset,
            limit=limit,
            total=len(rows),
            is_last=offset + limit >= len(rows),
        )

    async def statistics(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> m.Statistics:
        return summed_statistics(
            await self._sessions(startedAfter=P.instant(since), startedBefore=P.instant(until))
        )

    async def documents(self, *, offset: int = 0, limit: int = 20) -> m.Page[m.Document]:
        """Receipts (by user) and invoices (the listing has no user filter: the driver's are
        picked from the operator's), newest first."""
        receipts, invoices = await asyncio.gather(
            self.api.all(P.RECEIPTS, P.filters(userId=self.user_id)),
            self.api.all(P.INVOICES),
        )
        docs = [adapter.receipt_document(w.Receipt.model_validate(r)) for r in receipts]
        for raw in invoices:
            inv = w.Invoice.model_validate(raw)
            if inv.user_id == self.user_id:
                docs.append(adapter.invoice_document(inv))
        docs.sort(key=lambda d: d.date or datetime.min.replace(tzinfo=UTC), reverse=True)
        return m.Page(
            items=docs[offset : offset + limit],
            offset=offset,
            limit=limit,
            total=len(docs),
            is_last=offset + limit >= len(docs),
        )

    # ---------------------------------------------------------------- reservations

    async def reserve(self, connector_id: str, *, minutes: int | None = None) -> m.Reservation:
        """The document's reserve takes no duration: the operator's setting decides, and
        the answer's ``duration`` says how long."""
        if minutes is not None:
            raise self.unsupported(Capability.CHOOSE_RESERVATION_MINUTES)
        evse = await self._evse(connector_id)
        raw = await self.api.request(
            "POST",
            P.reserve(evse.charge_point_id, evse.network_id),
            json={"userId": self.user_id},
            ok=(202,),
            safe=False,
        )
        result = w.ReserveResult.model_validate(raw or {})
        if not result.success or result.reservation_id is None:
            raise ConnectorUnavailable(
                "This connector cannot be reserved right now.", detail=f"reserve: {raw}"
            )
        return await self._reservation(str(int(result.reservation_id)))

    async def _reservation(self, reservation_id: str) -> m.Reservation:
        if not reservation_id.isdigit():
            raise NotFound("This reservation does not exist.", detail=reservation_id)
        r = w.Reservation.model_validate(await self.api.data(P.reservation(reservation_id)))
        if r.user_id is not None and r.user_id != self.user_id:
            raise NotFound("This reservation is not yours.", detail=reservation_id)
        station = self.catalogue.station_of_connector(str(r.evse_id))
        return adapter.reservation(r, station.id if station else None)

    async def cancel_reservation(self, reservation_id: str) -> m.Reservation:
        await self._reservation(reservation_id)
        await self.api.request(
            "POST", P.cancel_reservation(reservation_id), json={}, ok=(202,), safe=True
        )
        return await self._reservation(reservation_id)

    async def reservations(self) -> list[m.Reservation]:
        rows = await self.api.all(
            P.RESERVATIONS, P.filters(userId=self.user_id, status="active"), max_pages=5
        )
        out = []
        for raw in rows:
            r = w.Reservation.model_validate(raw)
            station = self.catalogue.station_of_connector(str(r.evse_id))
            res = adapter.reservation(r, station.id if station else None)
            if res.status.is_active:
                out.append(res)
        return out

    async def unlock_connector(self, connector_id: str) -> None:
        evse = await self._evse(connector_id)
        raw = await self.api.request(
            "POST", P.unlock(evse.charge_point_id, evse.network_id), ok=(202,), safe=False
        )
        if not w.ActionResult.model_validate(raw or {}).success:
            raise ChargerRejected("The charger could not unlock the connector.", detail=str(raw))
