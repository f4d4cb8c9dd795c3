"""Reserving a connector from the station screen: the driver's reservation at this station,
its countdown, cancelling it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from app.context import AppContext
from app.viewmodels.base import ViewModel, error_message
from services.models import Connector, ConnectorStatus, Reservation
from services.provider import Capability, ProviderError

# what the driver may pick when the back end lets them choose
MINUTE_CHOICES = (15, 30, 60)


class StationReservation(ViewModel):
    """The signed-in driver's reservation of a connector at one station (at most one)."""

    def __init__(
        self,
        ctx: AppContext,
        connector_ids: Callable[[], list[str]],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self._connector_ids = connector_ids
        self.clock = clock
        self.current: Reservation | None = None
        self.minutes: int = MINUTE_CHOICES[0]

    @property
    def offered(self) -> bool:
        return self.ctx.can(Capability.RESERVE) and self.ctx.logged_in

    @property
    def choose_minutes(self) -> bool:
        return self.ctx.can(Capability.CHOOSE_RESERVATION_MINUTES)

    def can_reserve(self, connector: Connector) -> bool:
        return (
            self.offered
            and self.current is None
            and connector.status is ConnectorStatus.AVAILABLE
        )

    def holds(self, connector: Connector) -> bool:
        """Whether the driver's reservation holds ``connector``."""
        return self.current is not None and self.current.connector_id == connector.id

    def seconds_left(self) -> float | None:
        return self.current.seconds_left(self.clock()) if self.current else None

    def countdown(self) -> str:
        left = self.seconds_left()
        if left is None:
            return ""
        minutes, seconds = divmod(int(left), 60)
        return f"{minutes}:{seconds:02d}"

    async def load(self) -> None:
        """The driver's active reservation of one of this station's connectors, if any."""
        if not self.offered:
            return
        ids = set(self._connector_ids())
        try:
            mine = await self.ctx.provider.reservations()
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
            self.notify()
            return
        self.current = next((r for r in mine if r.connector_id in ids), None)
        self.notify()

    async def reserve(self, connector: Connector) -> bool:
        if not self.can_reserve(connector):
            return False

        async def reserve() -> None:
            minutes = self.minutes if self.choose_minutes else None
            self.current = await self.ctx.provider.reserve(connector.id, minutes=minutes)

        return await self.attempt(self.ctx.t, reserve())

    async def cancel(self) -> None:
        if self.current is None:
            return

        async def cancel(reservation_id: str) -> None:
            await self.ctx.provider.cancel_reservation(reservation_id)
            self.current = None

        await self.attempt(self.ctx.t, cancel(self.current.id))

    def expire_if_due(self) -> bool:
        """Forget a reservation whose time is up (the charger frees the connector)."""
        if self.current is not None and self.seconds_left() == 0:
            self.current = None
            self.notify()
            return True
        return False

