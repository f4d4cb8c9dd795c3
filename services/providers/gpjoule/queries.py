"""GraphQL documents for GP JOULE CONNECT, written from the published document
(/work/shared/seeds/gpjoule-connect-graphql.txt): the operations and variables exactly as its
examples give them, with the fragments it uses but never defines (``ConnectorFragment``,
``LocationFragment``, ``ChargepointFragment``, ``SessionConnectorFragment``) expanded to the
fields their types list.
"""

from __future__ import annotations

LOCATION = "street postalCode city country latitude longitude"
CONNECTOR = """
  id evse name
  status { status updatedAt }
  type { currentType description maxPower name }
"""
CHARGEPOINT = f"""
  id name publicName createdAt updatedAt
  connectorsFree connectorsOccupied connectorsTotal connectorsUnavailable
  connectors {{ {CONNECTOR} }}
  location {{ {LOCATION} }}
"""
CARD = "active billingContact cardType contact name rate tagId validFrom"
SESSION = """
  id cardId costs costsNet currency duration endTime meterEnd meterStart meterTotal
  startTime status tariff taxAmount
  connector { connectorId connectorType evse }
"""
CONTACT = f"""
  id birthdate customerNumber email fax gender givenName isCompany name phone
  location {{ {LOCATION} }}
"""

GET_CHARGEPOINTS = f"""
query getChargepoints($offset: Int, $limit: Int) {{
  getChargepoints(offset: $offset, limit: $limit) {{
    chargepoints {{ {CHARGEPOINT} }}
    count
  }}
}}
"""

GET_CHARGEPOINT = f"""
query getChargepoint($id: ID, $evse: String) {{
  getChargepoint(id: $id, evse: $evse) {{ {CHARGEPOINT} }}
}}
"""

GET_CONTACTS = f"""
query getContacts($offset: Int, $limit: Int) {{
  getContacts(offset: $offset, limit: $limit) {{ {CONTACT} }}
}}
"""

GET_CONTACT = f"""
query getContact($id: ID!) {{
  getContact(id: $id) {{ {CONTACT} }}
}}
"""

GET_CARD = f"""
query getCard($tagId: String!) {{
  getCard(tagId: $tagId) {{ {CARD} }}
}}
"""

GET_CARDS = f"""
query getCards($contactId: String!, $active: Boolean, $offset: Int, $limit: Int) {{
  getCards(contactId: $contactId, active: $active, offset: $offset, limit: $limit) {{ {CARD} }}
}}
"""

UPDATE_CARD = f"""
mutation updateCard($tagId: String!, $name: String, $active: Boolean) {{
  updateCard(tagId: $tagId, name: $name, active: $active) {{ {CARD} }}
}}
"""

GET_CHARGING_SESSION = f"""
query getChargingSession($id: ID!) {{
  getChargingSession(id: $id) {{ {SESSION} }}
}}
"""

GET_CHARGING_SESSIONS = f"""
query getChargingSessions(
  $contactId: String!, $tagId: String, $active: Boolean, $offset: Int, $limit: Int
) {{
  getChargingSessions(
    contactId: $contactId, tagId: $tagId, active: $active, offset: $offset, limit: $limit
  ) {{ {SESSION} }}
}}
"""

GET_PRICE = """
query getPrice($chargepoint: ID!, $tagId: String) {
  getPrice(chargepoint: $chargepoint, tagId: $tagId) { currency name price }
}
"""

REMOTE_START = """
mutation remoteStart($connectorId: String!, $tagId: String!) {
  remoteStart(connectorId: $connectorId, tagId: $tagId) { message session status }
}
"""

REMOTE_STOP = """
mutation remoteStop($session: ID!) {
  remoteStop(session: $session) { message session status }
}
"""
