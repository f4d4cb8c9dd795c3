"""Stations a partner owns and describes itself (an organisation's own infrastructure):
what it may state about a station and a connector, and the rules for them.

A station created this way is a station like any other: searchable through every API, and
its charger connects over OCPP with the station's uuid as identity. Its status comes from
that charger, never from the description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from services.core.domain.errors import BadInput

PLUG_TYPES = ("TYPE2", "CCS", "CHADEMO", "SCHUKO")
CURRENT_TYPES = ("AC", "DC")
MAX_POWER_KW = 1000.0
# The station uuid is the OCPP identity, a path segment of the charger's URL.
STATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
EVSE_ID = re.compile(r"^[A-Za-z0-9*_-]{1,64}$")


@dataclass(frozen=True)
class StationInput:
    """Station fields a description states; None: not stated (unchanged, or a default)."""

    uuid: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    zip: str | None = None
    city: str | None = None
    country3: str | None = None  # ISO alpha-3, as stations store it
    country2: str | None = None  # the same country in alpha-2 (EVSE ids, operators)
    model: str | None = None
    opening_hours: str | None = None  # stored JSON form


@dataclass(frozen=True)
class ConnectorInput:
    code: str
    evse_id: str | None = None
    label: str | None = None
    plug_type: str | None = None
    current_type: str | None = None
    max_power_kw: float | None = None
    reservable: bool | None = None
    auth_types: tuple[str, ...] | None = None
    details: dict[str, object] = field(default_factory=dict)  # stated, None values dropped
    groups: tuple[tuple[str, str | None], ...] | None = None  # (id, name)


def check(station: StationInput, connector: ConnectorInput) -> None:
    """Field rules that need no data; each refusal names the wire-independent field."""
    if station.uuid is not None and not STATION_ID.match(station.uuid):
        raise BadInput("station_id", "1 to 64 letters, digits, '-' or '_', starting with a"
                       " letter or digit")  # fmt: skip
    if not CODE.match(connector.code):
        raise BadInput("code", "1 to 100 letters, digits, '-' or '_', starting with a letter"
                       " or digit")  # fmt: skip
    if connector.evse_id is not None and not EVSE_ID.match(connector.evse_id):
        raise BadInput("evse_id", "1 to 64 letters, digits, '*', '-' or '_'")
    if station.latitude is not None and not -90 <= station.latitude <= 90:
        raise BadInput("latitude", "must be between -90 and 90")
    if station.longitude is not None and not -180 <= station.longitude <= 180:
        raise BadInput("longitude", "must be between -180 and 180")
    if connector.max_power_kw is not None and not 0 < connector.max_power_kw <= MAX_POWER_KW:
        raise BadInput("power", f"must be above 0 and at most {MAX_POWER_KW:g} kW")
    if connector.plug_type is not None and connector.plug_type not in PLUG_TYPES:
        raise BadInput("plug_type", f"must be one of {', '.join(PLUG_TYPES)}")
    if connector.current_type is not None and connector.current_type not in CURRENT_TYPES:
        raise BadInput("current_type", "must be AC or DC")
    if connector.plug_type in ("CCS", "CHADEMO") and connector.current_type == "AC":
        raise BadInput("current_type", f"a {connector.plug_type} connector charges DC")
    if connector.plug_type in ("TYPE2", "SCHUKO") and connector.current_type == "DC":
        raise BadInput("current_type", f"a {connector.plug_type} connector charges AC")


def default_plug(current_type: str) -> str:
    return "CCS" if current_type == "DC" else "TYPE2"


def default_current_type(plug_type: str | None) -> str:
    return "DC" if plug_type in ("CCS", "CHADEMO") else "AC"


def evse_id(country2: str, party_id: str, station_id: int, sort_order: int) -> str:
    """An eMI3-style id for a connector created without one."""
    party = re.sub(r"[^A-Z0-9]", "", party_id.upper())[:10] or "X"
    return f"{country2.upper()}*{party}*E{station_id}*{sort_order}"


def operator_party_id(organisation: str) -> str:
    """The party id of the operator an organisation becomes when it creates stations."""
    return re.sub(r"[^A-Za-z0-9_-]", "", organisation)[:64] or "ORG"
