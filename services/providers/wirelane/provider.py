"""The Wirelane API 2.0 as a :class:`services.provider.ChargingProvider` for fleet managers.

Wirelane's API is an organisation's: its charge points, members, their payment methods and
subscriptions, and the sessions on its infrastructure. It has no start/stop and no cards,
so those capabilities are absent; live status is read by polling the points. History is the
organisation's sessions (optionally one member's), statistics are summed from them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime

from services import models as m
from services.geo import haversine_km
from services.http import RedactingFilter
from services.provider import (
    BackendUnavailable,
    BaseProvider,
    Capability,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    RateLimited,
)
from services.providers.common import filtering
from services.providers.common.statistics import summed_statistics

from . import adapter, resume
from . import requests as R
from . import wire as w
from .client import WirelaneClient
from .export import sessions_csv
from .fleet import FleetReader
from .sessions import SessionReader

log = logging.getLogger("voltra.providers.wirelane")
log.addFilter(RedactingFilter())

MAX_SEARCH_PAGES = 20  # points read for one station search at most (x PAGE_SIZE)
MAX_POLL_INTERVAL_S = 60.0


class WirelaneProvider(BaseProvider):
    name = "wirelane"
    capabilities = frozenset(
        {
            Capability.SEARCH,
            Capability.STATION_DETAIL,
            Capability.LIVE_STATUS,
            Capability.ACCOUNT,
            Capability.HISTORY,
            Capability.STATISTICS,
            Capability.FLEET,
        }
    )

    def __init__(
        self,
        base_url: str,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        organisation_id: str | None = None,
        on_login_token: Callable[[str | None], None] | None = None,
        poll_interval_s: float = 5.0,
        send_min_power: bool = True,
        own_points_only: bool = False,
        **client_kw,
    ) -> None:
        """``client_id``/``client_secret``: the app's OAuth client (kept as secrets).
        ``token_url`` defaults to ``<base_url>/token``. ``organisation_id``: the organisation
        the paths name; by default the one the access token names. ``on_login_token`` hears
        the key that resumes this login after a restart (``resume.ResumeKey``: the app's
        client with the password, as the documented token endpoint issues no refresh token,
        or with a refresh token where the server issues one), and None when the login ends.
        A login given such a key (as ``Credentials.refresh_token``) needs no client here.
        ``send_min_power``: send a minimum power filter as
        ``max_power`` (read as the least charging speed); the device filters by power either
        way. ``own_points_only``: search only the organisation's own infrastructure
        (``infrastructure_only=1``), not every point it can use."""
        self.base_url = base_url.rstrip("/")
        self._on_login_token = on_login_token
        self.api = WirelaneClient(
            self.base_url,
            client_id=client_id,
            client_secret=client_secret,
            token_url=token_url,
            organisation_id=organisation_id,
            on_refresh_token=self._heard_refresh_token,
            **client_kw,
        )
        self.fleet = FleetReader(self.api)
        self.sessions = SessionReader(self.api, self.fleet)
        self.poll_interval_s = poll_interval_s
        self.send_min_power = send_min_power
        self.own_points_only = own_points_only
        self._username: str | None = None
        self._station_of: dict[str, str] = {}  # connector id -> station id, from answers seen

    def __repr__(self) -> str:
        return f"WirelaneProvider({self.base_url!r})"

    @property
    def is_logged_in(self) -> bool:
        return self.api.signed_in

    @property
    def username(self) -> str | None:
        return self._username if self.is_logged_in else None

    @property
    def organisation_id(self) -> str:
        return self.api.organisation_id

    async def close(self) -> None:
        await self.api.aclose()

    # ---------------------------------------------------------------- account

    async def login(self, credentials: m.Credentials) -> m.Profile:
        if not credentials.username:
            raise InvalidInput("Enter the email of the organisation's admin.", field="username")
        if not (credentials.password or credentials.refresh_token):
            raise InvalidInput("Enter the password.", field="password")
        password = credentials.password
        refresh_token = None if password else credentials.refresh_token
        key = resume.unpack(refresh_token) if refresh_token else None
        if key is not None:
            self.api.use_client(key.client_id, key.client_secret)
            password, refresh_token = key.password, key.refresh_token
        previous, self._username = self._username, credentials.username
        try:
            await self.api.sign_in(
                credentials.username, password=password, refresh_token=refresh_token
            )
        except BaseException:
            self._username = previous
            raise
        held = self.api.grant_token
        if held and held.refresh:
            self._tell_resume_key(refresh_token=held.refresh)
        else:
            # No refresh token stands in for the password: a new token needs the grant again
            self._tell_resume_key(password=password)
        return await self.profile()

    def _heard_refresh_token(self, token: str | None) -> None:
        if token is None:
            self._tell_login_token(None)
        elif self.api.signed_in:  # a renewal; the sign-in itself tells once it is complete
            self._tell_resume_key(refresh_token=token)

    def _tell_resume_key(
        self, *, password: str | None = None, refresh_token: str | None = None
    ) -> None:
        client_id, client_secret = self.api.client
        if client_id and client_secret and (password or refresh_token):
            key = resume.ResumeKey(
                client_id=client_id,
                client_secret=client_secret,
                password=password,
                refresh_token=refresh_token,
            )
            self._tell_login_token(key.pack())

    async def logout(self) -> None:
        self.api.sign_out()
        self._username = None

    async def profile(self) -> m.Profile:
        if not self.is_logged_in or not self._username:
            raise NotAuthenticated(detail="wirelane: not signed in")
        return m.Profile(id=self.api.claims.sub, email=self._username)

    # ---------------------------------------------------------------- stations

    async def search_stations(self, query: m.SearchQuery) -> m.Page[m.Station]:
        if query.filters.free_only:
            # Points carry no prices in the document: no station is known to be free.
            return m.Page(items=[], offset=query.offset, limit=query.limit, total=0)
        area = R.box_params(query.bbox) if query.bbox else R.radius_params(
            query.centre, query.radius_km
        )
        params = [
            *area,
            *R.filter_params(query.filters, send_min_power=self.send_min_power),
        ]
        if self.own_points_only:
            params.append(("infrastructure_only", "1"))
        want = query.offset + query.limit
        groups: dict[str, list[w.ChargingPoint]] = {}
        ended = False
        for page in range(1, MAX_SEARCH_PAGES + 1):
            batch = await self.api.get_list(
                R.points_path(self.organisation_id), params, page, R.PAGE_SIZE
            )
            for raw in batch:
                p = w.ChargingPoint.model_validate(raw)
                groups.setdefault(adapter.station_id(p), []).append(p)
            ended = len(batch) < R.PAGE_SIZE
            # every group but the last is complete (a station's points come together)
            if ended or self._kept_count(groups, query, complete_only=True) > want:
                break
        kept = self._kept(groups, query, complete_only=not ended)
        page_items = kept[query.offset : want]
        return m.Page(
            items=page_items,
            offset=query.offset,
            limit=query.limit,
            total=len(kept) if ended else None,
            is_last=ended and len(kept) <= want,
        )

    def _kept(
        self, groups: dict[str, list[w.ChargingPoint]], query: m.SearchQuery, *, complete_only
    ) -> list[m.Station]:
        keys = list(groups)[:-1] if complete_only else list(groups)
        out = []
        for s in adapter.stations(p for key in keys for p in groups[key]):
            if s.distance_km is None and query.centre is not None and query.bbox is None:
                s.distance_km = round(haversine_km(query.centre, s.coordinates), 3)
            self._remember(s)
            if filtering.keep(s, query):
                out.append(s)
        return out

    def _kept_count(self, groups, query, *, complete_only) -> int:
        return len(self._kept(groups, query, complete_only=complete_only))

    def _remember(self, s: m.Station) -> None:
        for c in s.connectors:
            self._station_of[c.id] = s.id

    async def _station_points(self, station_ids: list[str]) -> list[w.ChargingPoint]:
        raw = await self.api.get_all(
            R.points_path(self.organisation_id), R.station_params(station_ids)
        )
        return [w.ChargingPoint.model_validate(p) for p in raw]

    async def get_station(self, station_id: str) -> m.Station:
        if not station_id:
            raise InvalidInput("No station given.", field="station_id")
        points = [
            p for p in await self._station_points([station_id])
            if adapter.station_id(p) == station_id
        ]
        if not points:
            # a point without a charging_station_id is a station of its own
            try:
                raw = await self.api.get(R.point_path(self.organisation_id, station_id))
            except NotFound:
                raise NotFound("This charging station no longer exists.",
                               detail=station_id) from None
            points = [w.ChargingPoint.model_validate(raw)]
        found = adapter.stations(points)
        if not found:
            raise NotFound("This charging station has no location.", detail=station_id)
        self._remember(found[0])
        return found[0]

    async def watch_status(self, connector_ids: Iterable[str]) -> AsyncIterator[m.StatusChange]:
        """Polls the points every ``poll_interval_s`` and yields each connector's status
        first, then whenever it changes. An unreachable back end is ridden out with growing
        pauses; a refused login ends the stream."""
        wanted = list(dict.fromkeys(connector_ids))
        last: dict[str, str | None] = {}
        pause = self.poll_interval_s
        while True:
            try:
                points = await self._points_by_id(wanted)
            except (BackendUnavailable, RateLimited) as exc:
                log.info("status poll failed (%s); retrying in %.0fs", exc.code, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_POLL_INTERVAL_S)
                continue
            pause = self.poll_interval_s
            now = datetime.now(UTC)
            for p in points:
                cid = p.point_id or ""
                if cid in wanted and (cid not in last or last[cid] != p.status):
                    last[cid] = p.status
                    yield m.StatusChange(
                        connector_id=cid,
                        status=adapter.point_status(p.status),
                        status_detail=p.status,
                        at=p.update_date or now,
                    )
            await asyncio.sleep(self.poll_interval_s)

    async def _points_by_id(self, connector_ids: list[str]) -> list[w.ChargingPoint]:
        stations = sorted({self._station_of[c] for c in connector_ids if c in self._station_of})
        points = await self._station_points(stations) if stations else []
        seen = {p.point_id for p in points}
        for cid in connector_ids:
            if cid not in seen:
                try:
                    raw = await self.api.get(R.point_path(self.organisation_id, cid))
                except NotFound:
                    continue
                p = w.ChargingPoint.model_validate(raw)
                if p.charging_station_id:
                    self._station_of[cid] = p.charging_station_id
                points.append(p)
        return points

    # ---------------------------------------------------------------- sessions

    async def history(
        self,
        *,
        offset: int = 0,
        limit: int = 20,
        since: datetime | None = None,
        until: datetime | None = None,
        member_id: str | None = None,
    ) -> m.Page[m.ChargingSession]:
        """The organisation's sessions, newest first; ``member_id``: one member's only."""
        if limit < 1 or offset < 0:
            raise InvalidInput("offset must be >= 0 and limit >= 1", field="limit")
        if member_id:
            rows = await self.sessions.of_member(member_id, since, until)
            window = rows[offset : offset + limit]
            return m.Page(
                items=[adapter.session(s) for s in window],
                offset=offset,
                limit=limit,
                total=len(rows),
                is_last=offset + limit >= len(rows),
            )
        window, is_last = await self.sessions.window(
            R.session_params(since=since, until=until), offset, limit
        )
        return m.Page(
            items=[adapter.session(s) for s in window],
            offset=offset,
            limit=limit,
            total=offset + len(window) if is_last else None,
            is_last=is_last,
        )

    async def member_sessions(
        self,
        member_id: str,
        *,
        offset: int = 0,
        limit: int = 20,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> m.Page[m.ChargingSession]:
        return await self.history(
            offset=offset, limit=limit, since=since, until=until, member_id=member_id
        )

    async def get_session(self, session_id: str) -> m.ChargingSession:
        """One session of the organisation (read only: this API cannot start or stop)."""
        raw = await self.api.get(R.session_path(self.organisation_id, session_id))
        return adapter.session(w.Session.model_validate(raw))

    async def statistics(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        member_id: str | None = None,
    ) -> m.Statistics:
        rows = await self.sessions.all(since, until, member_id)
        return summed_statistics(adapter.session(s) for s in rows)

    async def export_sessions_csv(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        member_id: str | None = None,
    ) -> str:
        """The period's sessions (all members, or one) as CSV text, newest first."""
        return sessions_csv(await self.sessions.all(since, until, member_id))

    # ---------------------------------------------------------------- fleet

    async def fleet_members(
        self,
        *,
        statuses: Iterable[m.FleetMemberStatus] = (),
        search: str | None = None,
        details: bool = True,
    ) -> list[m.FleetMember]:
        """The organisation's members by e-mail; ``details``: with how many payment
        methods each has and their subscription."""
        return await self.fleet.members(statuses=statuses, search=search, details=details)

    async def fleet_member(self, member_id: str, *, details: bool = True) -> m.FleetMember:
        return await self.fleet.member(member_id, details=details)
