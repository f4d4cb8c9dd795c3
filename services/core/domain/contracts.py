"""Contracts (SEPA direct debit, postpaid invoice), the bank account, and the mandant's
contract payment options.

Readings of the document:
- ``contractPaymentMethods`` lists the payment options the operator offers for contracts
  (configuration, ``CONTRACT_OPTIONS``). The ``id`` of ``creatingSepaContract`` /
  ``creatingPostpaidContract`` ("Id of a registered contract option") is one of their
  uuids: the SEPA option for SEPA contracts, the postpaid option for postpaid ones.
- Creating a contract subscribes the user to the rate ``rateId`` and issues a card on it,
  named by ``customerReference`` ("to name his card individually").
- A user holds at most one active contract per option; a second create is a CONFLICT.
  Update and delete take the option id (as documented) or the contract's own uuid (which
  the create message returns, because the response type has no id field).
- Deleting cancels the contract (status CANCELLED, kept for accounting) and deactivates
  its card: charging on a cancelled contract would have nobody to bill.
- ``bankAccount`` is the account of the newest active SEPA contract.
"""

from __future__ import annotations

import json
import sqlite3
import uuid as uuidlib
from typing import Any

from services.core.domain import cards
from services.core.domain.errors import BadInput, Conflict, NotFound
from services.core.domain.field_crypto import reveal, seal
from services.core.domain.validation import check_bic, check_iban, check_text
from services.core.store.db import transaction, utcnow

SEPA_OPTION = "7d3f2a10-5b7c-4e8a-9f01-5e9a0c1b2d01"
POSTPAID_OPTION = "7d3f2a10-5b7c-4e8a-9f01-5e9a0c1b2d02"
CREDIT_CARD_OPTION = "7d3f2a10-5b7c-4e8a-9f01-5e9a0c1b2d03"
_OPTIONS_SINCE = "2026-01-01T00:00:00.000Z"

# How a driver may pay: ``kind`` is the contract a payment option creates (None: paid
# directly per session, no contract).
CONTRACT_OPTIONS: list[dict[str, Any]] = [
    {"uuid": SEPA_OPTION, "application": "voltra", "payment_type": "SEPA",
     "name": "SEPA direct debit", "direct_payment_method": None,
     "card_create_mode": "CREATE_CARD", "emp": "VOL", "kind": "SEPA"},
    {"uuid": POSTPAID_OPTION, "application": "voltra", "payment_type": "POSTPAID",
     "name": "Monthly invoice (postpaid)", "direct_payment_method": None,
     "card_create_mode": "CREATE_CARD", "emp": "VOL", "kind": "POSTPAID"},
    {"uuid": CREDIT_CARD_OPTION, "application": "voltra", "payment_type": "CREDIT_CARD",
     "name": "Credit card", "direct_payment_method": "CREDIT_CARD",
     "card_create_mode": "CREATE_CARD", "emp": "VOL", "kind": None},
]


def contract_options(terms_url: str | None) -> list[dict[str, Any]]:
    """The payment options with the terms that apply and since when they are offered."""
    return [{**o, "terms_url": terms_url, "since": _OPTIONS_SINCE} for o in CONTRACT_OPTIONS]


def _check_option(option_id: str | None, kind: str, field: str) -> None:
    expected = SEPA_OPTION if kind == "SEPA" else POSTPAID_OPTION
    if not option_id:
        raise BadInput(field, "is required")
    if option_id != expected:
        raise BadInput(field, f"must be the {kind} contract option '{expected}'"
                              " (see contractPaymentMethods)")


def _find(conn: sqlite3.Connection, user_id: int, kind: str, ident: str | None, field: str
          ) -> sqlite3.Row:
    ident = (ident or "").strip()
    if not ident:
        raise BadInput(field, "is required")
    option = SEPA_OPTION if kind == "SEPA" else POSTPAID_OPTION
    if ident == option:
        row = conn.execute(
            "SELECT * FROM contracts WHERE user_id = ? AND kind = ? AND status = 'ACTIVE'"
            " ORDER BY created_at DESC, id DESC LIMIT 1", (user_id, kind)).fetchone()
    else:
        row = conn.execute(
            "SELECT * FROM contracts WHERE user_id = ? AND kind = ? AND uuid = ?"
            " AND status = 'ACTIVE'", (user_id, kind, ident)).fetchone()
    if row is None:
        raise NotFound(f"{field}: no active {kind} contract '{ident}'", field=field)
    return row


def _create(conn: sqlite3.Connection, user_id: int, kind: str, rate_id: str,
            reference: str | None, prefix: str, columns: dict[str, Any],
            extra: dict[str, Any]) -> tuple[sqlite3.Row, sqlite3.Row]:
    with transaction(conn):
        if conn.execute("SELECT 1 FROM contracts WHERE user_id = ? AND kind = ?"
                        " AND status = 'ACTIVE'", (user_id, kind)).fetchone():
            raise Conflict(f"{prefix}.id: an active {kind} contract exists; update or delete it",
                           field=f"{prefix}.id")
        rate = cards.find_rate_option(conn, rate_id, f"{prefix}.rate_id")
        label = reference or rate["name"]
        card = cards.create_card(conn, user_id, rate["uuid"], label, card_type="default",
                                 prefix=prefix)
        contract_uuid = str(uuidlib.uuid4())
        data = {"card": card["uuid"], "customer_reference": reference, **extra}
        conn.execute(
            "INSERT INTO contracts(uuid, user_id, kind, rate_option_id, iban, bic, account_holder,"
            " data, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?)",
            (contract_uuid, user_id, kind, rate["id"], seal(columns.get("iban")),
             columns.get("bic"), seal(columns.get("account_holder")), json.dumps(data),
             utcnow()),
        )
        row = conn.execute("SELECT * FROM contracts WHERE uuid = ?", (contract_uuid,)).fetchone()
        return row, card


def create_sepa(conn: sqlite3.Connection, user_id: int, data: dict[str, Any] | None
                ) -> tuple[sqlite3.Row, sqlite3.Row]:
    """A SEPA contract from ``data``: id (the SEPA option), rate_id, iban, bic, bank,
    debit_type, account_holder, use_parent, customer_reference."""
    p = "sepa_contract"
    if not data:
        raise BadInput(p, "is required")
    _check_option(data.get("id"), "SEPA", f"{p}.id")
    iban = check_iban(data.get("iban"), f"{p}.iban")
    bic = check_bic(data.get("bic"), f"{p}.bic")
    bank = check_text(data.get("bank"), f"{p}.bank", required=True, max_len=100)
    debit_type = check_text(data.get("debit_type"), f"{p}.debit_type", required=True,
                            max_len=40)
    holder = check_text(data.get("account_holder"), f"{p}.account_holder", required=True,
                        max_len=100)
    if data.get("use_parent") is None:
        raise BadInput(f"{p}.use_parent", "is required")
    reference = check_text(data.get("customer_reference"), f"{p}.customer_reference",
                           max_len=100)
    return _create(conn, user_id, "SEPA", data.get("rate_id"), reference, p,
                   {"iban": iban, "bic": bic, "account_holder": holder},
                   {"bank": bank, "debit_type": debit_type,
                    "use_parent": bool(data["use_parent"]), "option": SEPA_OPTION})


def update_sepa(conn: sqlite3.Connection, user_id: int, data: dict[str, Any] | None
                ) -> sqlite3.Row:
    p = "update_sepa_contract"
    if not data:
        raise BadInput(p, "is required")
    updates: dict[str, Any] = {}
    if data.get("iban") is not None:
        updates["iban"] = seal(check_iban(data["iban"], f"{p}.iban"))
    if data.get("bic") is not None:
        updates["bic"] = check_bic(data["bic"], f"{p}.bic")
    if data.get("account_holder") is not None:
        updates["account_holder"] = seal(check_text(
            data["account_holder"], f"{p}.account_holder", required=True, max_len=100))
    extra: dict[str, Any] = {}
    if data.get("bank") is not None:
        extra["bank"] = check_text(data["bank"], f"{p}.bank", required=True, max_len=100)
    if data.get("customer_reference") is not None:
        extra["customer_reference"] = check_text(data["customer_reference"],
                                                 f"{p}.customer_reference", max_len=100)
    with transaction(conn):
        row = _find(conn, user_id, "SEPA", data.get("id"), f"{p}.id")
        _apply(conn, row, updates, extra)
        return conn.execute("SELECT * FROM contracts WHERE id = ?", (row["id"],)).fetchone()


def _apply(conn: sqlite3.Connection, row: sqlite3.Row, updates: dict[str, Any],
           extra: dict[str, Any]) -> None:
    if extra:
        merged = {**json.loads(row["data"] or "{}"), **extra}
        updates["data"] = json.dumps(merged)
        if extra.get("customer_reference") and merged.get("card"):
            conn.execute(
                "UPDATE cards SET label = ?, customer_reference = ? WHERE uuid = ?"
                " AND user_id = ?",
                (extra["customer_reference"], extra["customer_reference"], merged["card"],
                 row["user_id"]),
            )
    if updates:
        sets = ", ".join(f"{k} = ?" for k in updates)
        conn.execute(f"UPDATE contracts SET {sets} WHERE id = ?", (*updates.values(), row["id"]))


def cancel(conn: sqlite3.Connection, user_id: int, kind: str, ident: str | None, field: str
           ) -> sqlite3.Row:
    with transaction(conn):
        row = _find(conn, user_id, kind, ident, field)
        conn.execute("UPDATE contracts SET status = 'CANCELLED' WHERE id = ?", (row["id"],))
        card_uuid = json.loads(row["data"] or "{}").get("card")
        if card_uuid:
            conn.execute("UPDATE cards SET status = 'INACTIVE' WHERE uuid = ? AND user_id = ?",
                         (card_uuid, user_id))
        return row


def create_postpaid(conn: sqlite3.Connection, user_id: int, data: dict[str, Any] | None
                    ) -> tuple[sqlite3.Row, sqlite3.Row]:
    p = "postpaid_contract"
    if not data:
        raise BadInput(p, "is required")
    _check_option(data.get("id"), "POSTPAID", f"{p}.id")
    reference = check_text(data.get("customer_reference"), f"{p}.customer_reference",
                           max_len=100)
    return _create(conn, user_id, "POSTPAID", data.get("rate_id"), reference, p, {},
                   {"option": POSTPAID_OPTION})


def update_postpaid(conn: sqlite3.Connection, user_id: int, data: dict[str, Any] | None
                    ) -> sqlite3.Row:
    p = "postpaid_contract"
    if not data:
        raise BadInput(p, "is required")
    reference = check_text(data.get("customer_reference"), f"{p}.customer_reference",
                           required=True, max_len=100)
    with transaction(conn):
        row = _find(conn, user_id, "POSTPAID", data.get("id"), f"{p}.id")
        _apply(conn, row, {}, {"customer_reference": reference})
        return conn.execute("SELECT * FROM contracts WHERE id = ?", (row["id"],)).fetchone()


def bank_account(conn: sqlite3.Connection, user_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT * FROM contracts WHERE user_id = ? AND kind = 'SEPA' AND status = 'ACTIVE'"
        " AND iban IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1", (user_id,)
    ).fetchone()
    if row is None:
        return None
    data = json.loads(row["data"] or "{}")
    return {"iban": reveal(row["iban"]), "bic": row["bic"], "bank": data.get("bank"),
            "account_holder": reveal(row["account_holder"])}
