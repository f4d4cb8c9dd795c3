"""be.ENERGISED wire models: the document's type and field names, nullability as documented.

Everything the document declares nullable is Optional here. Unknown extra fields are ignored
so a newer back end does not break older apps.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class W(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Pagination(W):
    isLastPage: bool | None = None
    offset: int | None = None
    limit: int | None = None
    totalCount: int | None = None


class ConnectorType(W):
    id: str
    label: str | None = None
    standard: str | None = None
    chargingFacilityType: str | None = None
    plugType: str | None = None
    chargingModeType: str | None = None
    chargePointType: str | None = None
    maxPowerRating: float | None = None


class ConnectorStatus(W):
    connectorId: str
    ocpp: str | None = None
    calculated: str | None = None
    simple: str | None = None  # SimpleConnectorStatus: Available|Occupied|Unavailable|Faulted


class CpBrief(W):
    id: str
    label: str | None = None
    publicName: str | None = None
    address: str | None = None
    city: str | None = None
    zip: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class Connector(W):
    id: str
    label: str | None = None
    evseId: str | None = None
    connectorType: ConnectorType | None = None
    status: ConnectorStatus | None = None
    cp: CpBrief | None = None
    sortOrder: str | None = None
    freeOfCharge: bool | None = None


class OperatingHours(W):
    begin: str | None = None  # documented as 'hh/mm/ss'
    end: str | None = None


class RegularHours(W):
    weekday: int | None = None  # 1 = Monday ... 7 = Sunday
    operatingHours: OperatingHours | None = None


class OperatingTime(W):
    begin: datetime | None = None
    end: datetime | None = None


class OpeningTimes(W):
    description: str | None = None
    regularHours: list[RegularHours | None] | None = None
    exceptionalOpenings: list[OperatingTime | None] | None = None
    exceptionalClosings: list[OperatingTime | None] | None = None


class CpInfo(W):
    openingTimes: OpeningTimes | None = None
    payment: str | None = None
    additional: str | None = None
    marketingDisplay: str | None = None


class CpImage(W):
    url: str | None = None


class CpStatus(W):
    ocpp: str | None = None
    calculated: str | None = None
    simple: str | None = None  # SimpleCpStatus: Available|Unavailable|Occupied


class Site(W):
    id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    company: str | None = None
    scope: str | None = None
    label: str | None = None


class AdditionalCpField(W):
    name: str | None = None
    value: str | None = None


class ContactInformation(W):
    phone: str | None = None
    email: str | None = None


class Cp(W):
    id: str
    label: str | None = None
    address: str | None = None
    city: str | None = None
    zip: str | None = None
    country: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    connectors: list[Connector | None] | None = None
    information: CpInfo | None = None
    additionalFields: list[AdditionalCpField | None] | None = None
    contact: ContactInformation | None = None
    images: list[CpImage | None] | None = None
    status: CpStatus | None = None
    siteId: str | None = None
    site: Site | None = None
    accessType: str | None = None  # AccessType: INTERNAL | ROAMING
    isFavoured: bool | None = None
    publicName: str | None = None


class CpsPaged(W):
    pagination: Pagination | None = None
    data: list[Cp | None] | None = None


class CpCapabilities(W):
    hasRemoteCommands: bool


class OccupancyRate(W):
    day: str
    hour: int
    occupancyRate: float


class CpFavouredStatus(W):
    id: str | None = None
    isFavoured: bool | None = None


class RateOption(W):
    id: str
    name: str | None = None
    description: str | None = None
    shortDescription: str | None = None


class Card(W):
    id: str
    tagId: str
    number: str
    label: str | None = None
    expiryDate: datetime | None = None
    status: str | None = None  # CardStatus: active | inactive
    type: str | None = None  # CardType
    rate: RateOption | None = None


class RateDescriptionForChargingProcess(W):
    shortDescription: str | None = None
    description: str | None = None


class CardForChargingProcess(W):
    id: str
    tagId: str
    number: str
    label: str | None = None
    expiryDate: datetime | None = None
    type: str | None = None
    rate: RateDescriptionForChargingProcess | None = None


class CardsPaged(W):
    pagination: Pagination | None = None
    data: list[Card | None] | None = None


class UpdateCardResponse(W):
    expiryDate: str | None = None
    id: str | None = None
    label: str | None = None
    message: str | None = None
    number: str | None = None
    status: str
    tagId: str | None = None
    type: str | None = None


class AuthenticationMediaResponse(W):
    id: str | None = None
    rateId: str | None = None
    customerReference: str | None = None


class CdrCostItem(W):
    netAmount: float | None = None
    grossAmount: float | None = None
    taxAmount: float | None = None
    taxRate: float | None = None
    description: str | None = None


class Cost(W):
    costItems: list[CdrCostItem | None] | None = None
    total: float | None = None
    currency: str | None = None
    grossAmount: float | None = None


class Chargelog(W):
    id: str
    status: str
    connector: Connector
    authId: str
    authType: str | None = None
    dateStart: datetime | None = None
    dateEnd: datetime | None = None
    meterStart: int | None = None
    meterEnd: int | None = None
    energyConsumption: float | None = None
    co2Saving: float | None = None
    cost: Cost | None = None
    sessionId: str | None = None
    rateName: str | None = None


class ChargelogsPaged(W):
    pagination: Pagination | None = None
    data: list[Chargelog | None] | None = None


class MeterValuesSummary(W):
    """The document's ``chargelogMeterValuesSummary`` type."""

    sumEnergy: float | None = None
    updatedAt: str | None = None
    energyLastValue: float | None = None
    energyLastValueTime: str | None = None
    energyUpdatedAt: str | None = None
    energyFirstValue: float | None = None
    energyFirstValueTime: str | None = None
    stateOfChargeLastChanged: str | None = None
    currentPowerLastChanged: str | None = None
    currentPower: int | None = None
    currentStateOfCharge: int | None = None
    initialStateOfCharge: int | None = None


class ChargingStatistics(W):
    number: int | None = None
    energyConsumption: float | None = None
    co2Saving: float | None = None


class AttemptRemoteStartResponse(W):
    chargeLogId: str | None = None
    connectorId: str
    failureReason: str | None = None
    id: str
    isFailure: bool
    lastSentAt: str | None = None
    status: str


class RemoteStopResponse(W):
    status: str | None = None
    code: int | None = None
    title: str | None = None
    message: str | None = None


class SessionAuthenticationResponse(W):
    refreshToken: str | None = None
    sessionToken: str | None = None


class SessionInvalidationResponse(W):
    isInvalidated: bool | None = None
    status: str | None = None


class Address(W):
    street: str | None = None
    zip: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None


class Contact(W):
    id: str | None = None
    isCompany: bool | None = None
    firstName: str | None = None
    name: str | None = None
    displayName: str | None = None
    address: Address | None = None
    vat: str | None = None
    phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    language: str | None = None
    gender: str | None = None
    termsAndConditionsAccepted: bool | None = None


class LoginErrorResponseStatus(W):
    status: str | None = None
    message: str | None = None


class LoginErrorResponse(W):
    status: int | None = None
    statusText: str | None = None
    body: LoginErrorResponseStatus | None = None


class ErrorBody(W):
    code: str | None = None
    response: LoginErrorResponse | None = None


class ContactResponse(W):
    profile: Contact | None = None
    error: ErrorBody | None = None


class AccountDocument(W):
    id: str | None = None
    type: str | None = None
    title: str | None = None
    documentDate: datetime | None = None
    downloadLink: str | None = None


class AccountDocumentsPaged(W):
    pagination: Pagination | None = None
    data: list[AccountDocument | None] | None = None


class FilterOption(W):
    slug: str | None = None
    label: str | None = None
    icon: str | None = None
    default: bool | None = None


class Filter(W):
    slug: str | None = None  # FilterType
    label: str | None = None
    type: str | None = None
    options: list[FilterOption | None] | None = None
