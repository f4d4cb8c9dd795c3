"""Provider-neutral models: what the UI and every provider adapter agree on.

No wire names here: a provider package translates its API's shapes into these.
Units: energy kWh, power kW, money in ``currency`` (gross unless named net), distances km,
times timezone-aware UTC datetimes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

T = TypeVar("T")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid")


class PlugType(StrEnum):
    TYPE2 = "TYPE2"
    CCS = "CCS"
    CHADEMO = "CHADEMO"
    SCHUKO = "SCHUKO"
    OTHER = "OTHER"


class CurrentType(StrEnum):
    AC = "AC"
    DC = "DC"


class ConnectorStatus(StrEnum):
    """What a driver needs to know at a glance (colours on the map)."""

    AVAILABLE = "AVAILABLE"
    OCCUPIED = "OCCUPIED"  # charging, preparing, finishing, reserved
    OUT_OF_ORDER = "OUT_OF_ORDER"  # faulted, unavailable
    UNKNOWN = "UNKNOWN"  # offline / no data


class SessionState(StrEnum):
    REQUESTED = "REQUESTED"
    ACCEPTED = "ACCEPTED"
    CHARGING = "CHARGING"
    STOPPING = "STOPPING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"

    @property
    def is_active(self) -> bool:
        return self in (
            SessionState.REQUESTED,
            SessionState.ACCEPTED,
            SessionState.CHARGING,
            SessionState.STOPPING,
        )


class CardStatus(StrEnum):
    ACTIVE = "ACTIVE"
    BLOCKED = "BLOCKED"
    EXPIRED = "EXPIRED"


class Coordinates(_Model):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class Address(_Model):
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None  # ISO alpha-2 or alpha-3, as the back end gives it

    def one_line(self) -> str:
        parts = [self.street, " ".join(p for p in (self.postal_code, self.city) if p)]
        return ", ".join(p for p in parts if p)


class OpeningPeriod(_Model):
    weekday: int = Field(ge=0, le=6)  # 0 = Monday
    start: str  # "HH:MM" local time
    end: str  # "HH:MM"; "24:00" allowed


class OpeningHours(_Model):
    always_open: bool = False
    regular: list[OpeningPeriod] = Field(default_factory=list)
    # Exceptions: date (YYYY-MM-DD) -> periods that day ([] = closed)
    exceptions: dict[str, list[OpeningPeriod]] = Field(default_factory=dict)


class TaxItem(_Model):
    description: str
    net: float
    tax_rate: float  # percent
    tax: float
    gross: float


class Tariff(_Model):
    currency: str = "EUR"
    start_fee: float = 0.0
    per_kwh: float = 0.0
    per_minute: float = 0.0
    parking_per_minute: float = 0.0
    parking_grace_minutes: int = 0
    tax_rate: float | None = None  # percent included in the gross prices
    name: str | None = None
    free_of_charge: bool = False


class Connector(_Model):
    id: str
    evse_id: str | None = None
    station_id: str | None = None
    label: str | None = None
    plug_type: PlugType = PlugType.OTHER
    current_type: CurrentType | None = None
    max_power_kw: float | None = None
    status: ConnectorStatus = ConnectorStatus.UNKNOWN
    status_detail: str | None = None  # the back end's own status word (e.g. OCPP "Charging")
    status_since: datetime | None = None
    price: Tariff | None = None
    sort_order: int | None = None
    # Per account of a merged provider: who can start here and at what price, cheapest first
    offers: list[ConnectorOffer] = Field(default_factory=list)


class ConnectorOffer(_Model):
    """What one account offers at one connector (or, on a station, its cheapest connector)."""

    account_id: str
    can_start: bool
    reason: str | None = None  # why it cannot start, for the driver
    tariff: Tariff | None = None
    typical_cost: Cost | None = None  # a TypicalSession priced with ``tariff``
    connector_id: str | None = None  # set on a station's offers: the connector it prices


class TypicalSession(_Model):
    """The session prices are compared on (configurable by the driver)."""

    energy_kwh: float = Field(default=30.0, gt=0, le=1000)
    minutes: int = Field(default=45, gt=0, le=24 * 60)
    parking_minutes: int = Field(default=0, ge=0, le=24 * 60)


class StatusSummary(_Model):
    status: ConnectorStatus = ConnectorStatus.UNKNOWN
    available: int = 0
    total: int = 0


class Station(_Model):
    id: str
    name: str
    operator: str | None = None
    address: Address = Field(default_factory=Address)
    coordinates: Coordinates
    distance_km: float | None = None
    access: str | None = None  # e.g. public / roaming / internal
    opening_hours: OpeningHours | None = None
    images: list[str] = Field(default_factory=list)  # absolute URLs
    connectors: list[Connector] = Field(default_factory=list)
    status: StatusSummary = Field(default_factory=StatusSummary)
    favourite: bool = False
    max_power_kw: float | None = None
    site_id: str | None = None
    # The charge points this entry stands for when a site's are shown as one (services.sites);
    # empty for a single charge point.
    station_ids: list[str] = Field(default_factory=list)
    remote_start: bool | None = None  # None: unknown
    # Set when served from the offline cache because the back end was unreachable.
    stale: bool = False
    as_of: datetime | None = None
    payment_info: str | None = None  # the back end's own words on prices and payment
    phone: str | None = None  # operator hotline
    # Per account of a merged provider: its cheapest offer over this station's connectors
    offers: list[ConnectorOffer] = Field(default_factory=list)


class StatusChange(_Model):
    connector_id: str
    status: ConnectorStatus
    status_detail: str | None = None
    at: datetime | None = None


class OccupancySlot(_Model):
    weekday: int = Field(ge=0, le=6)
    hour: int = Field(ge=0, le=23)
    rate: float = Field(ge=0, le=1)


class Card(_Model):
    id: str
    uid: str  # tag id / RFID UID
    number: str | None = None
    label: str | None = None
    type: str | None = None
    status: CardStatus = CardStatus.ACTIVE
    expiry: datetime | None = None
    rate: str | None = None  # rate / tariff name
    account_id: str | None = None  # set by a merged provider; None in a single-account app


class CostItem(_Model):
    description: str
    net: float | None = None
    tax_rate: float | None = None
    tax: float | None = None
    gross: float


class Cost(_Model):
    total: float
    currency: str = "EUR"
    net: float | None = None
    tax: float | None = None
    items: list[CostItem] = Field(default_factory=list)


class MeterReading(_Model):
    at: datetime
    energy_kwh: float | None = None
    power_kw: float | None = None
    soc: float | None = None


class ChargingSession(_Model):
    id: str
    station_id: str | None = None
    station_name: str | None = None
    connector_id: str | None = None
    evse_id: str | None = None
    card_id: str | None = None
    card_uid: str | None = None
    state: SessionState
    started_at: datetime | None = None
    ended_at: datetime | None = None
    energy_kwh: float = 0.0
    power_kw: float | None = None
    soc: float | None = None
    meter_start_kwh: float | None = None
    meter_end_kwh: float | None = None
    cost: Cost | None = None
    co2_saved_kg: float | None = None
    failure_reason: str | None = None
    readings: list[MeterReading] = Field(default_factory=list)
    account_id: str | None = None  # set by a merged provider; None in a single-account app

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.ended_at or datetime.now(self.started_at.tzinfo)
        return max(0.0, (end - self.started_at).total_seconds())


class ChargeLimits(_Model):
    """Where a session should end by itself (None: no limit of that kind). A provider
    offers a kind only when its back end enforces it (``Capability.LIMIT_*``)."""

    minutes: int | None = Field(None, gt=0, le=24 * 60)
    energy_kwh: float | None = Field(None, gt=0, le=1000)
    cost: float | None = Field(None, gt=0, le=10_000)
    soc: float | None = Field(None, gt=0, le=100)

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.minutes, self.energy_kwh, self.cost, self.soc))


class Page(_Model, Generic[T]):
    items: list[T]
    offset: int = 0
    limit: int
    total: int | None = None
    is_last: bool = True
    # Set when the page comes from the offline cache because the back end was unreachable.
    stale: bool = False
    as_of: datetime | None = None


class MonthlyStatistics(_Model):
    month: str  # YYYY-MM
    sessions: int
    energy_kwh: float
    cost: float
    co2_saved_kg: float


class Statistics(_Model):
    sessions: int = 0
    energy_kwh: float = 0.0
    cost: float = 0.0
    currency: str = "EUR"
    co2_saved_kg: float = 0.0
    duration_s: float = 0.0
    months: list[MonthlyStatistics] = Field(default_factory=list)


class Document(_Model):
    id: str
    type: str
    title: str
    date: datetime | None = None
    download_url: str | None = None
    account_id: str | None = None  # set by a merged provider; None in a single-account app


class Profile(_Model):
    id: str | None = None
    email: str
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    address: Address = Field(default_factory=Address)
    language: str | None = None


class Registration(_Model):
    email: str
    password: str = Field(repr=False)
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    accept_terms: bool = False


class Credentials(_Model):
    """What a provider needs to authenticate; secrets never appear in repr()."""

    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    api_key: str | None = Field(default=None, repr=False)
    refresh_token: str | None = Field(default=None, repr=False)


class BoundingBox(_Model):
    south: float = Field(ge=-90, le=90)
    west: float = Field(ge=-180, le=180)
    north: float = Field(ge=-90, le=90)
    east: float = Field(ge=-180, le=180)

    @property
    def centre(self) -> Coordinates:
        return Coordinates(
            latitude=(self.south + self.north) / 2, longitude=(self.west + self.east) / 2
        )


class StationFilters(_Model):
    plug_types: list[PlugType] = Field(default_factory=list)
    min_power_kw: float | None = Field(default=None, ge=0)
    current_type: CurrentType | None = None
    available_only: bool = False
    free_only: bool = False
    favourites_only: bool = False
    operator: str | None = None


class SearchQuery(_Model):
    centre: Coordinates | None = None
    radius_km: float | None = Field(default=None, gt=0, le=500)
    bbox: BoundingBox | None = None
    filters: StationFilters = Field(default_factory=StationFilters)
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=50, ge=1, le=500)

    @model_validator(mode="after")
    def _area(self) -> SearchQuery:
        if self.bbox is None and (self.centre is None or self.radius_km is None):
            raise ValueError("give either centre and radius_km, or bbox")
        return self


class StartProgress(_Model):
    """One step of the start flow, for progress callbacks."""

    step: str  # requested | sent | accepted | charging | failed
    message: str | None = None


class Place(_Model):
    """A place search result (city, address) to centre the map on."""

    name: str
    coordinates: Coordinates
    country: str | None = None  # ISO alpha-2
    population: int | None = None
    source: str = "offline"  # offline (gazetteer) | online (geocoder)
    score: float = 0.0


class StationCluster(_Model):
    """Stations grouped for one zoom level; count 1 carries the station id."""

    coordinates: Coordinates  # mean position of the members
    count: int
    bbox: BoundingBox
    station_id: str | None = None  # only when count == 1
    available: int | None = None  # members with an available connector, when known


class PaymentLink(_Model):
    """A hosted payment page the driver completes in the browser (add a method, or pay
    for one charge without a card)."""

    url: str
    transaction_id: str | None = None


class DirectPaymentStatus(_Model):
    """Where a pay-as-you-go start stands: OPEN (page not completed yet), STARTED, FAILED,
    FINISHED, EXPIRED, as the back end says it."""

    status: str
    message: str | None = None
    session_id: str | None = None


# ---------------------------------------------------------------- fleets
# Back ends of organisations (Wirelane) show a fleet manager the organisation's members.


class FleetMemberStatus(StrEnum):
    PENDING = "PENDING"  # invited, not yet joined
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"
    TERMINATED = "TERMINATED"
    UNKNOWN = "UNKNOWN"


class FleetSubscription(_Model):
    id: str | None = None
    plan: str | None = None  # the back end's plan key or name
    begins_at: datetime | None = None
    ends_at: datetime | None = None


class FleetMember(_Model):
    id: str  # what the back end's member operations take
    email: str | None = None
    name: str | None = None
    status: FleetMemberStatus = FleetMemberStatus.UNKNOWN
    status_detail: str | None = None  # the back end's own status word
    payment_methods: int | None = None  # how many are registered; None: not asked
    subscription: FleetSubscription | None = None

    @property
    def has_payment_method(self) -> bool | None:
        return None if self.payment_methods is None else self.payment_methods > 0


# ---------------------------------------------------------------- several accounts


class Account(_Model):
    """One signed-in account at one back end; no secrets here (they live in the keyring)."""

    id: str  # stable, e.g. "wirelane-1"
    provider: str  # registry name
    base_url: str
    name: str  # driver-facing, e.g. "Work fleet (Wirelane)"
    username: str | None = None


class AccountStatus(StrEnum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"
    SIGNED_OUT = "signed_out"


class AccountState(_Model):
    account_id: str
    state: AccountStatus
    detail: str | None = None  # for the driver: why it failed, what is loading


Connector.model_rebuild()
Station.model_rebuild()
