"""Wire inputs of OIOI requests: pydantic models in the document's field names (kebab-case)
and types. Unknown fields are ignored (the document may add optional ones); a missing or
mistyped field is code 230 naming the field as the client wrote it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

from services.core.api.plugsurfing.results import EVCO_ERROR, OioiError, bad_format

M = TypeVar("M", bound=BaseModel)

# JSON numbers: integers are floats too (the examples write "min-lat": 0); booleans are not.
Float = Annotated[float, Field(strict=True)]
Text = Annotated[StrictStr, Field(max_length=1000)]
# Ids and counts as the store can hold them (SQLite INTEGER is 64-bit signed).
Int = Annotated[StrictInt, Field(ge=-(2**63), le=2**63 - 1)]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Wire(BaseModel):
    model_config = ConfigDict(alias_generator=_kebab, extra="ignore", frozen=True)


def parse(model: type[M], data: Any, kind: str) -> M:
    """``data`` (the object under the request type ``kind``) as ``model``. Errors name the
    field by its path inside that object (``user.identifier-type``, ``station-ids.0``), as
    every other refusal of a field does."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        path = ".".join(str(p) for p in err["loc"]) or kind
        raise bad_format(path, err["msg"].lower()) from None


# ------------------------------------------------------------------ the user block

IdentifierType = Literal["evco-id", "rfid", "username"]


class UserRef(Wire):
    identifier_type: IdentifierType
    identifier: Text
    token: Text | None = None


class WithUser(Wire):
    user: UserRef


# ------------------------------------------------------------------ users

class UserVerify(Wire):
    username: Text
    password: Text
    is_token: StrictBool = False
    language: Text | None = None


class UserRegister(Wire):
    username: Text
    email: Text
    password: Text
    language: Text | None = None


class UserReset(Wire):
    identifier: Text


class UserChangePassword(Wire):
    username: Text
    current_password: Text
    new_password: Text


class Address(Wire):
    street: Text | None = None
    street_number: Text | None = None
    zip: Text | None = None
    city: Text | None = None
    country: Text | None = None


class Details(Wire):
    first_name: Text | None = None
    last_name: Text | None = None
    address: Address | None = None
    locale: Text | None = None
    vat: Text | None = None
    social_security_number: Text | None = None
    billing_name: Text | None = None
    billing_address: Address | None = None
    phone: Text | None = None


class UserPostDetails(WithUser):
    details: Details


class UserAddCreditCard(WithUser):
    encrypted_data: Annotated[StrictStr, Field(max_length=20000)]


class UserAddPayment(WithUser):
    payment_type: Literal["paypal", "directEbanking", "ideal"]


class UserRfid(WithUser):
    rfid: Text


class UserChargingKeyActivate(WithUser):
    evco_id: Text


class DateInterval(Wire):
    start: Text
    end: Text


class UserGetBills(WithUser):
    date_interval: DateInterval


class UserRecentStations(WithUser):
    limit: Annotated[StrictInt, Field(ge=1, le=100)] = 10


# ------------------------------------------------------------------ stations

ConnectorType = Literal[
    "UNKNOWN", "Type1", "Type2", "Type3", "Schuko", "Combo", "CeeBlue", "CeeRed", "Cee2Poles",
    "CeePlus", "3PinSquare", "Chademo", "Tesla", "Scame", "Nema5", "T13", "T15", "T23",
    "Marechal", "TypeE",
]  # fmt: skip


class SurfaceFilters(Wire):
    excludes: list[Int] = Field(default_factory=list, max_length=10000)
    company_types: list[Text] | None = None
    connector_types: list[ConnectorType] | None = None
    connector_speeds_greater: Float | None = None
    connector_speeds_less: Float | None = None
    operator_ids: list[Int] | None = None
    payable: list[Text] | None = None


class StationGetSurface(Wire):
    min_lat: Annotated[float, Field(strict=True, ge=-90, le=90)]
    max_lat: Annotated[float, Field(strict=True, ge=-90, le=90)]
    min_long: Annotated[float, Field(strict=True, ge=-180, le=180)]
    max_long: Annotated[float, Field(strict=True, ge=-180, le=180)]
    filters: SurfaceFilters = Field(default_factory=SurfaceFilters)


class StationGetByIds(Wire):
    # "The maximum number of IDs per call is ten."
    station_ids: Annotated[list[Int], Field(min_length=1, max_length=10)]


class StationGetUsage(Wire):
    station_id: Int


class CompanyGetImages(Wire):
    company_id: Int


# ------------------------------------------------------------------ charging

class SessionStart(WithUser):
    connector_id: Text
    payment_reference: Text | None = None


class SessionStop(WithUser):
    connector_id: Text
    session_id: Text | None = None


# ------------------------------------------------------------------ RFID UIDs

_UID = re.compile(r"^[0-9A-F]+$")
UID_LENGTHS = (8, 14, 20)


def uid(value: str, field: str, code: int = EVCO_ERROR) -> str:
    """A UID as the document requires it: hex digits, upper case, 8, 14 or 20 characters
    (zero-padded on the left by the sender). Anything else is refused, not repaired."""
    if not _UID.match(value):
        reason = ("must be upper case" if _UID.match(value.upper())
                  else "must be a hexadecimal string")
        raise OioiError(code, f"{field}: {reason}")
    if len(value) not in UID_LENGTHS:
        raise OioiError(code, f"{field}: must be 8, 14 or 20 characters long "
                              f"(zero-padded on the left), not {len(value)}")
    return value


# ------------------------------------------------------------------ CPO pushes

Day = Literal["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
Latitude = Annotated[float, Field(strict=True, ge=-90, le=90)]
Longitude = Annotated[float, Field(strict=True, ge=-180, le=180)]


class OpenHourNote(Wire):
    times: Annotated[list[Text], Field(min_length=1, max_length=2)]
    days: Annotated[list[Day], Field(min_length=2, max_length=2)]


class PostedAddress(Wire):
    street: Text | None = None
    street_number: Text | None = None
    city: Text | None = None
    zip: Text | None = None
    country: Text


class PostedContact(Wire):
    phone: Text | None = None
    fax: Text | None = None
    website: Text | None = None
    web: Text | None = None  # the example's name for "website"
    email: Text | None = None


class PostedConnectorWire(Wire):
    id: Text
    name: ConnectorType
    speed: Annotated[float, Field(strict=True, gt=0, le=2000)]


class StationWire(Wire):
    id: Annotated[StrictStr, Field(min_length=1, max_length=200)]
    name: Annotated[StrictStr, Field(min_length=1, max_length=200)]
    description: Text | None = None
    latitude: Latitude
    longitude: Longitude
    address: PostedAddress
    contact: PostedContact | None = None
    cpo_id: Text
    is_open_24: StrictBool
    connectors: Annotated[list[PostedConnectorWire], Field(min_length=1, max_length=100)]
    open_hour_notes: list[OpenHourNote] | None = None
    notes: Text | None = None
    is_reservable: StrictBool | None = None
    floor_level: Annotated[StrictInt, Field(ge=-1000, le=1000)] | None = None
    is_free_charge: StrictBool | None = None
    total_parking: Annotated[StrictInt, Field(ge=0, le=100_000)] | None = None
    is_green_power_available: StrictBool | None = None
    is_plugin_charge: StrictBool | None = None
    is_roofed: StrictBool | None = None
    is_private: StrictBool | None = None
    deleted: StrictBool = False


class StationPost(Wire):
    station: StationWire
    partner_identifier: Text


class ConnectorPostStatus(Wire):
    connector_id: Text
    status: Literal["Available", "Occupied", "Offline", "Reserved", "Unknown"]
    partner_identifier: Text


class Interval(Wire):
    start: Text
    stop: Text | None = None


class Cost(Wire):
    amount: Annotated[float, Field(strict=True, ge=0)]
    currency: Annotated[StrictStr, Field(min_length=3, max_length=3)]


class SessionPost(Wire):
    user: UserRef
    session_id: Annotated[StrictStr, Field(min_length=1, max_length=200)]
    connector_id: Text
    session_interval: Interval
    charging_interval: Interval | None = None
    energy_consumed: Annotated[float, Field(strict=True, ge=0)] | None = None
    calculated_cost: Cost | None = None
    partner_identifier: Text


class RfidVerify(Wire):
    rfid: Text


class RfidPost(Wire):
    rfids: Annotated[list[Text], Field(max_length=1_000_000)]
    partner_identifier: Text


def instant(value: str | None, field: str) -> datetime | None:
    """An RFC 3339 date and time with an offset (``Y-m-d\\TH:i:sP``), in UTC."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
        if when.tzinfo is None:
            raise ValueError(value)
        return when.astimezone(UTC)
    except (ValueError, OverflowError):
        raise bad_format(field, "must be an RFC 3339 date and time with an offset, e.g. "
                         "2015-03-04T13:32:12+01:00") from None
