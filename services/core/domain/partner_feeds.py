"""What partners push into the core (an OIOI CPO): stations with their connectors, charging
sessions that happened at those stations, and whitelists of RFID UIDs; as typed inputs
the facades fill from their wire formats.

Rules:
- A partner speaks through identifiers it chose (the OIOI "partner identifier"); the first
  partner to use an identifier owns it, and nobody else may use it. An identifier is 1 to
  200 characters.
- A pushed station is the partner's (by its own id): a second push updates it. Its
  connectors are fixed once it exists: the same connector ids (EVSE IDs) must come again,
  each of which must be unique in the whole core. A deleted station disappears from
  searches; a later push without ``deleted`` brings it back.
- Status updates and sessions apply only to connectors of the partner's own stations: the
  ones it pushed, and those of the operator it speaks for, if any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAX_IDENTIFIER = 200


@dataclass(frozen=True)
class PostedConnector:
    evse_id: str
    plug_type: str  # TYPE2 | CCS | CHADEMO | SCHUKO
    current_type: str  # AC | DC
    max_power_kw: float


@dataclass(frozen=True)
class PostedStation:
    external_id: str
    name: str
    latitude: float
    longitude: float
    street: str | None
    zip: str | None
    city: str | None
    country3: str  # ISO 3166-1 alpha-3, as stations keep it
    operator_country: str  # alpha-2 and party id of the operator (from its EVSE operator id)
    operator_party: str
    connectors: tuple[PostedConnector, ...]
    opening_hours: dict[str, Any]  # the stored form: twentyfourseven, regular
    free_of_charge: bool
    private: bool
    deleted: bool
    details: dict[str, Any] = field(default_factory=dict)  # description, notes, contact...


@dataclass(frozen=True)
class PostedSession:
    external_id: str
    user_id: int
    card_id: int | None
    auth_id: str  # the UID or EVCO ID the driver identified with
    evse_id: str
    start: datetime
    stop: datetime | None
    charging_end: datetime | None
    energy_kwh: float | None
    cost: float | None
    currency: str | None


class FeedError(Exception):
    """A push the rules refuse; ``field`` names the input, ``kind`` says why:
    identifier (owned by another partner), not_found (no such connector of the partner's),
    conflict (connectors of an existing station, an EVSE ID in use)."""

    def __init__(self, kind: str, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.kind = kind
        self.field = field
        self.message = f"{field}: {reason}"
