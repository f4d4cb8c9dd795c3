"""Wirelane API 2.0 wire models: the document's field names and types.

The document's own examples put numbers where its schema says string (``service_hotline``,
``zip_code``, ``house_number``), so such fields accept either and keep text. Timestamps come
as ``2017-10-15T16:44:40+0200`` (sessions, subscriptions) or ``2019-08-24T14:15:22Z``
(points); both parse, and one without an offset is read as UTC. Unknown extra fields are
ignored so a newer back end does not break older apps.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


Text = Annotated[str | None, BeforeValidator(_text)]


class W(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class ChargingPoint(W):
    """One EVSE (``ChargingPoint``); points sharing ``charging_station_id`` form a station."""

    id: str | None = None
    charging_point_id: str | None = None
    charging_station_id: str | None = None
    charge_point_id: str | None = None
    evseid: str | None = None
    display_id: Text = None
    owner: Text = None
    emp: Text = None
    cpo: Text = None
    plug_types: list[str] = Field(default_factory=list)
    charging_type: str | None = None  # AC | DC
    model: Text = None
    serial_number: Text = None
    current: float | None = None  # A
    power: float | None = None  # labelled "kWh"; read as the point's power in kW
    voltage: float | None = None  # V
    reservable: bool | None = None
    authentication_types: list[str] = Field(default_factory=list)
    status: str | None = None  # FREE | IN_USE | UNAVAILABLE | UNKNOWN | FAULTED | ...
    country: Text = None
    city: Text = None
    zip_code: Text = None
    street: Text = None
    house_number: Text = None
    opening_hours: Text = None
    availability: dict[str, Any] | None = None
    timezone: Text = None
    service_hotline: Text = None
    payment_url: Text = None
    longitude: float | None = None
    latitude: float | None = None
    distance: float | None = None  # metres from the search centre
    creation_date: datetime | None = None
    update_date: datetime | None = None
    charging_provider: Text = None

    @field_validator("plug_types", "authentication_types", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def point_id(self) -> str | None:
        return self.id or self.charging_point_id


class Session(W):
    """A charging session on the organisation's infrastructure."""

    session_id: Text = None
    cpo_session_id: Text = None
    customer_id: Text = None
    customer_email: Text = None
    customer_membership_owner: Text = None
    card_number: Text = None
    card_short_reference: Text = None
    language: Text = None
    charging_station_id: Text = None
    charging_point_id: Text = None
    charge_point_id: Text = None
    evseid: Text = None
    owner: Text = None
    emp: Text = None
    cpo: Text = None
    charging_provider: Text = None
    plug_type: Text = None
    charging_type: Text = None
    country: Text = None
    city: Text = None
    zip_code: Text = None
    street: Text = None
    house_number: Text = None
    tariff: Text = None
    tariff_text: Text = None
    price_model: Text = None
    price_model_text: Text = None
    identification: Text = None
    identification_type: Text = None
    cpo_created: bool | None = None
    process_begin: datetime | None = None
    process_end: datetime | None = None
    transaction_begin: datetime | None = None
    transaction_end: datetime | None = None
    session_begin: datetime | None = None
    session_end: datetime | None = None
    transaction_duration: float | None = None  # minutes (the example: 16:44 -> 17:52 is 68)
    session_duration: float | None = None
    kwh: float | None = None
    has_signed_value: bool | None = None
    price: float | None = None  # gross, in ``currency``
    tax_rate: float | None = None  # a fraction: 0.19 is 19 %
    currency: Text = None
    charging_session_type: Text = None
    status: Text = None
    charging_state: Text = None
    creation_date: datetime | None = None
    update_date: datetime | None = None
    meter_start: float | None = None
    meter_stop: float | None = None
    error_code: Text = None
    error_message: Text = None


class Account(W):
    """The account inside a member; the document leaves its fields out, so the common ones
    are read when present."""

    id: Text = None
    account_id: Text = None
    email: Text = None
    first_name: Text = None
    last_name: Text = None
    name: Text = None


class Member(W):
    id: Text = None
    account: Account | None = None
    email: Text = None
    status: Text = None  # pending | active | revoked | terminated

    @property
    def account_id(self) -> str | None:
        """The id the member paths take (``accountId``, e.g. ``DEWLN-0123456789``)."""
        if self.account is not None:
            return self.account.id or self.account.account_id or self.id
        return self.id


class PaymentMethod(W):
    """A payment method of a member; the document leaves its fields out."""

    id: Text = None
    type: Text = None
    status: Text = None
    default: bool | None = None


class Subscription(W):
    id: Text = None
    plan_key: Text = None
    begin: datetime | None = None
    end: datetime | None = None
    account_id: Text = None
    upcoming_subscription: dict[str, Any] | None = None
    current_period: dict[str, Any] | None = None


class TokenClaims(W):
    """The claims of the access token this client reads (never verified here: the token is
    the server's to check). Organisation claim names vary between issuers."""

    sub: Text = None
    exp: float | None = None
    scope: Text = None
    organization_id: Text = None
    organisation_id: Text = None
    organization: Text = None
    organisation: Text = None
    org: Text = None

    @property
    def org_id(self) -> str | None:
        return (
            self.organization_id
            or self.organisation_id
            or self.organization
            or self.organisation
            or self.org
        )
