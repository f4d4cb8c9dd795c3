"""What the account, cards, history and payment tests share: documented operations (copied
from the be.ENERGISED document, fragments expanded), users created through the API, and
store fixtures written straight into the running core's database (WAL)."""

from __future__ import annotations

import json
import sqlite3
import uuid as uuidlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from services.core.demo import chargers as demo_chargers
from services.core.domain import tariffs
from services.core.store.db import connect, to_iso, transaction, utcnow
from tests.clients.beenergised import Gql

PAGINATION = "pagination { isLastPage offset limit totalCount }"
ERROR_BODY = "error { code response { status statusText body { status message } } }"
CONTACT_FIELDS = """id isCompany firstName name displayName
  address { street zip city state country } vat phone mobile email language gender birthday
  companyId createdAt updatedAt termsAndConditionsAccepted"""
ADDITIONAL_FIELDS = "additionalFields { name value description required type }"
CARD_FIELDS = """id tagId number label expiryDate status type
  rate { uuid id name description shortDescription }"""
CONNECTOR_FIELDS = """id label evseId
  connectorType { id label standard chargingFacilityType plugType chargingModeType
                  chargePointType maxPowerRating }
  status { connectorId ocpp calculated simple }
  cp { id label city } sortOrder freeOfCharge"""
COST_FIELDS = """costItems { netAmount netAmountLocalCurrency grossAmount
  grossAmountLocalCurrency taxAmount taxAmountLocalCurrency taxRate description }
  total currency tax taxAmount grossAmount grossAmountLocalCurrency"""
CHARGELOG_FIELDS = f"""id status connector {{ {CONNECTOR_FIELDS} }} authId authType dateStart
  dateEnd meterStart meterEnd energyConsumption co2Saving cost {{ {COST_FIELDS} }} sessionId
  rateName calibrationDetails"""

REGISTER_CONTACT = f"""mutation registerContact(
  $contactProfile: RegisteringContactProfile,
  $additionalFields: [AdditionalRegistrationFieldInput]
) {{
  registerContact(
    contactProfile: $contactProfile,
    additionalFields: $additionalFields
  ) {{
    profile {{ {CONTACT_FIELDS} }}
    {ADDITIONAL_FIELDS}
    {ERROR_BODY}
  }}
}}"""

INIT_SESSION = """mutation initSession(
  $password: String!,
  $username: String!
) {
  initSession(
    password: $password,
    username: $username
  ) {
    refreshToken
    sessionToken
  }
}"""

CONTACT = f"query contact {{ contact {{ {CONTACT_FIELDS} }} }}"

CARDS_PAGED = f"""query cardsPaged($pagination: PaginationFilter) {{
  cardsPaged(pagination: $pagination) {{
    {PAGINATION}
    data {{ {CARD_FIELDS} }}
  }}
}}"""

CARD = f"""query card($id: String!) {{
  card(id: $id) {{ {CARD_FIELDS} }}
}}"""

CREATE_AUTH_MEDIA = """mutation createAuthenticationMedia($authenticationMedia: authenticationMediaContract!) {
  createAuthenticationMedia(authenticationMedia: $authenticationMedia) {
    id
    rateId
    customerReference
  }
}"""  # noqa: E501

CHARGELOGS_PAGED = f"""query chargelogsPaged(
  $pagination: PaginationFilter,
  $type: ChargeLogType,
  $filters: ChargelogFilter,
  $timeframe: TimeFrameFilter
) {{
  chargelogsPaged(
    pagination: $pagination,
    type: $type,
    filters: $filters,
    timeframe: $timeframe
  ) {{
    {PAGINATION}
    data {{ {CHARGELOG_FIELDS} }}
  }}
}}"""

CHARGELOG = f"""query chargelog($id: ID!) {{
  chargelog(id: $id) {{ {CHARGELOG_FIELDS} }}
}}"""


INIT_DIRECT = """mutation initDirectPaymentCharging(
  $connectorId: String!,
  $rateId: String!,
  $ratePackageId: String,
  $cardId: String
) {
  initDirectPaymentCharging(
    connectorId: $connectorId,
    rateId: $rateId,
    ratePackageId: $ratePackageId,
    cardId: $cardId
  ) {
    link
    absoluteLink
    id
  }
}"""
DIRECT_STATUS = """query directPaymentChargingStatus(
  $evseId: String!,
  $transactionId: String!
) {
  directPaymentChargingStatus(
    evseId: $evseId,
    transactionId: $transactionId
  ) {
    status
    message
    chargeLogId
  }
}"""


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuidlib.uuid4().hex[:10]}@example.com"


def register(gql: Gql, email: str, password: str = "secret-pw-1", **profile: Any
             ) -> dict[str, Any]:
    body = gql.data(REGISTER_CONTACT, {"contactProfile": {"email": email, "password": password,
                                                          **profile}})
    result = body["registerContact"]
    assert result["error"] is None, result["error"]
    return result["profile"]


def login(gql: Gql, email: str, password: str = "secret-pw-1") -> dict[str, str]:
    return gql.data(INIT_SESSION, {"username": email, "password": password})["initSession"]


def new_user(gql: Gql, prefix: str = "user") -> tuple[str, dict[str, Any]]:
    """Register a fresh user over the API and log in: (session token, contact)."""
    email = unique_email(prefix)
    contact = register(gql, email, firstName=prefix.title(), name="Tester")
    return login(gql, email)["sessionToken"], contact


def db(path: Path) -> sqlite3.Connection:
    return connect(path)


def user_id(conn: sqlite3.Connection, user_uuid: str) -> int:
    return conn.execute("SELECT id FROM users WHERE uuid = ?", (user_uuid,)).fetchone()[0]


def rate_option(conn: sqlite3.Connection) -> sqlite3.Row:
    """A contract rate option (seeded, or created here when the store has none)."""
    row = conn.execute("SELECT * FROM rate_options WHERE for_contracts = 1 ORDER BY id LIMIT 1"
                       ).fetchone()
    if row is not None:
        return row
    with transaction(conn):
        tid = conn.execute("INSERT INTO tariffs(name, per_kwh, start_fee) VALUES"
                           " ('Test flex', 0.49, 1.0)").lastrowid
        conn.execute("INSERT INTO rate_options(uuid, name, description, tariff_id) VALUES"
                     " (?, 'Test Flex', 'Test Flex. 0.49 EUR/kWh.', ?)",
                     (str(uuidlib.uuid4()), tid))
    return rate_option(conn)


def connector(conn: sqlite3.Connection, access_type: str = "INTERNAL") -> sqlite3.Row:
    """A connector with a paid tariff at a station of the given access type."""
    row = conn.execute(
        "SELECT k.*, s.uuid AS station_uuid FROM connectors k"
        " JOIN stations s ON s.id = k.station_id JOIN tariffs t ON t.id = k.tariff_id"
        " WHERE s.access_type = ? AND k.free_of_charge = 0 AND t.per_kwh > 0"
        " ORDER BY k.id LIMIT 1", (access_type,)).fetchone()
    if row is not None:
        return row
    with transaction(conn):
        op = conn.execute("INSERT INTO operators(name, party_id, country) VALUES"
                          " ('Test Op', 'TST', 'DE')").lastrowid
        tid = conn.execute("INSERT INTO tariffs(name, per_kwh, start_fee) VALUES"
                           " ('Test AC', 0.39, 0.5)").lastrowid
        site = conn.execute(
            "INSERT INTO sites(uuid, name, operator_id, country, latitude, longitude)"
            " VALUES (?, 'Test site', ?, 'DEU', 52.52, 13.405)", (str(uuidlib.uuid4()), op)
        ).lastrowid
        n = conn.execute("SELECT COUNT(*) FROM stations").fetchone()[0]
        st = conn.execute(
            "INSERT INTO stations(uuid, site_id, operator_id, label, city, country, latitude,"
            " longitude, access_type) VALUES (?, ?, ?, ?, 'Berlin', 'DEU', 52.52, 13.405, ?)",
            (str(uuidlib.uuid4()), site, op, f"Test station {n}", access_type)).lastrowid
        conn.execute(
            "INSERT INTO connectors(station_id, sort_order, evse_id, plug_type, current_type,"
            " max_power_kw, tariff_id) VALUES (?, 1, ?, 'TYPE2', 'AC', 22, ?)",
            (st, f"DE*TST*E{st}*1", tid))
        demo_chargers.provision(conn)
    return connector(conn, access_type)


def idle_connector(conn: sqlite3.Connection) -> sqlite3.Row:
    """A paid connector with no running session (the charging schema allows one active
    session per connector)."""
    row = conn.execute(
        "SELECT k.*, s.uuid AS station_uuid FROM connectors k"
        " JOIN stations s ON s.id = k.station_id JOIN tariffs t ON t.id = k.tariff_id"
        " WHERE k.free_of_charge = 0 AND t.per_kwh > 0 AND NOT EXISTS (SELECT 1 FROM sessions x"
        " WHERE x.connector_id = k.id AND x.state IN"
        " ('requested', 'accepted', 'charging', 'stopping'))"
        " ORDER BY k.id DESC LIMIT 1").fetchone()
    if row is not None:
        return row
    with transaction(conn):
        base = connector(conn)
        n = conn.execute("SELECT MAX(sort_order) FROM connectors WHERE station_id = ?",
                         (base["station_id"],)).fetchone()[0] + 1
        conn.execute(
            "INSERT INTO connectors(station_id, sort_order, evse_id, plug_type, current_type,"
            " max_power_kw, tariff_id) VALUES (?, ?, ?, 'TYPE2', 'AC', 22, ?)",
            (base["station_id"], n, f"{base['evse_id'].rsplit('*', 1)[0]}*{n}",
             base["tariff_id"]))
    return idle_connector(conn)


def add_session(conn: sqlite3.Connection, uid: int, con: sqlite3.Row, start: datetime,
                minutes: float = 60, kwh: float = 10.0, state: str = "finished",
                tag: str = "TESTTAG") -> tuple[int, str]:
    """A session as the charging domain leaves it: finished ones with cost rows computed
    by the real tariff code, running ones with meter values added separately."""
    tariff = conn.execute("SELECT * FROM tariffs WHERE id = ?", (con["tariff_id"],)).fetchone()
    snap = tariffs.snapshot(tariff)
    end = start + timedelta(minutes=minutes)
    session_uuid = str(uuidlib.uuid4())
    with transaction(conn):
        if state == "finished":
            cost = tariffs.session_cost(snap, energy_kwh=kwh, start=start, end=end)
            sid = conn.execute(
                "INSERT INTO sessions(uuid, user_id, connector_id, station_id, state, auth_id,"
                " auth_type, date_start, date_end, meter_start, meter_end, energy_kwh, co2_kg,"
                " tariff_snapshot, rate_name, currency, cost_total, cost_net, cost_tax,"
                " created_at) VALUES (?, ?, ?, ?, 'finished', ?, 'default', ?, ?, 1000, ?, ?,"
                " ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_uuid, uid, con["id"], con["station_id"], tag, to_iso(start),
                 to_iso(end), 1000 + int(kwh * 1000), kwh, tariffs.co2_saving_kg(kwh), snap,
                 tariff["name"], cost.currency, cost.total, cost.net, cost.tax, utcnow()),
            ).lastrowid
            for item in cost.items:
                row = item.as_row()
                conn.execute(
                    "INSERT INTO session_cost_items(session_id, description, net_amount,"
                    " tax_rate, tax_amount, gross_amount) VALUES (?, ?, ?, ?, ?, ?)",
                    (sid, row["description"], row["net_amount"], row["tax_rate"],
                     row["tax_amount"], row["gross_amount"]))
        else:
            sid = conn.execute(
                "INSERT INTO sessions(uuid, user_id, connector_id, station_id, state, auth_id,"
                " auth_type, date_start, meter_start, tariff_snapshot, rate_name, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 'default', ?, 5000, ?, ?, ?)",
                (session_uuid, uid, con["id"], con["station_id"], state, tag, to_iso(start),
                 snap, tariff["name"], utcnow()),
            ).lastrowid
    return int(sid), session_uuid


def add_meter_values(conn: sqlite3.Connection, session_id: int,
                     samples: list[tuple[datetime, int, float, float]]) -> None:
    with transaction(conn):
        conn.executemany(
            "INSERT INTO meter_values(session_id, ts, energy_wh, power_w, soc)"
            " VALUES (?, ?, ?, ?, ?)",
            [(session_id, to_iso(ts), wh, p, soc) for ts, wh, p, soc in samples])


def json_dump(value: Any) -> str:
    return json.dumps(value, indent=1, default=str)


def reactivation_token(db_path: Path, email: str) -> str:
    """The token of the newest reactivation mail the core wrote for ``email`` (its outbox is
    beside its database)."""
    from email import message_from_bytes, policy

    mails = sorted((db_path.parent / "outbox").glob("*.eml"), reverse=True)
    for path in mails:
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        if mail["To"] == email:
            body = mail.get_content()
            return next(line.strip() for line in body.splitlines()
                        if len(line.strip()) >= 40 and " " not in line.strip())
    raise AssertionError(f"no reactivation mail to {email} in the outbox")
