"""The body of ``POST``/``PUT …/points``: the document's ChargingPoint as a client sends
it -> typed domain input (``StationInput``, ``ConnectorInput``).

Readings (README): one plug per point (a list of one; the core records no attached-cable
variants or TYPE_1/TYPE_3); ``status`` is the charger's to report over OCPP and is not taken
from the body, nor are ``owner``, ``cpo``, ``emp`` and ``distance`` (the organisation is the
owner and operator); ``availability`` as ``{"twentyfourseven", "regular_hours": [{"weekday"
1-7, "period_begin", "period_end"}]}``; a ChargingPointGroup is ``{"id", "name"}``; the
fields only answers carry (``id``, ``creation_date``, ...) are ignored, so a point read can
be sent back.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.core.api.wirelane import vocabulary as words
from services.core.api.wirelane.errors import unprocessable
from services.core.domain.own_stations import ConnectorInput, StationInput

Text = Annotated[str, Field(max_length=200)]
_TIME = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")

# Domain field -> the body's field, for refusals from the domain's rules.
WIRE_FIELDS = {"station_id": "charging_station_id", "code": "charge_point_id",
               "evse_id": "evseid", "plug_type": "plug_types", "current_type": "charging_type",
               "power": "power", "latitude": "latitude", "longitude": "longitude",
               "point": "pointId"}  # fmt: skip


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(min_length=1, max_length=100)]
    name: Text | None = None


class Hours(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weekday: Annotated[int, Field(ge=1, le=7)]
    period_begin: str
    period_end: str

    @field_validator("period_begin", "period_end")
    @classmethod
    def _time(cls, value: str) -> str:
        if not _TIME.match(value):
            raise ValueError("must be a time HH:MM")
        return value


class Availability(BaseModel):
    model_config = ConfigDict(extra="ignore")
    twentyfourseven: bool = False
    regular_hours: Annotated[list[Hours], Field(max_length=50)] = []


class PointBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    charge_point_id: Annotated[str, Field(min_length=1, max_length=100)]
    authentication_types: list[Literal["card", "remote", "nfc_terminal", "direct"]] | None = None
    availability: Availability | None = None
    charging_group: Annotated[list[Group], Field(max_length=50)] | None = None
    charging_station_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    charging_type: Literal["AC", "DC"] | None = None
    city: Text | None = None
    country: Annotated[str, Field(min_length=2, max_length=2)] | None = None
    cpo: Text | None = None
    current: Annotated[int, Field(ge=0, le=10_000)] | None = None
    display_id: Text | None = None
    distance: float | None = None
    emp: Text | None = None
    evseid: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    house_number: Annotated[str | int, Field()] | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    model: Text | None = None
    opening_hours: Text | None = None
    owner: Text | None = None
    payment_url: Annotated[str, Field(max_length=2000, pattern=r"^https?://\S+$")] | None = None
    plug_types: Annotated[list[Literal[
        "TYPE_1", "TYPE_1_ATCH", "TYPE_2", "TYPE_2_ATCH", "TYPE_3", "TYPE_3_ATCH", "CHADEMO",
        "CCS", "SCHUKO", "UNKNOWN"]], Field(max_length=4)] | None = None
    power: Annotated[float, Field(gt=0, le=1000)] | None = None
    reservable: bool | None = None
    serial_number: Text | None = None
    service_hotline: Annotated[str | int, Field()] | None = None
    status: Literal["FREE", "IN_USE", "UNAVAILABLE", "UNKNOWN", "FAULTED", "RESERVED",
                    "CLOSED"] | None = None
    street: Text | None = None
    timezone: Text | None = None
    voltage: Annotated[int, Field(gt=0, le=2000)] | None = None
    zip_code: Annotated[str | int, Field()] | None = None
    # What answers carry; accepted so that a point read can be sent back, then ignored.
    id: Any = None
    charging_point_id: Any = None
    creation_date: Any = None
    update_date: Any = None
    charging_provider: Any = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError("must be an IANA time zone such as Europe/Berlin") from None
        return value


def _hours(body: PointBody) -> str | None:
    if body.availability is not None:
        a = body.availability
        stored: dict[str, Any] = {"twentyfourseven": a.twentyfourseven}
        if not a.twentyfourseven:
            stored["regular"] = [{"weekday": h.weekday, "begin": h.period_begin,
                                  "end": h.period_end} for h in a.regular_hours]
        return json.dumps(stored, separators=(",", ":"))
    if body.opening_hours is not None and body.opening_hours.strip() in ("24/7", "24h"):
        return '{"twentyfourseven":true}'
    return None


def _plug(body: PointBody) -> str | None:
    if not body.plug_types:
        return None
    plugs = {words.PLUG_IN.get(v) for v in body.plug_types}
    if None in plugs:
        other = next(v for v in body.plug_types if v not in words.PLUG_IN)
        raise unprocessable("plug_types", f"{other} is not a plug this core records; use"
                            f" {', '.join(words.PLUG_IN)}")  # fmt: skip
    if len(plugs) > 1:
        raise unprocessable("plug_types", "a point has one plug: create one point per plug")
    return plugs.pop()


def domain_input(body: PointBody) -> tuple[StationInput, ConnectorInput]:
    country3 = None
    if body.country is not None:
        country3 = words.alpha3(body.country)
        if country3 is None:
            raise unprocessable("country", f"{body.country!r} is not an ISO 3166-1 alpha-2 code")
    address = " ".join(str(x) for x in (body.street, body.house_number) if x not in (None, ""))
    station = StationInput(
        uuid=body.charging_station_id, latitude=body.latitude, longitude=body.longitude,
        address=address or None, zip=str(body.zip_code) if body.zip_code is not None else None,
        city=body.city, country3=country3,
        country2=body.country.upper() if body.country else None, model=body.model,
        opening_hours=_hours(body))
    details = {k: v for k, v in (("serial_number", body.serial_number),
                                 ("voltage", body.voltage), ("current", body.current),
                                 ("payment_url", body.payment_url),
                                 ("timezone", body.timezone),
                                 ("service_hotline", str(body.service_hotline)
                                  if body.service_hotline is not None else None))
               if v is not None}
    connector = ConnectorInput(
        code=body.charge_point_id, evse_id=body.evseid, label=body.display_id,
        plug_type=_plug(body), current_type=body.charging_type, max_power_kw=body.power,
        reservable=body.reservable,
        auth_types=tuple(dict.fromkeys(body.authentication_types))
        if body.authentication_types is not None else None,
        details=details,
        groups=tuple((g.id, g.name) for g in body.charging_group)
        if body.charging_group is not None else None)
    return station, connector
