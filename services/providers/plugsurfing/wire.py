"""Plugsurfing OIOI v4 wire models: the document's field names (hyphenated, as aliases),
optional wherever the document says so or its own examples leave a field out or null.

The document asks receivers to accept fields added later, so unknown fields are ignored.
Its examples also disagree with its field lists in places (``streetNumber`` next to
``street-number``, ``"times": "[24h]"`` next to ``["24h"]``); both spellings are read.
"""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator


class W(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def _f(name: str, *more: str, default=None):
    """A field read from its documented hyphenated name (and any other spelling seen)."""
    return Field(default=default, validation_alias=AliasChoices(name, *more))


class Result(W):
    code: int = 0
    message: str | None = None

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v):
        # "000" and "011" are written as codes in the document's table
        return int(v) if isinstance(v, str) and v.strip().isdigit() else v


class Address(W):
    street: str | None = None
    street_number: str | None = _f("street-number", "streetNumber", "street_number")
    city: str | None = None
    zip: str | None = None
    country: str | None = None


class Contact(W):
    email: str | None = None
    web: str | None = None
    phone: str | None = None
    fax: str | None = None


class OpenHourNote(W):
    times: list[str] = Field(default_factory=list)
    days: list[str] = Field(default_factory=list)

    @field_validator("times", "days", mode="before")
    @classmethod
    def _list(cls, v):
        if v is None:
            return []
        if isinstance(v, str):  # "[24h]"
            return [p.strip(" \"'") for p in v.strip("[]").split(",") if p.strip(" \"'")]
        return v


class Prices(W):
    starting_fee: str | None = _f("starting-fee")
    charging_per_hour: str | None = _f("charging-per-hour")
    parking_per_hour: str | None = _f("parking-per-hour")
    charging_per_kwh: str | None = _f("charging-per-kwh")
    currency: str | None = None


class Connector(W):
    id: int | str
    status: str | None = None
    last_change: str | None = _f("last-change")
    name: str | None = None  # the plug type word (Type2, Combo, Chademo, ...)
    speed: str | None = None  # "22.2kW"
    mode: str | None = None
    external_id: str | None = _f("external-id")  # the EVSE ID when the CPO has one
    prices: Prices | None = None


class Station(W):
    """A station of ``station-get-by-ids``."""

    id: int | str
    address: Address | None = None
    contact: Contact | None = None
    operator_company_id: int | None = _f("operator-company-id")
    operator_logo: str | None = _f("operator-logo")
    floor_level: int | None = _f("floor-level")
    is_free_charge: bool | None = _f("is-free-charge")
    last_static_change: str | None = _f("last-static-change")
    last_dynamic_change: str | None = _f("last-dynamic-change")
    name: str | None = None
    description: str | None = None
    latitude: float
    longitude: float
    open_hour_notes: list[OpenHourNote] | None = _f("open-hour-notes")
    total_parking: int | None = _f("total-parking")
    notes: str | None = None
    is_open_24: bool | None = _f("is-open-24")
    dynamic_status_summary: str | None = _f("dynamic-status-summary")
    is_private: bool | None = _f("is-private")
    owner_company_id: int | None = _f("owner-company-id")
    service_providers: list[int] | None = _f("service-providers")
    connectors: list[Connector] | None = None


class Company(W):
    id: int
    name: str | None = None
    contact: Contact | None = None
    address: Address | None = None
    description: str | None = None
    type: str | None = None


class StationsByIds(W):
    stations: list[Station] = Field(default_factory=list)
    companies: list[Company] = Field(default_factory=list)

    @field_validator("stations", "companies", mode="before")
    @classmethod
    def _none(cls, v):
        return v or []


class SurfaceStation(W):
    """A station of ``station-get-surface`` (and, without the last two fields,
    ``user-get-recent-stations``)."""

    id: int | str
    name: str | None = None
    latitude: float
    longitude: float
    dynamic_status_summary: str | None = _f("dynamic-status-summary")
    owner_type: str | None = _f("owner-type")
    last_static_change: str | None = _f("last-static-change")
    connector_statuses: dict[str, str | None] | None = _f("connector-statuses")


class Surface(W):
    stations: list[SurfaceStation] = Field(default_factory=list)

    @field_validator("stations", mode="before")
    @classmethod
    def _flatten(cls, v):
        # the recent-stations example nests its list one level deeper: [[{...}, {...}]]
        out = []
        for item in v or ():
            if isinstance(item, list):
                out.extend(i for i in item if i)
            elif item:
                out.append(item)
        return out


class UserToken(W):
    """``user`` of user-verify and user-register."""

    token: str | None = None
    evco_id: str | None = _f("evco-id")


class UserDetails(W):
    first_name: str | None = _f("first-name")
    last_name: str | None = _f("last-name")
    address: Address | None = None
    billing_name: str | None = _f("billing-name")
    billing_address: Address | None = _f("billing-address")
    locale: str | None = None
    vat: str | None = None
    evco_id: str | None = _f("evco-id")
    phone: str | None = None


class ChargingKey(W):
    uid: str
    evco_id: str | None = _f("evco-id")
    # Not in the document's field list; read when a back end adds it (added fields are
    # allowed by the document), so a blocked key shows as blocked.
    status: str | None = None
    is_blocked: bool | None = _f("is-blocked", "blocked")


class ChargingKeys(W):
    charging_keys: list[ChargingKey] = Field(default_factory=list, alias="charging-keys")

    @field_validator("charging_keys", mode="before")
    @classmethod
    def _none(cls, v):
        return [k for k in v or () if k]


class Interval(W):
    start: str | None = None
    end: str | None = _f("end", "stop")


class RecentSession(W):
    request_sent: str | None = _f("request-sent")
    connector_id: int | str | None = _f("connector-id")
    charging_station_id: int | str | None = _f("charging-station-id")
    session_interval: Interval | None = _f("session-interval")
    charging_interval: Interval | None = _f("charging-interval")
    energy_consumed: float | None = _f("energy-consumed")
    cost: str | float | None = None
    currency: str | None = None
    external_session_id: str | None = _f("external-session-id")
    address: str | None = None


class RecentSessions(W):
    sessions: list[RecentSession] = Field(default_factory=list)

    @field_validator("sessions", mode="before")
    @classmethod
    def _none(cls, v):
        return [s for s in v or () if s]


class Bill(W):
    external_session_ids: list[str] = Field(default_factory=list, alias="external-session-ids")
    bill: str | None = None

    @field_validator("external_session_ids", mode="before")
    @classmethod
    def _none(cls, v):
        return v or []


class Bills(W):
    bills: list[Bill] = Field(default_factory=list)

    @field_validator("bills", mode="before")
    @classmethod
    def _none(cls, v):
        return [b for b in v or () if b]


class SessionStarted(W):
    session_id: str | None = _f("session-id")
    is_stoppable: bool | None = _f("is-stoppable")


class Reason(W):
    """``user-post-details`` may answer code 0 with a reason saying it was not accepted."""

    reason: str | None = None
    success: bool | None = None
