"""A small in-memory ChargingProvider for view-model unit tests (no network)."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime, timedelta

from services.models import (
    Card,
    CardStatus,
    ChargingSession,
    Connector,
    ConnectorStatus,
    Coordinates,
    Cost,
    CurrentType,
    DirectPaymentStatus,
    Document,
    MonthlyStatistics,
    OccupancySlot,
    Page,
    PaymentLink,
    PlugType,
    Profile,
    Reservation,
    ReservationStatus,
    SessionState,
    StartProgress,
    Station,
    Statistics,
    StatusChange,
    Tariff,
)
from services.provider import (
    Capability,
    CardRejected,
    ConnectorUnavailable,
    InvalidCredentials,
    NotAuthenticated,
    NotFound,
)


def _station(i: int, lat: float, lon: float, statuses: list[ConnectorStatus]) -> Station:
    conns = [
        Connector(
            id=f"S{i}-{k + 1}",
            evse_id=f"DE*VOL*E{i:04d}*{k + 1}",
            station_id=f"S{i}",
            plug_type=PlugType.CCS if k % 2 else PlugType.TYPE2,
            current_type=CurrentType.DC if k % 2 else CurrentType.AC,
            max_power_kw=150.0 if k % 2 else 22.0,
            status=st,
            price=Tariff(per_kwh=0.49, start_fee=0.5),
        )
        for k, st in enumerate(statuses)
    ]
    st = Station(
        id=f"S{i}",
        name=f"Station {i}",
        operator="Volt Op",
        coordinates=Coordinates(latitude=lat, longitude=lon),
        connectors=conns,
        max_power_kw=max(c.max_power_kw for c in conns),
        remote_start=True,
    )
    from app.viewmodels.map_vm import summarise

    st.status = summarise(st)
    return st


class FakeProvider:
    name = "fake"
    capabilities = frozenset(Capability)

    def __init__(self) -> None:
        self._token: str | None = None
        A, B, X = ConnectorStatus.AVAILABLE, ConnectorStatus.OCCUPIED, ConnectorStatus.OUT_OF_ORDER
        self.stations = [
            _station(1, 52.5200, 13.4050, [A, B]),
            _station(2, 52.5300, 13.4100, [B, B]),
            _station(3, 52.5000, 13.3000, [X]),
            _station(4, 48.1370, 11.5750, [A]),  # Munich: outside a Berlin radius
        ]
        self.cards = [
            Card(id="c1", uid="04A1B2C3", label="Daily", status=CardStatus.ACTIVE),
            Card(id="c2", uid="04A1B2C3D4E5F6", label="Spare", status=CardStatus.ACTIVE),
            Card(id="c3", uid="DEADBEEF", label="Old", status=CardStatus.BLOCKED),
        ]
        self.sessions: list[ChargingSession] = []
        self.queues: list[asyncio.Queue] = []
        self.fail_start: Exception | None = None
        self.calls: list[str] = []
        self.payment_methods = 0
        self.payment_state = "OPEN"
        self.payment_session: str | None = None
        self.reservation_list: list[Reservation] = []
        self.fail_unlock: Exception | None = None

    @property
    def is_logged_in(self) -> bool:
        return self._token is not None

    def _auth(self) -> None:
        if not self._token:
            raise NotAuthenticated()

    async def close(self) -> None:
        self.calls.append("close")

    async def login(self, credentials):
        if (credentials.username, credentials.password) != ("driver@example.com", "driver-demo"):
            raise InvalidCredentials()
        self._token = "t"
        return Profile(id="u1", email=credentials.username, first_name="Dana")

    async def logout(self):
        self._token = None

    async def register(self, registration):
        return Profile(email=registration.email)

    async def profile(self):
        self._auth()
        return Profile(id="u1", email="driver@example.com", first_name="Dana")

    async def update_profile(self, profile):
        self._auth()
        return profile

    async def search_stations(self, query):
        c = query.centre
        out = []
        for s in self.stations:
            d = (
                math.dist(
                    (c.latitude, c.longitude), (s.coordinates.latitude, s.coordinates.longitude)
                )
                * 111
            )
            if d <= query.radius_km:
                if query.filters.plug_types and not any(
                    k.plug_type in query.filters.plug_types for k in s.connectors
                ):
                    continue
                out.append(s.model_copy(deep=True))
        return Page(items=out, limit=query.limit, total=len(out))

    async def get_station(self, station_id):
        for s in self.stations:
            if s.id == station_id:
                return s.model_copy(deep=True)
        raise NotFound()

    async def occupancy(self, station_id):
        return [OccupancySlot(weekday=d, hour=h, rate=0.5) for d in range(7) for h in range(24)]

    async def watch_status(self, connector_ids):
        q: asyncio.Queue = asyncio.Queue()
        self.queues.append(q)
        try:
            while True:
                change = await q.get()
                if change.connector_id in connector_ids:
                    yield change
        finally:
            self.queues.remove(q)

    async def push_status(self, connector_id: str, status: ConnectorStatus) -> None:
        for q in list(self.queues):
            q.put_nowait(StatusChange(connector_id=connector_id, status=status))
        await asyncio.sleep(0.01)

    async def favourites(self):
        return [s for s in self.stations if s.favourite]

    async def station_by_evse_id(self, evse_id):
        for s in self.stations:
            if any(c.evse_id == evse_id.strip().upper() for c in s.connectors):
                return s.model_copy(deep=True)
        raise NotFound()

    async def site_stations(self, site_id):
        found = [s.model_copy(deep=True) for s in self.stations if s.site_id == site_id]
        if not found:
            raise NotFound()
        return found

    async def has_payment_method(self):
        self._auth()
        return self.payment_methods > 0

    async def add_payment_method(self):
        self._auth()
        return PaymentLink(url="http://core.test/payments/tx/add", transaction_id="add")

    async def start_with_payment(self, connector_id):
        self._auth()
        self.calls.append(f"pay:{connector_id}")
        return PaymentLink(url=f"http://core.test/payments/tx/{connector_id}", transaction_id="p1")

    async def payment_status(self, evse_id, transaction_id):
        return DirectPaymentStatus(status=self.payment_state, session_id=self.payment_session)

    async def set_favourite(self, station_id, favourite):
        self._auth()
        return favourite

    async def list_cards(self):
        self._auth()
        return [c.model_copy() for c in self.cards]

    async def add_card(self, uid, label=None):
        self._auth()
        if Capability.CHOOSE_CARD_UID not in self.capabilities:
            # Like be.ENERGISED: the back end issues a virtual card with a UID of its own
            uid = f"V{len(self.cards) + 1:07d}"
        card = Card(id=f"c{len(self.cards) + 1}", uid=uid, label=label)
        self.cards.append(card)
        return card.model_copy()

    def _card(self, card_id):
        for c in self.cards:
            if c.id == card_id:
                return c
        raise NotFound()

    async def rename_card(self, card_id, label):
        self._auth()
        self._card(card_id).label = label
        return self._card(card_id).model_copy()

    async def block_card(self, card_id):
        self._auth()
        self._card(card_id).status = CardStatus.BLOCKED
        return self._card(card_id).model_copy()

    async def unblock_card(self, card_id):
        self._auth()
        self._card(card_id).status = CardStatus.ACTIVE
        return self._card(card_id).model_copy()

    async def delete_card(self, card_id):
        self._auth()
        self.cards.remove(self._card(card_id))

    def _connector(self, connector_id):
        for s in self.stations:
            for c in s.connectors:
                if c.id == connector_id:
                    return s, c
        raise NotFound()

    async def reserve(self, connector_id, *, minutes=None):
        self._auth()
        station, conn = self._connector(connector_id)
        if conn.status is not ConnectorStatus.AVAILABLE:
            raise ConnectorUnavailable()
        self.calls.append(f"reserve {connector_id} {minutes}")
        now = datetime.now(UTC)
        held = minutes or 15
        conn.status, conn.status_detail = ConnectorStatus.OCCUPIED, "Reserved"
        r = Reservation(
            id=f"r{len(self.reservation_list) + 1}",
            connector_id=connector_id,
            station_id=station.id,
            status=ReservationStatus.ACTIVE,
            reserved_at=now,
            expires_at=now + timedelta(minutes=held),
            minutes=held,
        )
        self.reservation_list.append(r)
        return r.model_copy()

    async def cancel_reservation(self, reservation_id):
        self._auth()
        for r in self.reservation_list:
            if r.id == reservation_id:
                r.status = ReservationStatus.CANCELLED
                _, conn = self._connector(r.connector_id)
                conn.status, conn.status_detail = ConnectorStatus.AVAILABLE, None
                return r.model_copy()
        raise NotFound()

    async def reservations(self):
        self._auth()
        return [r.model_copy() for r in self.reservation_list if r.status.is_active]

    async def unlock_connector(self, connector_id):
        self._connector(connector_id)
        if self.fail_unlock is not None:
            raise self.fail_unlock
        self.calls.append(f"unlock {connector_id}")

    async def start_charging(
        self, connector_id, card_id, *, progress=None, timeout_s=90.0, limits=None
    ):
        self._auth()
        self.calls.append(f"start {connector_id} {card_id}")
        self.limits = limits
        if self.fail_start:
            raise self.fail_start
        if self._card(card_id).status is not CardStatus.ACTIVE:
            raise CardRejected()
        for st in self.stations:
            for c in st.connectors:
                if c.id == connector_id and c.status is not ConnectorStatus.AVAILABLE:
                    raise ConnectorUnavailable(reason="occupied")
        for step in ("requested", "sent", "accepted", "charging"):
            if progress:
                progress(StartProgress(step=step))
        s = ChargingSession(
            id=f"x{len(self.sessions) + 1}",
            connector_id=connector_id,
            card_id=card_id,
            station_id=connector_id.split("-")[0],
            station_name="Station 1",
            state=SessionState.CHARGING,
            started_at=datetime.now(UTC) - timedelta(seconds=5),
            power_kw=11.0,
            soc=40.0,
        )
        self.sessions.append(s)
        return s.model_copy()

    async def get_session(self, session_id):
        self._auth()
        for s in self.sessions:
            if s.id == session_id:
                if s.state is SessionState.CHARGING:
                    s.energy_kwh += 0.25
                    s.soc = min(100.0, (s.soc or 0) + 1)
                return s.model_copy(deep=True)
        raise NotFound()

    async def follow_session(self, session_id):
        """Pushes the session as it changes; ``follow_reads`` counts the reads behind it."""
        self.follow_reads = getattr(self, "follow_reads", 0)
        while True:
            self.follow_reads += 1
            s = await self.get_session(session_id)
            yield s
            if not s.state.is_active:
                return
            await asyncio.sleep(0.01)

    def end_session(self, session_id, power_kw=None):
        """The charger ends the session (or, with ``power_kw``, the car stops drawing)."""
        for s in self.sessions:
            if s.id == session_id:
                if power_kw is not None:
                    s.power_kw = power_kw
                    return
                s.state = SessionState.FINISHED
                s.ended_at = datetime.now(UTC)
                s.cost = Cost(total=round(0.5 + 0.49 * s.energy_kwh, 2))

    async def stop_charging(self, session_id):
        self._auth()
        for s in self.sessions:
            if s.id == session_id:
                s.state = SessionState.FINISHED
                s.ended_at = datetime.now(UTC)
                s.cost = Cost(total=round(0.5 + 0.49 * s.energy_kwh, 2))
                return s.model_copy(deep=True)
        raise NotFound()

    async def active_sessions(self):
        self._auth()
        return [s.model_copy() for s in self.sessions if s.state.is_active]

    async def history(self, *, offset=0, limit=20, since=None, until=None):
        self._auth()
        items = sorted(self.sessions, key=lambda s: s.started_at, reverse=True)
        return Page(
            items=items[offset : offset + limit],
            offset=offset,
            limit=limit,
            total=len(items),
            is_last=offset + limit >= len(items),
        )

    async def statistics(self, *, since=None, until=None):
        self._auth()
        months: dict[str, list] = {}
        for s in self.sessions:
            months.setdefault(s.started_at.astimezone().strftime("%Y-%m"), []).append(s)
        return Statistics(
            sessions=len(self.sessions),
            energy_kwh=sum(s.energy_kwh for s in self.sessions),
            months=[
                MonthlyStatistics(
                    month=m,
                    sessions=len(items),
                    energy_kwh=sum(s.energy_kwh for s in items),
                    cost=sum(s.cost.total for s in items if s.cost),
                    co2_saved_kg=0.0,
                )
                for m, items in sorted(months.items())
            ],
        )

    async def documents(self, *, offset=0, limit=20):
        self._auth()
        return Page(items=[Document(id="d1", type="invoice", title="Invoice 1")], limit=limit)
