"""Payments as the facades need them: payment links (signed paths to the core's hosted
payment page), the stored payment methods, the state of a direct-payment charge."""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.domain import payments
from services.core.store import users as user_store


def payment_path(conn: sqlite3.Connection, tx: sqlite3.Row) -> str:
    """The hosted page of a payment transaction, signed for its owner."""
    owner = user_store.user_uuid(conn, tx["user_id"])
    return f"/payments/{tx['uuid']}?sig={payments.tx_signature(conn, tx['uuid'], owner)}"


def register_method(conn: sqlite3.Connection, user_id: int, rate_id: str,
                    reference: str | None) -> tuple[str, str]:
    """(transaction uuid, page path) to register a payment method and get a card."""
    tx = payments.create_register(conn, user_id, rate_id, reference)
    return tx["uuid"], payment_path(conn, tx)


def direct_charging(conn: sqlite3.Connection, user_id: int, connector_id: str, rate_id: str,
                    package_id: str | None, card_id: str | None, *, api: str,
                    partner_id: int | None = None) -> tuple[str, str]:
    """(transaction uuid, page path) to pay for one charge through ``api`` (and its partner,
    if any); charging starts once paid, billed at that audience's offer."""
    tx = payments.create_direct(conn, user_id, connector_id, rate_id, package_id, card_id,
                                api=api, partner_id=partner_id)
    return tx["uuid"], payment_path(conn, tx)


def methods(conn: sqlite3.Connection, user_id: int) -> dict[str, Any]:
    """``session_id`` of the hosted page that adds a method, ``methods`` the stored ones."""
    session_id = payments.hosted_session_id(conn, user_store.user_uuid(conn, user_id))
    return {"session_id": session_id, "methods": payments.method_rows(conn, user_id)}
