"""GraphQL documents for the be.ENERGISED driver API, written from the published document
(/work/shared/seeds/beenergised-driver-graphql.txt).

The document's examples use fragments (``...CpFragment``) it never defines; here each fragment
is expanded to the fields the type lists, minus back-references (Connector.cp inside Cp,
Site.cps) that would make a selection recursive, and minus deprecated fields
(Cost.tax / Cost.taxAmount).
"""

from __future__ import annotations

PAGINATION = "isLastPage offset limit totalCount"

CONNECTOR_TYPE = (
    "id label standard chargingFacilityType plugType chargingModeType chargePointType "
    "maxPowerRating"
)
CONNECTOR_STATUS = "connectorId ocpp calculated simple"
CONNECTOR = f"""
  id label evseId sortOrder freeOfCharge
  connectorType {{ {CONNECTOR_TYPE} }}
  status {{ {CONNECTOR_STATUS} }}
"""
OPENING_TIMES = """
  description
  regularHours { weekday operatingHours { begin end } }
  exceptionalOpenings { begin end }
  exceptionalClosings { begin end }
"""
SITE = "id latitude longitude company scope label"
CP = f"""
  id label address city zip country longitude latitude
  connectors {{ {CONNECTOR} }}
  information {{ openingTimes {{ {OPENING_TIMES} }} payment additional marketingDisplay }}
  additionalFields {{ name value }}
  contact {{ phone email }}
  images {{ url }}
  status {{ ocpp calculated simple }}
  siteId
  site {{ {SITE} }}
  accessType isFavoured publicName
"""
# What a map marker and list entry show (name, place, site, status, plugs and power,
# price text, operator, favourite): a search page of 100 stations is about a third of the
# full fragment's size, and the core resolves less. The station screen loads the full CP.
CP_LIST = """
  id label address city zip country longitude latitude siteId accessType isFavoured publicName
  connectors {
    id label evseId sortOrder freeOfCharge
    connectorType { id standard plugType label chargePointType maxPowerRating }
    status { connectorId ocpp calculated simple }
  }
  information { payment }
  additionalFields { name value }
  status { simple }
  site { id company }
"""
# Chargelog.connector.cp: only what a history row needs, not the whole station.
CP_BRIEF = "id label publicName address city zip country latitude longitude"
RATE_OPTION = "id name description shortDescription"
CARD = f"id tagId number label expiryDate status type rate {{ {RATE_OPTION} }}"
COST = """
  costItems {
    netAmount grossAmount taxAmount taxRate description
  }
  total currency grossAmount
"""
CHARGELOG = f"""
  id status authId authType dateStart dateEnd meterStart meterEnd
  energyConsumption co2Saving sessionId rateName
  connector {{ {CONNECTOR} cp {{ {CP_BRIEF} }} }}
  cost {{ {COST} }}
"""
METER_SUMMARY = """
  sumEnergy updatedAt energyLastValue energyLastValueTime energyUpdatedAt
  energyFirstValue energyFirstValueTime stateOfChargeLastChanged currentPowerLastChanged
  currentPower currentStateOfCharge initialStateOfCharge
"""
ATTEMPT = "chargeLogId connectorId failureReason id isFailure lastSentAt status"
ADDRESS = "street zip city state country"
CONTACT = f"""
  id isCompany firstName name displayName vat phone mobile email language gender
  birthday companyId createdAt updatedAt termsAndConditionsAccepted
  address {{ {ADDRESS} }}
"""
ERROR_BODY = "code response { status statusText body { status message } }"

# ------------------------------------------------------------------ session

INIT_SESSION = """
mutation initSession($password: String!, $username: String!) {
  initSession(password: $password, username: $username) { refreshToken sessionToken }
}"""
INIT_ANONYMOUS_SESSION = """
mutation initAnonymousSession { initAnonymousSession { refreshToken sessionToken } }"""
RENEW_SESSION = "mutation renewSession { renewSession { refreshToken sessionToken } }"
INVALIDATE_SESSION = "mutation invalidateSession { invalidateSession { isInvalidated status } }"

# ------------------------------------------------------------------ account

CONTACT_QUERY = f"query contact {{ contact {{ {CONTACT} }} }}"
REGISTER_CONTACT = f"""
mutation registerContact(
  $contactProfile: RegisteringContactProfile,
  $additionalFields: [AdditionalRegistrationFieldInput]
) {{
  registerContact(contactProfile: $contactProfile, additionalFields: $additionalFields) {{
    profile {{ {CONTACT} }}
    additionalFields {{ name value description required type }}
    error {{ {ERROR_BODY} }}
  }}
}}"""
UPDATE_CONTACT = f"""
mutation updateContact($contactProfile: ContactProfile!) {{
  updateContact(contactProfile: $contactProfile) {{
    profile {{ {CONTACT} }}
    additionalFields {{ name value description required type }}
    error {{ {ERROR_BODY} }}
  }}
}}"""

# ------------------------------------------------------------------ stations

CPS_PAGED_LOCATION_BASED = f"""
query cpsPagedLocationBased(
  $orderedByDistance: String,
  $pagination: PaginationFilter,
  $location: LocationFilter,
  $filter: [ConnectorFilter],
  $ignoreMarketingConfiguration: Boolean,
  $freeOfCharge: Boolean,
  $tagId: String
) {{
  cpsPagedLocationBased(
    orderedByDistance: $orderedByDistance,
    pagination: $pagination,
    location: $location,
    filter: $filter,
    ignoreMarketingConfiguration: $ignoreMarketingConfiguration,
    freeOfCharge: $freeOfCharge,
    tagId: $tagId
  ) {{
    pagination {{ {PAGINATION} }}
    data {{ {CP_LIST} }}
  }}
}}"""
# One round trip for the detail screen: the station and whether it takes remote commands.
CP_DETAIL = f"""
query cpDetail($id: ID!, $uuid: String!) {{
  cp(id: $id) {{ {CP} }}
  cpCapabilities(id: $uuid) {{ hasRemoteCommands }}
}}"""
CP_OCCUPANCY_RATE = """
query cpOccupancyRate($cpId: String!, $day: OccupancyDays!) {
  cpOccupancyRate(cpId: $cpId, day: $day) { day hour occupancyRate }
}"""
FILTERS = "query filters { filters { slug label type options { slug label icon default } } }"
GET_FAVOURITE_CPS = f"query getFavouriteCps {{ getFavouriteCps {{ {CP} }} }}"
SET_FAVOURITE_CPS = """
mutation setFavouriteCps($ids: [String]!) { setFavouriteCps(ids: $ids) { id isFavoured } }"""
UNSET_FAVOURITE_CPS = """
mutation unsetFavouriteCps($ids: [String]!) { unsetFavouriteCps(ids: $ids) { id isFavoured } }"""

SUBSCRIBE_STATUS = f"""
subscription feedStatusUpdate($connectors: [ID]!) {{
  feedStatusUpdate(connectors: $connectors) {{ {CONNECTOR_STATUS} }}
}}"""

# ------------------------------------------------------------------ cards

CARDS_PAGED = f"""
query cardsPaged($pagination: PaginationFilter) {{
  cardsPaged(pagination: $pagination) {{
    pagination {{ {PAGINATION} }}
    data {{ {CARD} }}
  }}
}}"""
CARD_QUERY = f"query card($id: String!) {{ card(id: $id) {{ {CARD} }} }}"
CONTRACT_RATE_OPTIONS = f"query contractRateOptions {{ contractRateOptions {{ {RATE_OPTION} }} }}"
CREATE_AUTHENTICATION_MEDIA = """
mutation createAuthenticationMedia($authenticationMedia: authenticationMediaContract!) {
  createAuthenticationMedia(authenticationMedia: $authenticationMedia) {
    id rateId customerReference
  }
}"""
UPDATE_CARD = """
mutation updateCard($input: UpdateCardInput!) {
  updateCard(input: $input) { expiryDate id label message number status tagId type }
}"""

# ------------------------------------------------------------------ charging

ATTEMPT_REMOTE_START = f"""
mutation attemptRemoteStart($input: AttemptRemoteStartInput!) {{
  attemptRemoteStart(input: $input) {{ {ATTEMPT} }}
}}"""
REMOTE_START_ATTEMPT_STATUS = f"""
query remoteStartAttemptStatus($id: String!) {{
  remoteStartAttemptStatus(id: $id) {{ {ATTEMPT} }}
}}"""
REMOTE_STOP = """
mutation remoteStop($transaction: String) {
  remoteStop(transaction: $transaction) { status code title message }
}"""
CHARGELOG_QUERY = f"query chargelog($id: ID!) {{ chargelog(id: $id) {{ {CHARGELOG} }} }}"
# The live screen wants both in one round trip.
CHARGELOG_LIVE = f"""
query chargelogLive($id: ID!, $uuid: String!) {{
  chargelog(id: $id) {{ {CHARGELOG} }}
  chargelogMeterValuesSummary(uuid: $uuid) {{ {METER_SUMMARY} }}
}}"""
CHARGELOGS_PAGED = f"""
query chargelogsPaged(
  $pagination: PaginationFilter,
  $type: ChargeLogType,
  $filters: ChargelogFilter,
  $timeframe: TimeFrameFilter
) {{
  chargelogsPaged(pagination: $pagination, type: $type, filters: $filters, timeframe: $timeframe) {{
    pagination {{ {PAGINATION} }}
    data {{ {CHARGELOG} }}
  }}
}}"""
CHARGING_STATISTICS = """
query chargingStatistics($timeframe: TimeFrameFilter) {
  chargingStatistics(timeframe: $timeframe) { number energyConsumption co2Saving }
}"""

# ------------------------------------------------------------------ documents

ACCOUNT_DOCUMENTS_PAGED = f"""
query accountDocumentsPaged($pagination: PaginationFilter) {{
  accountDocumentsPaged(pagination: $pagination) {{
    pagination {{ {PAGINATION} }}
    data {{ id type title documentDate downloadLink }}
  }}
}}"""

AVAILABLE_CARDS_FOR_CHARGING_PROCESS = """
query availableCardsForChargingProcess($connectorId: String!) {
  availableCardsForChargingProcess(connectorId: $connectorId) {
    id tagId number label expiryDate type
    rate { shortDescription description }
  }
}"""

# ------------------------------------------------------------------ EVSE lookup, payments

CONNECTOR_BY_EVSE_ID = """
query connectorByEvseId($evseId: String!) {
  connectorByEvseId(evseId: $evseId) { id evseId cp { id } }
}"""
HAS_PAYMENT_MEDIUM = "query hasPaymentMedium { hasPaymentMedium }"
OPTILE_TRANSACTION = "link absoluteLink id"
REGISTER_PAYMENT_METHOD = f"""
mutation registerPaymentMethod($rateId: String!, $customerReference: String) {{
  registerPaymentMethod(rateId: $rateId, customerReference: $customerReference) {{
    {OPTILE_TRANSACTION}
  }}
}}"""
INIT_DIRECT_PAYMENT_CHARGING = f"""
mutation initDirectPaymentCharging($connectorId: String!, $rateId: String!) {{
  initDirectPaymentCharging(connectorId: $connectorId, rateId: $rateId) {{
    {OPTILE_TRANSACTION}
  }}
}}"""
DIRECT_PAYMENT_CHARGING_STATUS = """
query directPaymentChargingStatus($evseId: String!, $transactionId: String!) {
  directPaymentChargingStatus(evseId: $evseId, transactionId: $transactionId) {
    status message chargeLogId
  }
}"""
SITE_STATIONS = f"query site($id: String) {{ site(id: $id) {{ id label cps {{ {CP} }} }} }}"
