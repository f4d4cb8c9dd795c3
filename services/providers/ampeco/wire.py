"""The AMPECO Public API shapes Voltra reads, as the document's schemas name them.

Only the fields the adapter uses; everything else is ignored, so a back end sending more
(the document's optional ``include[]`` parts) is still read. Ids are integers in most
schemas and strings in a few (users, sessions): both arrive as ``int | str``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

Id = int | str


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", alias_generator=to_camel, populate_by_name=True)


class Translation(Wire):
    locale: str | None = None
    translation: str | None = None


class Geoposition(Wire):
    latitude: float
    longitude: float


class Image(Wire):
    original: str
    thumbnail: str | None = None


class Period(Wire):
    start: str
    end: str


class WorkingHours(Wire):
    is_always_open: bool | None = None
    hours: dict[str, list[Period]] | None = None


class Location(Wire):
    id: int
    name: list[Translation] = Field(default_factory=list)
    status: str | None = None
    geoposition: Geoposition | None = None
    address: list[Translation] = Field(default_factory=list)
    street_address: list[Translation] = Field(default_factory=list)
    city: str | None = None
    post_code: str | None = None
    country: str | None = None
    location_image: Image | None = None
    images: list[Image] = Field(default_factory=list)
    working_hours: WorkingHours | None = None
    description: list[Translation] = Field(default_factory=list)


class ChargePoint(Wire):
    id: int
    name: str | None = None
    location_id: int | None = None
    status: str | None = None  # enabled | disabled | out of order | demo
    capabilities: list[str] | None = None  # None: not said
    network_status: str | None = None
    hardware_status: str | None = None


class PowerOptions(Wire):
    max_power: float | None = None  # labelled "in Wh"; a power, so W


class EvseConnector(Wire):
    id: int
    type: str
    format: str | None = None
    status: str | None = None


class Evse(Wire):
    id: int
    charge_point_id: int | None = None
    network_id: str | None = None  # its number on the charge point (OCPP connectorId)
    physical_reference: str | None = None
    emi3_id: str | None = Field(None, alias="emi3Id")
    label: str | None = None
    current_type: str | None = None  # ac | dc
    status: str | None = None  # enabled | disabled | out of order
    allows_reservation: bool | None = None
    power_options: PowerOptions | None = None
    hardware_status: str | None = None
    connectors: list[EvseConnector] = Field(default_factory=list)
    tariff_group_id: int | None = None


class TariffPricing(Wire):
    price_per_kwh: float | None = None
    connection_fee: float | None = None
    price_period_in_minutes: float | None = None
    price_per_period: float | None = None
    idle_fee_per_minute: float | None = None
    idle_fee_grace_period_minutes: float | None = None


class Tariff(Wire):
    id: int
    name: str | None = None
    type: str | None = None  # "free", "duration+energy", ...
    currency: str | None = None
    pricing: TariffPricing | None = None


class TariffGroup(Wire):
    id: int
    tariff_ids: list[int] = Field(default_factory=list)


class User(Wire):
    id: Id
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    city: str | None = None
    post_code: str | None = None
    address: str | None = None
    country: str | None = None
    locale: str | None = None
    status: str | None = None


class IdTag(Wire):
    id: int
    id_tag_uid: str
    id_label: str | None = None
    expire_at: datetime | None = None
    status: str  # enabled | disabled | suspended
    type: str | None = None
    user_id: int | None = None


class Money(Wire):
    with_tax: float
    without_tax: float | None = None


class Tax(Wire):
    tax_percentage: float | None = None


class Power(Wire):
    latest: float | None = None  # W


class EnergyConsumption(Wire):
    total: float  # Wh


class PriceComponent(Wire):
    type: str
    currency: str | None = None
    quantity: float | None = None
    unit: str | None = None
    price: Money
    tax_percentage: float | None = None


class Session(Wire):
    id: Id
    charge_point_id: int
    evse_id: int
    status: str  # unknown | pending | active | finished | failed | expired
    reason: str | None = None
    user_id: int | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    energy: float = 0.0  # Wh
    energy_consumption: EnergyConsumption | None = None
    power_kw: float | None = None
    power: Power | None = None
    soc_percent: float | None = None
    amount: float | None = None
    total_amount: Money | None = None
    tax: Tax | None = None
    currency: str | None = None
    id_tag: str | None = None
    evse_physical_reference: str | None = None
    price_breakdown: list[PriceComponent] = Field(default_factory=list)
    receipt_id: int | None = None


class ConsumptionStat(Wire):
    energy: float | None = None  # cumulative Wh
    power: float | None = None  # W
    timestamp: datetime


class StartResult(Wire):
    success: bool
    session_id: float | None = None
    authorization_id: float | None = None
    message: str | None = None
    error_code: str | None = None


class ReserveResult(Wire):
    success: bool | None = None
    reservation_id: float | None = None


class ActionResult(Wire):
    success: bool | None = None


class Reservation(Wire):
    id: int
    charge_point_id: int
    evse_id: int
    status: str  # active | expired | canceled | done
    user_id: int | None = None
    reserved_at: datetime
    canceled_at: datetime | None = None
    duration: int  # minutes


class Receipt(Wire):
    id: int
    receipt_no: str
    issued_on: str  # date
    total_amount: float | None = None
    download_url: str | None = None
    user_id: int | None = None


class Invoice(Wire):
    id: int
    type: str
    number: str
    date: datetime
    user_id: int | None = None
    total_amount: float | None = None
    download_url: str | None = None


class Meta(Wire):
    next_cursor: str | None = Field(
        None, validation_alias=AliasChoices("next_cursor", "nextCursor")
    )


class Links(Wire):
    next: str | None = None


class Listing(Wire):
    data: list[dict] = Field(default_factory=list)
    links: Links | None = None
    meta: Meta | None = None
