"""Payment methods and the core's hosted payment page (a stand-in for a PSP such as
Optile/Payoneer, which the document's ``OptileTransaction`` names).

Flows:
- ``registerPaymentMethod(rateId, customerReference)``: a REGISTER transaction; on the page
  the driver enters a credit card; the core stores the payment method (network, last four
  digits, holder, expiry: never the full number or the CVC) and issues a card on the rate,
  named by ``customerReference``.
- ``paymentMethods.hostedSession``: a signed link to the same page without a rate: it only
  stores a payment method.
- ``initDirectPaymentCharging(connectorId, rateId, ratePackageId, cardId)``: a
  DIRECT_CHARGING transaction. The page asks for the package price, or a pre-authorisation
  of ``PREAUTH_AMOUNT`` when no package was chosen. Once paid, the core starts charging on
  the connector with the given card (or a new virtual card on the rate) through the OCPP
  central system; ``directPaymentChargingStatus`` then reports STARTED with the chargelog
  id, or FAILED with the reason.

Transaction statuses: OPEN -> PAID -> STARTED | FAILED (direct charging), OPEN ->
REGISTERED (register), OPEN -> EXPIRED after ``TX_TTL`` unpaid; the status query also
reports FINISHED once the started session ended, and FAILED if the charger refused it.

Page links are signed (HMAC with the core's link key, see ``documents.signing_key``) over
the transaction uuid and its owner, so only the link holder can open or pay it.

Demo card numbers: any Luhn-valid VISA / Mastercard / AMEX number with a future expiry is
accepted, except ``DECLINED_NUMBERS`` which the "PSP" declines (to exercise failures).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import sqlite3
import time
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from typing import Any

from services.core.domain import cards, offer_audiences, tariffs
from services.core.domain.documents import signing_key
from services.core.domain.errors import BadInput, NotFound
from services.core.store.db import from_iso, to_iso, transaction, utcnow

PREAUTH_AMOUNT = 30.0
TX_TTL = timedelta(minutes=30)
HOSTED_TTL_SECONDS = 30 * 60
DECLINED_NUMBERS = {"4000000000000002"}
NETWORK_LABELS = {"VISA": "Visa", "MASTERCARD": "Mastercard", "AMEX": "American Express"}


# ------------------------------------------------------------------ card numbers


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def network_of(number: str) -> str | None:
    if re.match(r"^4\d{12}(\d{3}){0,2}$", number):
        return "VISA"
    if re.match(r"^(5[1-5]\d{2}|222[1-9]|22[3-9]\d|2[3-6]\d{2}|27[01]\d|2720)\d{12}$", number):
        return "MASTERCARD"
    if re.match(r"^3[47]\d{13}$", number):
        return "AMEX"
    return None


def check_card_form(form: dict[str, str], now: datetime | None = None) -> dict[str, Any]:
    """Validate the page's card form; returns what may be stored (no PAN, no CVC)."""
    now = now or datetime.now(UTC)
    holder = (form.get("holder") or "").strip()
    if not holder:
        raise BadInput("holder", "is required")
    if len(holder) > 100:
        raise BadInput("holder", "must be at most 100 characters long")
    number = re.sub(r"[\s-]", "", form.get("number") or "")
    if not number.isdigit() or not 12 <= len(number) <= 19:
        raise BadInput("number", "must be 12 to 19 digits")
    network = network_of(number)
    if network is None:
        raise BadInput("number", "only Visa, Mastercard and American Express are accepted")
    if not luhn_ok(number):
        raise BadInput("number", "is not a valid card number (check digit)")
    try:
        month, year = int(form.get("expiry_month") or ""), int(form.get("expiry_year") or "")
    except ValueError:
        raise BadInput("expiry", "month and year must be numbers") from None
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        raise BadInput("expiry_month", "must be 1 to 12")
    if (year, month) < (now.year, now.month) or year > now.year + 20:
        raise BadInput("expiry_year", "the card has expired or the year is implausible")
    cvc = (form.get("cvc") or "").strip()
    if not cvc.isdigit() or len(cvc) != (4 if network == "AMEX" else 3):
        raise BadInput("cvc", f"must be {4 if network == 'AMEX' else 3} digits")
    return {"network": network, "last4": number[-4:], "holder": holder,
            "expiry_month": month, "expiry_year": year, "declined": number in DECLINED_NUMBERS}


# ------------------------------------------------------------------ signatures


def _sign(conn: sqlite3.Connection, purpose: str, ident: str, owner: str) -> str:
    msg = f"payment:{purpose}:{ident}:{owner}".encode()
    return hmac.new(signing_key(conn), msg, hashlib.sha256).hexdigest()


def tx_signature(conn: sqlite3.Connection, tx_uuid: str, owner_uuid: str) -> str:
    return _sign(conn, "tx", tx_uuid, owner_uuid)


def hosted_session_id(conn: sqlite3.Connection, user_uuid: str, now: float | None = None
                      ) -> str:
    expires = int((now if now is not None else time.time()) + HOSTED_TTL_SECONDS)
    return f"{user_uuid}.{expires}.{_sign(conn, 'hosted', str(expires), user_uuid)}"


def user_of_hosted_session(conn: sqlite3.Connection, session_id: str,
                           now: float | None = None) -> sqlite3.Row | None:
    parts = (session_id or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    user_uuid, expires, sig = parts
    if int(expires) < (now if now is not None else time.time()):
        return None
    if not hmac.compare_digest(_sign(conn, "hosted", expires, user_uuid), sig):
        return None
    return conn.execute("SELECT * FROM users WHERE uuid = ? AND active = 1", (user_uuid,)
                        ).fetchone()


# ------------------------------------------------------------------ payment methods


def method_rows(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM payment_methods WHERE user_id = ? AND status = 'ACTIVE'"
        " ORDER BY created_at DESC, id DESC", (user_id,)).fetchall()


def has_payment_medium(conn: sqlite3.Connection, user_id: int) -> bool:
    """An active payment method or an active SEPA mandate: both let the operator collect."""
    if conn.execute("SELECT 1 FROM payment_methods WHERE user_id = ? AND status = 'ACTIVE'",
                    (user_id,)).fetchone():
        return True
    return conn.execute("SELECT 1 FROM contracts WHERE user_id = ? AND kind = 'SEPA'"
                        " AND status = 'ACTIVE'", (user_id,)).fetchone() is not None


def _store_method(conn: sqlite3.Connection, user_id: int, card: dict[str, Any],
                  reference: str | None) -> int:
    label = f"{NETWORK_LABELS[card['network']]} **** {card['last4']}"
    cur = conn.execute(
        "INSERT INTO payment_methods(uuid, user_id, network, display_label, holder,"
        " expiry_month, expiry_year, customer_reference, status, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?)",
        (str(uuidlib.uuid4()), user_id, card["network"], label, card["holder"],
         card["expiry_month"], card["expiry_year"], reference, utcnow()),
    )
    return int(cur.lastrowid)


# ------------------------------------------------------------------ transactions


def create_register(conn: sqlite3.Connection, user_id: int, rate_id: str,
                    reference: str | None) -> sqlite3.Row:
    with transaction(conn):
        rate = cards.find_rate_option(conn, rate_id, "rate_id")
        return _insert_tx(conn, user_id, "REGISTER", rate_option_id=rate["id"],
                          customer_reference=(reference or "").strip()[:100] or None)


def create_direct(conn: sqlite3.Connection, user_id: int, connector_id: str, rate_id: str,
                  package_id: str | None, card_id: str | None, *, api: str = "beenergised",
                  partner_id: int | None = None) -> sqlite3.Row:
    """A DIRECT_CHARGING transaction opened through ``api`` (and its partner): once paid,
    the session is billed at that audience's offer, which must sell the connector."""
    try:
        cid = int(str(connector_id).strip())
        if not 0 < cid < 2**63:  # SQLite INTEGER range
            raise ValueError(connector_id)
    except ValueError:
        raise BadInput("connector_id", f"'{connector_id}' is not a connector id") from None
    with transaction(conn):
        connector = conn.execute(
            "SELECT k.id, k.station_id, t.currency FROM connectors k"
            " LEFT JOIN tariffs t ON t.id = k.tariff_id WHERE k.id = ?", (cid,)).fetchone()
        if connector is None or not offer_audiences.covers_station(
                offer_audiences.audience_offer(conn, api, partner_id), conn,
                connector["station_id"]):
            raise NotFound(f"connector_id: no connector '{connector_id}'", field="connector_id")
        rate = cards.find_rate_option(conn, rate_id, "rate_id")
        amount, package_row = PREAUTH_AMOUNT, None
        if package_id:
            package_row = conn.execute(
                "SELECT * FROM rate_packages WHERE uuid = ?", (package_id,)).fetchone()
            if package_row is None:
                raise NotFound(f"rate_package_id: no rate package '{package_id}'",
                               field="rate_package_id")
            if package_row["rate_option_id"] != rate["id"]:
                raise BadInput("rate_package_id", "does not belong to the rate rate_id")
            amount = float(package_row["amount"])
        card_row = None
        if card_id:
            card_row = cards.get_card(conn, user_id, card_id, field="card_id")
            if str(card_row["status"]).upper() != "ACTIVE":
                raise BadInput("card_id", "the card is deactivated")
        return _insert_tx(
            conn, user_id, "DIRECT_CHARGING", rate_option_id=rate["id"],
            rate_package_id=package_row["id"] if package_row else None, connector_id=cid,
            card_id=card_row["id"] if card_row else None, amount=amount,
            currency=connector["currency"] or "EUR", api=api, partner_id=partner_id)


def _insert_tx(conn: sqlite3.Connection, user_id: int, kind: str, **cols: Any) -> sqlite3.Row:
    now = utcnow()
    values = {"uuid": str(uuidlib.uuid4()), "user_id": user_id, "kind": kind,
              "status": "OPEN", "created_at": now, "updated_at": now, **cols}
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    conn.execute(f"INSERT INTO payment_transactions({names}) VALUES ({marks})",
                 tuple(values.values()))
    return conn.execute("SELECT * FROM payment_transactions WHERE uuid = ?",
                        (values["uuid"],)).fetchone()


def tx_for_page(conn: sqlite3.Connection, tx_uuid: str, sig: str | None) -> dict[str, Any] | None:
    """The transaction with what the page shows, if the signature fits; else None."""
    row = conn.execute(
        "SELECT t.*, u.uuid AS owner_uuid, r.name AS rate_name, p.name AS package_name,"
        " k.evse_id, s.label AS station_label FROM payment_transactions t"
        " JOIN users u ON u.id = t.user_id LEFT JOIN rate_options r ON r.id = t.rate_option_id"
        " LEFT JOIN rate_packages p ON p.id = t.rate_package_id"
        " LEFT JOIN connectors k ON k.id = t.connector_id"
        " LEFT JOIN stations s ON s.id = k.station_id WHERE t.uuid = ?", (tx_uuid,)).fetchone()
    if row is None or not sig or not hmac.compare_digest(
            tx_signature(conn, tx_uuid, row["owner_uuid"]), sig):
        return None
    tx = dict(row)
    if tx["status"] == "OPEN" and from_iso(tx["created_at"]) + TX_TTL < datetime.now(UTC):
        with transaction(conn):
            conn.execute("UPDATE payment_transactions SET status = 'EXPIRED', message = ?,"
                         " updated_at = ? WHERE id = ? AND status = 'OPEN'",
                         ("payment page expired", utcnow(), tx["id"]))
        tx["status"] = "EXPIRED"
    return tx


def pay(conn: sqlite3.Connection, tx: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    """Process the submitted card form for an OPEN transaction (one transaction)."""
    if tx["status"] != "OPEN":
        raise BadInput("transaction", f"is {tx['status']}, not open for payment")
    card = check_card_form(form)
    now = utcnow()
    with transaction(conn):
        current = conn.execute("SELECT status FROM payment_transactions WHERE id = ?",
                               (tx["id"],)).fetchone()
        if current["status"] != "OPEN":
            raise BadInput("transaction", f"is {current['status']}, not open for payment")
        if card["declined"]:
            conn.execute("UPDATE payment_transactions SET status = 'FAILED', message = ?,"
                         " updated_at = ? WHERE id = ?",
                         ("the card was declined by the payment provider", now, tx["id"]))
        else:
            method_id = _store_method(conn, tx["user_id"], card, tx["customer_reference"])
            status, message, card_id = "PAID", "payment received; starting the charger", \
                tx["card_id"]
            if tx["kind"] == "REGISTER":
                status, message = "REGISTERED", "payment method registered"
                if tx["rate_option_id"] is not None:
                    rate = conn.execute("SELECT uuid, name FROM rate_options WHERE id = ?",
                                        (tx["rate_option_id"],)).fetchone()
                    new = cards.create_card(conn, tx["user_id"], rate["uuid"],
                                            tx["customer_reference"] or rate["name"],
                                            prefix="register_payment_method",
                                            api=tx["api"], partner_id=tx["partner_id"])
                    card_id = new["id"]
                    message += f"; card {new['number']} issued"
            elif card_id is None:
                rate = conn.execute("SELECT uuid FROM rate_options WHERE id = ?",
                                    (tx["rate_option_id"],)).fetchone()
                card_id = cards.create_card(conn, tx["user_id"], rate["uuid"],
                                            "Direct payment", prefix="init_direct_payment_charging",
                                            api=tx["api"], partner_id=tx["partner_id"])["id"]
            conn.execute(
                "UPDATE payment_transactions SET status = ?, message = ?, payment_method_id = ?,"
                " card_id = ?, updated_at = ? WHERE id = ?",
                (status, message, method_id, card_id, now, tx["id"]))
    return dict(conn.execute("SELECT * FROM payment_transactions WHERE id = ?",
                             (tx["id"],)).fetchone())


def register_hosted(conn: sqlite3.Connection, user_id: int, form: dict[str, str]
                    ) -> dict[str, Any]:
    """The hosted session page: store a payment method, no rate, no card."""
    with transaction(conn):
        tx = dict(_insert_tx(conn, user_id, "REGISTER"))
        return pay(conn, tx, form)


def billed_tariff(conn: sqlite3.Connection, tx: dict[str, Any]) -> tariffs.Tariff | None:
    """The prices a direct payment's session is billed at: the connector's tariff as the API
    that opened the page sells it (None: the connector has no tariff)."""
    row = conn.execute("SELECT t.* FROM connectors k JOIN tariffs t ON t.id = k.tariff_id"
                       " WHERE k.id = ?", (tx["connector_id"],)).fetchone()  # fmt: skip
    if row is None:
        return None
    offer = offer_audiences.audience_offer(conn, tx["api"], tx["partner_id"])
    return offer.price(row) if offer is not None else tariffs.tariff_from(row)


def record_start(conn: sqlite3.Connection, tx_id: int, session_id: int | None,
                 failure: str | None) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE payment_transactions SET status = ?, message = ?, session_id = ?,"
            " updated_at = ? WHERE id = ?",
            ("FAILED" if failure else "STARTED",
             failure or "charging started", session_id, utcnow(), tx_id))


def direct_status(conn: sqlite3.Connection, user_id: int, evse_id: str, tx_uuid: str
                  ) -> dict[str, Any]:
    row = conn.execute(
        "SELECT t.*, k.evse_id, s.uuid AS session_uuid, s.state AS session_state,"
        " s.failure_reason FROM payment_transactions t"
        " LEFT JOIN connectors k ON k.id = t.connector_id"
        " LEFT JOIN sessions s ON s.id = t.session_id"
        " WHERE t.uuid = ? AND t.user_id = ? AND t.kind = 'DIRECT_CHARGING'",
        ((tx_uuid or "").strip(), user_id)).fetchone()
    if row is None:
        raise NotFound(f"transaction_id: no direct payment '{tx_uuid}'", field="transaction_id")
    if (row["evse_id"] or "").upper() != (evse_id or "").strip().upper():
        raise NotFound(f"evse_id: transaction '{tx_uuid}' is not for EVSE '{evse_id}'",
                       field="evse_id")
    status, message = row["status"], row["message"]
    if status == "OPEN":
        expired = from_iso(row["created_at"]) + TX_TTL < datetime.now(UTC)
        status = "EXPIRED" if expired else "OPEN"
        message = "payment page expired" if expired else "waiting for payment"
    elif status == "STARTED" and row["session_state"] == "failed":
        status, message = "FAILED", row["failure_reason"] or "the charger did not start"
    elif status == "STARTED" and row["session_state"] == "finished":
        status, message = "FINISHED", "charging finished"
    return {"status": status, "message": message, "session_uuid": row["session_uuid"]}


def expires_at(tx: dict[str, Any]) -> str:
    return to_iso(from_iso(tx["created_at"]) + TX_TTL)


def add_encrypted_card(conn: sqlite3.Connection, user_id: int, fingerprint: str) -> int:
    """A credit card that reached the core encrypted for the payment provider (client-side
    encryption): the core cannot read number, holder or expiry, so it keeps a method the
    provider charges by reference, labelled with a fingerprint of the encrypted data."""
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO payment_methods(uuid, user_id, network, display_label, status,"
            " created_at) VALUES (?, ?, 'CREDITCARD', ?, 'ACTIVE', ?)",
            (str(uuidlib.uuid4()), user_id, f"Credit card {fingerprint}", utcnow()),
        )
        return int(cur.lastrowid)
