"""The ChargingProvider protocol, its capabilities, the typed errors every adapter raises, and
BaseProvider, which providers derive from."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from services.models import (
    Card,
    CardStatus,
    ChargeLimits,
    ChargingSession,
    Credentials,
    DirectPaymentStatus,
    Document,
    OccupancySlot,
    Page,
    PaymentLink,
    Profile,
    Registration,
    Reservation,
    SearchQuery,
    StartProgress,
    Station,
    Statistics,
    StatusChange,
)


class Capability(StrEnum):
    SEARCH = "search"
    STATION_DETAIL = "station_detail"
    LIVE_STATUS = "live_status"
    OCCUPANCY = "occupancy"
    ACCOUNT = "account"
    REGISTER = "register"
    PROFILE_EDIT = "profile_edit"
    CARDS = "cards"
    ADD_CARD = "add_card"
    # add_card registers the UID the driver enters (an existing RFID card). Without it the
    # back end issues the card and its UID itself: the UI should not ask for one.
    CHOOSE_CARD_UID = "choose_card_uid"
    RENAME_CARD = "rename_card"
    BLOCK_CARD = "block_card"
    UNBLOCK_CARD = "unblock_card"
    CHARGING = "charging"
    LIVE_METER = "live_meter"
    HISTORY = "history"
    STATISTICS = "statistics"
    DOCUMENTS = "documents"
    FAVOURITES = "favourites"
    EVSE_LOOKUP = "evse_lookup"  # find a connector by the EVSE ID printed on the charger
    PAY_AS_YOU_GO = "pay_as_you_go"  # payment methods and starts paid on a hosted page
    SITES = "sites"  # the stations of one site by its id
    RECENT_STATIONS = "recent_stations"  # the stations the driver used last, kept by the back end
    # an organisation's members, their payment methods and subscriptions, their sessions
    FLEET = "fleet"
    # Limits the back end enforces on a session it starts (ChargeLimits)
    LIMIT_MINUTES = "limit_minutes"
    LIMIT_ENERGY = "limit_energy"
    LIMIT_COST = "limit_cost"
    LIMIT_SOC = "limit_soc"
    DELETE_CARD = "delete_card"
    RESERVE = "reserve"  # hold a connector for the driver for a while
    # reserve() takes the minutes the driver picks; without it the back end decides
    CHOOSE_RESERVATION_MINUTES = "choose_reservation_minutes"
    UNLOCK = "unlock"  # release a cable stuck in a connector


# ChargeLimits field -> the capability that lets a provider enforce it
LIMIT_CAPABILITIES = {
    "minutes": Capability.LIMIT_MINUTES,
    "energy_kwh": Capability.LIMIT_ENERGY,
    "cost": Capability.LIMIT_COST,
    "soc": Capability.LIMIT_SOC,
}


# ---------------------------------------------------------------- typed errors


class ProviderError(Exception):
    """Base of every provider error: a machine ``code`` and a driver-readable message."""

    code = "PROVIDER_ERROR"
    default_message = "Something went wrong talking to the charging service."

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        self.message = message or self.default_message
        self.detail = detail  # technical detail for logs, never secrets
        super().__init__(self.message)


class NotAuthenticated(ProviderError):
    code = "NOT_AUTHENTICATED"
    default_message = "Please log in to continue."


class InvalidCredentials(NotAuthenticated):
    code = "INVALID_CREDENTIALS"
    default_message = "Email or password is not correct."


class SessionExpired(NotAuthenticated):
    code = "SESSION_EXPIRED"
    default_message = "Your session has expired. Please log in again."


class Forbidden(ProviderError):
    code = "FORBIDDEN"
    default_message = "You are not allowed to do that."


class NotFound(ProviderError):
    code = "NOT_FOUND"
    default_message = "That could not be found."


class ConnectorUnavailable(ProviderError):
    code = "CONNECTOR_UNAVAILABLE"
    default_message = "This connector is not available right now."

    def __init__(self, message: str | None = None, *, reason: str = "occupied", **kw) -> None:
        self.reason = reason  # occupied | faulted | offline
        super().__init__(message, **kw)


class NoVehicle(ProviderError):
    code = "NO_VEHICLE"
    default_message = "No vehicle was plugged in. Plug in the cable and try again."


class CardRejected(ProviderError):
    code = "CARD_REJECTED"
    default_message = "This card cannot be used to charge here."


class ChargerRejected(ProviderError):
    code = "CHARGER_REJECTED"
    default_message = "The charger declined to start. Try another connector."


class InvalidInput(ProviderError):
    code = "INVALID_INPUT"
    default_message = "Please check your input."

    def __init__(self, message: str | None = None, *, field: str | None = None, **kw) -> None:
        self.field = field
        super().__init__(message, **kw)


class Conflict(ProviderError):
    code = "CONFLICT"
    default_message = "That already exists."


class BackendUnavailable(ProviderError):
    code = "BACKEND_UNAVAILABLE"
    default_message = "The charging service cannot be reached. Check your connection."


class RateLimited(ProviderError):
    code = "RATE_LIMITED"
    default_message = "Too many requests. Please wait a moment."

    def __init__(self, message: str | None = None, *, retry_after: float | None = None, **kw):
        self.retry_after = retry_after
        super().__init__(message, **kw)


class OperationTimedOut(ProviderError):
    """The back end accepted a request but did not confirm the outcome in time."""

    code = "TIMED_OUT"
    default_message = "The charger did not answer in time. Check your sessions before retrying."


class NotSupported(ProviderError):
    code = "NOT_SUPPORTED"
    default_message = "This charging service does not offer that."


ProgressCallback = Callable[[StartProgress], Awaitable[None] | None]


@runtime_checkable
class ChargingProvider(Protocol):
    """What the UI can ask of a charging back end. All methods are async.

    A provider raises only :class:`ProviderError` subclasses. Methods outside
    ``capabilities`` raise :class:`NotSupported`.
    """

    name: str
    capabilities: frozenset[Capability]

    @property
    def is_logged_in(self) -> bool: ...

    async def close(self) -> None: ...

    # account
    async def login(self, credentials: Credentials) -> Profile: ...
    async def logout(self) -> None: ...
    async def register(self, registration: Registration) -> Profile: ...
    async def profile(self) -> Profile: ...
    async def update_profile(self, profile: Profile) -> Profile: ...

    # stations
    async def search_stations(self, query: SearchQuery) -> Page[Station]: ...
    async def get_station(self, station_id: str) -> Station: ...
    async def occupancy(self, station_id: str) -> list[OccupancySlot]: ...
    def watch_status(self, connector_ids: Iterable[str]) -> AsyncIterator[StatusChange]: ...
    async def favourites(self) -> list[Station]: ...
    async def set_favourite(self, station_id: str, favourite: bool) -> bool: ...
    async def station_by_evse_id(self, evse_id: str) -> Station: ...
    async def site_stations(self, site_id: str) -> list[Station]: ...
    async def recent_stations(self, limit: int = 10) -> list[Station]: ...

    # cards
    async def list_cards(self) -> list[Card]: ...
    async def add_card(self, uid: str, label: str | None = None) -> Card: ...
    async def rename_card(self, card_id: str, label: str) -> Card: ...
    async def block_card(self, card_id: str) -> Card: ...
    async def unblock_card(self, card_id: str) -> Card: ...
    async def delete_card(self, card_id: str) -> None: ...

    # reservations and the connector itself
    async def reserve(self, connector_id: str, *, minutes: int | None = None) -> Reservation: ...
    async def cancel_reservation(self, reservation_id: str) -> Reservation: ...
    async def reservations(self) -> list[Reservation]: ...
    async def unlock_connector(self, connector_id: str) -> None: ...

    # charging
    async def start_charging(
        self,
        connector_id: str,
        card_id: str,
        *,
        progress: ProgressCallback | None = None,
        timeout_s: float = 90.0,
        limits: ChargeLimits | None = None,
    ) -> ChargingSession: ...
    async def get_session(self, session_id: str) -> ChargingSession: ...
    def follow_session(self, session_id: str) -> AsyncIterator[ChargingSession]: ...
    async def stop_charging(self, session_id: str) -> ChargingSession: ...
    async def active_sessions(self) -> list[ChargingSession]: ...

    # pay as you go
    async def has_payment_method(self) -> bool: ...
    async def add_payment_method(self) -> PaymentLink: ...
    async def start_with_payment(self, connector_id: str) -> PaymentLink: ...
    async def payment_status(self, evse_id: str, transaction_id: str) -> DirectPaymentStatus: ...

    # history
    async def history(
        self,
        *,
        offset: int = 0,
        limit: int = 20,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[ChargingSession]: ...
    async def statistics(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> Statistics: ...
    async def documents(self, *, offset: int = 0, limit: int = 20) -> Page[Document]: ...


# ---------------------------------------------------------------- base class

# What the driver is told when a provider lacks a capability (the UI normally hides it).
UNSUPPORTED_MESSAGES: dict[Capability, str] = {
    Capability.SEARCH: "This charging service does not offer a station search.",
    Capability.STATION_DETAIL: "This charging service does not show station details.",
    Capability.LIVE_STATUS: "This charging service does not send live status updates.",
    Capability.OCCUPANCY: "This charging service does not show how busy a station is.",
    Capability.ACCOUNT: "This charging service does not offer driver accounts.",
    Capability.REGISTER: "Accounts for this charging service cannot be created in the app.",
    Capability.PROFILE_EDIT: "Your profile cannot be changed from the app with this provider.",
    Capability.CARDS: "This charging service does not manage charge cards in the app.",
    Capability.ADD_CARD: "Cards cannot be added from the app with this provider.",
    Capability.CHOOSE_CARD_UID: "This charging service issues card numbers itself.",
    Capability.RENAME_CARD: "Cards cannot be renamed from the app with this provider.",
    Capability.BLOCK_CARD: "Cards cannot be blocked from the app with this provider.",
    Capability.UNBLOCK_CARD: "Cards cannot be re-activated from the app with this provider.",
    Capability.CHARGING: "Charging cannot be started from the app with this provider.",
    Capability.LIVE_METER: "This charging service does not show live meter values.",
    Capability.HISTORY: "This charging service does not show your charging history.",
    Capability.STATISTICS: "This charging service does not offer charging statistics.",
    Capability.DOCUMENTS: "This charging service does not offer invoices or documents.",
    Capability.FAVOURITES: "This charging service does not keep favourite stations.",
    Capability.EVSE_LOOKUP: "This charging service cannot find a charger by its EVSE ID.",
    Capability.PAY_AS_YOU_GO: "This charging service does not take payments in the app.",
    Capability.SITES: "This charging service does not list the stations of a site.",
    Capability.RECENT_STATIONS: "This charging service does not keep your recent stations.",
    Capability.FLEET: "This charging service does not manage fleets.",
    Capability.LIMIT_MINUTES: "This charging service cannot stop charging after a set time.",
    Capability.LIMIT_ENERGY: "This charging service cannot stop charging at a set energy.",
    Capability.LIMIT_COST: "This charging service cannot stop charging at a set cost.",
    Capability.LIMIT_SOC: "This charging service cannot stop charging at a set battery level.",
    Capability.DELETE_CARD: "Cards cannot be deleted from the app with this provider.",
    Capability.RESERVE: "This charging service does not take reservations.",
    Capability.CHOOSE_RESERVATION_MINUTES: "This charging service sets how long it holds a "
    "reservation itself.",
    Capability.UNLOCK: "This charging service cannot unlock a connector from the app.",
}


class BaseProvider:
    """Every ChargingProvider operation, raising :class:`NotSupported` with a driver-readable
    message. A provider derives from it, declares its ``capabilities`` and overrides what
    its API offers; whatever it leaves out fails the same way for every provider."""

    name: str = "base"
    capabilities: frozenset[Capability] = frozenset()
    # hears the token that resumes the current login (None when there is none any more)
    _on_login_token: Callable[[str | None], None] | None = None

    def _tell_login_token(self, token: str | None) -> None:
        if self._on_login_token is not None:
            self._on_login_token(token)

    @staticmethod
    def require_active(card: Card) -> Card:
        """``card``, or CardRejected saying why a blocked or expired card cannot charge."""
        if card.status is not CardStatus.ACTIVE:
            raise CardRejected(f"This card is {card.status.value.lower()}.", detail=card.id)
        return card

    def unsupported(self, capability: Capability) -> NotSupported:
        return NotSupported(UNSUPPORTED_MESSAGES[capability], detail=f"{self.name}: {capability}")

    @property
    def is_logged_in(self) -> bool:
        return False

    @property
    def username(self) -> str | None:
        return None

    async def close(self) -> None:
        return None

    # account
    async def login(self, credentials: Credentials) -> Profile:
        raise self.unsupported(Capability.ACCOUNT)

    async def logout(self) -> None:
        raise self.unsupported(Capability.ACCOUNT)

    async def register(self, registration: Registration) -> Profile:
        raise self.unsupported(Capability.REGISTER)

    async def profile(self) -> Profile:
        raise self.unsupported(Capability.ACCOUNT)

    async def update_profile(self, profile: Profile) -> Profile:
        raise self.unsupported(Capability.PROFILE_EDIT)

    # stations
    async def search_stations(self, query: SearchQuery) -> Page[Station]:
        raise self.unsupported(Capability.SEARCH)

    async def get_station(self, station_id: str) -> Station:
        raise self.unsupported(Capability.STATION_DETAIL)

    async def occupancy(self, station_id: str) -> list[OccupancySlot]:
        raise self.unsupported(Capability.OCCUPANCY)

    def watch_status(self, connector_ids: Iterable[str]) -> AsyncIterator[StatusChange]:
        raise self.unsupported(Capability.LIVE_STATUS)

    async def favourites(self) -> list[Station]:
        raise self.unsupported(Capability.FAVOURITES)

    async def set_favourite(self, station_id: str, favourite: bool) -> bool:
        raise self.unsupported(Capability.FAVOURITES)

    async def station_by_evse_id(self, evse_id: str) -> Station:
        """The station holding the connector with this EVSE ID (printed on the charger)."""
        raise self.unsupported(Capability.EVSE_LOOKUP)

    async def site_stations(self, site_id: str) -> list[Station]:
        """The stations of one site (a kiosk serves one site)."""
        raise self.unsupported(Capability.SITES)

    async def recent_stations(self, limit: int = 10) -> list[Station]:
        """The stations the driver used last, newest first: none where the back end keeps
        no such list (``Capability.RECENT_STATIONS`` says whether it does)."""
        return []

    # cards
    async def list_cards(self) -> list[Card]:
        raise self.unsupported(Capability.CARDS)

    async def add_card(self, uid: str, label: str | None = None) -> Card:
        raise self.unsupported(Capability.ADD_CARD)

    async def rename_card(self, card_id: str, label: str) -> Card:
        raise self.unsupported(Capability.RENAME_CARD)

    async def block_card(self, card_id: str) -> Card:
        raise self.unsupported(Capability.BLOCK_CARD)

    async def unblock_card(self, card_id: str) -> Card:
        raise self.unsupported(Capability.UNBLOCK_CARD)

    async def delete_card(self, card_id: str) -> None:
        raise self.unsupported(Capability.DELETE_CARD)

    # reservations and the connector itself
    async def reserve(self, connector_id: str, *, minutes: int | None = None) -> Reservation:
        """Hold ``connector_id`` for the signed-in driver; only their card can start there
        until it expires. ``minutes`` only with CHOOSE_RESERVATION_MINUTES."""
        raise self.unsupported(Capability.RESERVE)

    async def cancel_reservation(self, reservation_id: str) -> Reservation:
        raise self.unsupported(Capability.RESERVE)

    async def reservations(self) -> list[Reservation]:
        """The driver's reservations still holding a connector (or about to)."""
        raise self.unsupported(Capability.RESERVE)

    async def unlock_connector(self, connector_id: str) -> None:
        """Ask the charger to release the cable in ``connector_id``."""
        raise self.unsupported(Capability.UNLOCK)

    # charging
    async def start_charging(
        self,
        connector_id: str,
        card_id: str,
        *,
        progress: ProgressCallback | None = None,
        timeout_s: float = 90.0,
        limits: ChargeLimits | None = None,
    ) -> ChargingSession:
        raise self.unsupported(Capability.CHARGING)

    def check_limits(self, limits: ChargeLimits | None) -> None:
        """NotSupported naming the first limit this provider cannot enforce."""
        if limits is None:
            return
        for field, capability in LIMIT_CAPABILITIES.items():
            if getattr(limits, field) is not None and capability not in self.capabilities:
                raise self.unsupported(capability)

    async def get_session(self, session_id: str) -> ChargingSession:
        raise self.unsupported(Capability.CHARGING)

    follow_interval_s = 1.0

    async def follow_session(self, session_id: str) -> AsyncIterator[ChargingSession]:
        """The session now and after every read that changed it, until it ended. Providers
        whose back end pushes session or status changes follow those instead of reading
        every ``follow_interval_s``."""
        session = await self.get_session(session_id)
        yield session
        while session.state.is_active:
            await asyncio.sleep(self.follow_interval_s)
            new = await self.get_session(session_id)
            if new != session:
                session = new
                yield session

    async def stop_charging(self, session_id: str) -> ChargingSession:
        raise self.unsupported(Capability.CHARGING)

    async def active_sessions(self) -> list[ChargingSession]:
        raise self.unsupported(Capability.CHARGING)

    # pay as you go
    async def has_payment_method(self) -> bool:
        raise self.unsupported(Capability.PAY_AS_YOU_GO)

    async def add_payment_method(self) -> PaymentLink:
        raise self.unsupported(Capability.PAY_AS_YOU_GO)

    async def start_with_payment(self, connector_id: str) -> PaymentLink:
        """A hosted page where the driver pays for one charge; the charge starts once paid."""
        raise self.unsupported(Capability.PAY_AS_YOU_GO)

    async def payment_status(self, evse_id: str, transaction_id: str) -> DirectPaymentStatus:
        raise self.unsupported(Capability.PAY_AS_YOU_GO)

    # history
    async def history(
        self,
        *,
        offset: int = 0,
        limit: int = 20,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[ChargingSession]:
        raise self.unsupported(Capability.HISTORY)

    async def statistics(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> Statistics:
        raise self.unsupported(Capability.STATISTICS)

    async def documents(self, *, offset: int = 0, limit: int = 20) -> Page[Document]:
        raise self.unsupported(Capability.DOCUMENTS)
