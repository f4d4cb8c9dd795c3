"""Account documents (invoices and other PDFs) and their download authorisation.

Download links: ``/documents/{uuid}.pdf`` is served by the core
(``services.core.api.hosted.documents``). A request is authorised EITHER by a short-lived signed
link (``?expires=<unix>&sig=<hex>``; HMAC-SHA256 over the document uuid, its owner's uuid
and the expiry, valid ``LINK_TTL_SECONDS`` = 15 minutes) OR by the owner's session token as
``Authorization: Bearer``. ``AccountDocument.downloadLink`` always carries a fresh signed
link, so a client can hand it to a browser or PDF viewer that cannot set headers; a leaked
link dies quickly and works for that one document only.

The signing key is 32 random bytes kept in the ``settings`` table (created on first use),
so links stay valid across restarts of the same database and are never logged.

Invoices cover the owner's finished sessions that started within the document's period
(``period_start`` inclusive, ``period_end`` exclusive); without a period, the calendar
month of ``document_date``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

from services.core.domain.errors import BadInput, NotFound
from services.core.store.db import from_iso, to_iso, transaction

DOC_TYPES = ("offer", "order", "invoice", "creditnote", "delivery", "purchase")
LINK_TTL_SECONDS = 15 * 60
_KEY_SETTING = "document_link_key"
# Rows of the settings table that are secrets: the public ``settings`` query never serves
# them (the key signs document and payment-page links; knowing it forges them).
PRIVATE_SETTINGS = frozenset({_KEY_SETTING})


def signing_key(conn: sqlite3.Connection) -> bytes:
    """The core's HMAC key for signed links (documents, payment pages)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (_KEY_SETTING,)).fetchone()
    if row is None:
        with transaction(conn):
            conn.execute(
                "INSERT OR IGNORE INTO settings(key, value) VALUES (?, ?)",
                (_KEY_SETTING, secrets.token_hex(32)),
            )
        row = conn.execute(
            "SELECT value FROM settings WHERE key = ?", (_KEY_SETTING,)
        ).fetchone()
    return bytes.fromhex(row["value"])


def link_signature(key: bytes, kind: str, *subject: object) -> str:
    """HMAC-SHA256 of a signed link's ``kind:subject...`` (the expiry last) with the link
    key; the kind keeps a link to one sort of thing from opening another."""
    msg = ":".join([kind, *map(str, subject)]).encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def link_expiry(now: float | None = None) -> int:
    """Unix seconds at which a link signed now stops opening."""
    return int((now if now is not None else time.time()) + LINK_TTL_SECONDS)


def signed_query(conn: sqlite3.Connection, doc_uuid: str, owner_uuid: str,
                 now: float | None = None) -> str:
    expires = link_expiry(now)
    sig = link_signature(signing_key(conn), "document", doc_uuid, owner_uuid, expires)
    return f"expires={expires}&sig={sig}"


def check_signature(conn: sqlite3.Connection, doc_uuid: str, expires: str | None,
                    sig: str | None, now: float | None = None) -> sqlite3.Row | None:
    """The document row when the signed link is valid and unexpired, else None."""
    if not expires or not sig or not expires.isdigit():
        return None
    if int(expires) < (now if now is not None else time.time()):
        return None
    row = conn.execute(
        "SELECT d.*, u.uuid AS owner_uuid FROM documents d JOIN users u ON u.id = d.user_id"
        " WHERE d.uuid = ? AND u.active = 1",
        (doc_uuid,),
    ).fetchone()
    if row is None:
        return None
    expected = link_signature(signing_key(conn), "document", doc_uuid, row["owner_uuid"],
                              int(expires))
    return row if hmac.compare_digest(expected, sig) else None


def list_documents(conn: sqlite3.Connection, user_id: int, limit: int, offset: int
                   ) -> tuple[list[sqlite3.Row], int]:
    total = conn.execute(
        "SELECT COUNT(*) FROM documents WHERE user_id = ?", (user_id,)
    ).fetchone()[0]
    rows = conn.execute(
        "SELECT * FROM documents WHERE user_id = ? ORDER BY document_date DESC, id DESC"
        " LIMIT ? OFFSET ?",
        (user_id, limit, offset),
    ).fetchall()
    return rows, int(total)


def get_document(conn: sqlite3.Connection, user_id: int, ident: str | None,
                 field: str = "id") -> sqlite3.Row:
    ident = (ident or "").strip()
    if not ident:
        raise BadInput(field, "is required")
    row = conn.execute(
        "SELECT * FROM documents WHERE uuid = ? AND user_id = ?", (ident, user_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"{field}: no document '{ident}'", field=field)
    return row


def invoice_period(doc: sqlite3.Row) -> tuple[str, str]:
    """[start, end) of the sessions an invoice bills (ISO texts)."""
    return _period(doc)


def _period(doc: sqlite3.Row) -> tuple[str, str]:
    if doc["period_start"] and doc["period_end"]:
        return doc["period_start"], doc["period_end"]
    day = from_iso(doc["document_date"])
    start = datetime(day.year, day.month, 1, tzinfo=UTC)
    end = datetime(day.year + (day.month == 12), day.month % 12 + 1, 1, tzinfo=UTC)
    return to_iso(start), to_iso(end)


_BILLED_SESSIONS = (
    "SELECT s.*, st.label AS station_label, st.address AS station_address,"
    " st.city AS station_city, k.evse_id FROM sessions s"
    " JOIN stations st ON st.id = s.station_id JOIN connectors k ON k.id = s.connector_id"
    " WHERE s.state = 'finished' AND {where} ORDER BY s.date_start, s.id")


def invoice_data(conn: sqlite3.Connection, doc: sqlite3.Row) -> dict[str, Any]:
    """Everything an invoice PDF shows: recipient, sessions with cost items, totals and
    the tax split per rate. Amounts are the stored (already rounded) session amounts."""
    start, end = _period(doc)
    sessions = conn.execute(
        _BILLED_SESSIONS.format(where="s.user_id = ? AND s.invoiced = 1"
                                " AND s.date_start >= ? AND s.date_start < ?"),
        (doc["user_id"], start, end),
    ).fetchall()
    return {"document": doc, "period": (start, end),
            **_billed(conn, doc["user_id"], sessions)}


def receipt_data(conn: sqlite3.Connection, session_id: int) -> dict[str, Any] | None:
    """What a receipt PDF shows: the one finished session it bills, in the shape of
    ``invoice_data`` (without document and period); None for no finished session."""
    sessions = conn.execute(_BILLED_SESSIONS.format(where="s.id = ?"), (session_id,)).fetchall()
    if not sessions:
        return None
    return _billed(conn, sessions[0]["user_id"], sessions)


def _billed(conn: sqlite3.Connection, user_id: int, sessions: list[sqlite3.Row]
            ) -> dict[str, Any]:
    user = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    lines = []
    tax_split: dict[float, dict[str, float]] = {}
    currency = None
    for s in sessions:
        items = conn.execute(
            "SELECT * FROM session_cost_items WHERE session_id = ? ORDER BY id", (s["id"],)
        ).fetchall()
        currency = currency or s["currency"]
        for i in items:
            split = tax_split.setdefault(float(i["tax_rate"]), {"net": 0.0, "tax": 0.0,
                                                                "gross": 0.0})
            split["net"] += i["net_amount"]
            split["tax"] += i["tax_amount"]
            split["gross"] += i["gross_amount"]
        lines.append({"session": s, "items": items})
    total = round(sum((s["cost_total"] or 0.0) for s in sessions), 2)
    net = round(sum((s["cost_net"] or 0.0) for s in sessions), 2)
    tax = round(sum((s["cost_tax"] or 0.0) for s in sessions), 2)
    return {
        "user": user,
        "lines": lines,
        "energy_kwh": round(sum((s["energy_kwh"] or 0.0) for s in sessions), 3),
        "currency": currency or "EUR",
        "total": total,
        "net": net,
        "tax": tax,
        "tax_split": {rate: {k: round(v, 2) for k, v in vals.items()}
                      for rate, vals in sorted(tax_split.items())},
    }
