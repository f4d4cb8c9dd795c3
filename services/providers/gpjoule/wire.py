"""GP JOULE CONNECT wire models: the document's type and field names.

Chargepoints (and their connectors) have no model here: they are read from the decoded JSON
by the adapter, because a catalogue holds all of them (see adapter.station).

Every field the document leaves nullable is Optional here, and unknown fields are ignored so
a newer back end does not break older apps. Where the document names a type without
defining it, the reading is the minimum its examples imply:

- ``ConnectorStatus``: ``{ status: Status, updatedAt: DateTime }`` (the Authentication
  example selects ``status { status updatedAt }``);
- ``Status`` / ``SessionStatus``: enum values the document leaves blank, read as strings and
  understood through the shared OCPP/OCPI vocabulary (AVAILABLE, FAULTED, OCCUPIED,
  UNAVAILABLE, UNKNOWN; a session ongoing or stopped);
- ``Location``: an address and a position (see ``LOCATION`` in queries);
- ``PriceInfo``: ``{ currency, name, price }`` (the getPrice example);
- ``Date`` / ``Email``: strings (the examples show an ISO date-time under ``Date``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class W(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Location(W):
    street: str | None = None
    postalCode: str | None = None
    city: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class Card(W):
    active: bool | None = None
    billingContact: str | None = None
    cardType: int | None = None
    contact: str | None = None
    name: str | None = None
    rate: str | None = None
    tagId: str | None = None
    validFrom: str | None = None


class SessionConnector(W):
    connectorId: str | None = None
    connectorType: str | None = None
    evse: str | None = None


class Session(W):
    id: str | None = None
    cardId: str | None = None
    connector: SessionConnector | None = None
    costs: float | None = None
    costsNet: float | None = None
    currency: str | None = None
    duration: int | None = None  # seconds
    endTime: str | None = None
    meterEnd: int | None = None  # Wh
    meterStart: int | None = None  # Wh
    meterTotal: int | None = None  # Wh
    startTime: str | None = None
    status: str | None = None
    tariff: str | None = None
    taxAmount: float | None = None


class Contact(W):
    id: str
    birthdate: str | None = None
    customerNumber: str | None = None
    email: str | None = None
    fax: str | None = None
    gender: str | None = None
    givenName: str | None = None
    isCompany: bool | None = None
    location: Location | None = None
    name: str | None = None
    phone: str | None = None


class PriceInfo(W):
    currency: str | None = None
    name: str | None = None
    price: float | None = None


class RemoteResponse(W):
    """RemoteStartResponse; remoteStop's example answers with the same three fields."""

    message: str | None = None
    session: str | None = None
    status: str | None = None
