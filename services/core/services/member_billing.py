"""What a partner's members were billed (AMPECO invoices, receipts, transactions, CDRs).

- Invoices are the members' invoice documents, each with what ``documents.invoice_data``
  sums up (sessions, energy, net, tax, total) and a signed link to its PDF.
- Every finished session of a member that cost something is billed by itself too: its
  receipt, its payment transaction and its charge detail record all describe that session,
  so they share its number; the transaction names the invoice that lists it, if any.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.domain import documents
from services.core.domain.errors import NotFound
from services.core.domain.partners import Principal
from services.core.services import accounts as account_service
from services.core.services.member_sessions import session_of_partner, sessions_page
from services.core.store import member_records
from services.core.store.member_records import Slice

BILLED = ("finished",)


def _summary(conn: sqlite3.Connection, doc: dict[str, Any], base: str) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM documents WHERE id = ?", (doc["id"],)).fetchone()
    data = documents.invoice_data(conn, row)
    _, link = account_service.document(conn, int(doc["user_id"]), doc["uuid"], base)
    return {**doc, "sessions": len(data["lines"]), "energy_kwh": data["energy_kwh"],
            "currency": data["currency"], "total": data["total"], "net": data["net"],
            "tax": data["tax"], "tax_rates": list(data["tax_split"]), "period": data["period"],
            "link": link}


def invoices_page(conn: sqlite3.Connection, principal: Principal, part: Slice, base: str,
                  **filters: Any) -> tuple[list[dict[str, Any]], int | None]:  # fmt: skip
    rows, total = member_records.invoices(conn, principal.partner_id, part, **filters)
    return [_summary(conn, r, base) for r in rows], total


def invoice(conn: sqlite3.Connection, principal: Principal, document_id: int, base: str,
            field: str) -> dict[str, Any]:  # fmt: skip
    found = member_records.invoice(conn, principal.partner_id, document_id)
    if found is None:
        raise NotFound(f"{field}: no invoice {document_id}", field=field)
    return _summary(conn, found, base)


def invoice_scope(conn: sqlite3.Connection, principal: Principal, document_id: int
                  ) -> dict[str, Any] | None:  # fmt: skip
    """The sessions an invoice of a member bills, as session filters (``billed_page``)."""
    found = member_records.invoice(conn, principal.partner_id, document_id)
    if found is None:
        return None
    row = conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
    start, end = documents.invoice_period(row)
    return {"user_id": int(found["user_id"]), "started_after": start, "started_before": end}


def billed_page(conn: sqlite3.Connection, principal: Principal, part: Slice, **filters: Any
                ) -> tuple[list[dict[str, Any]], int | None]:  # fmt: skip
    """The members' finished sessions (``member_sessions``) with the invoice listing each."""
    rows, total = sessions_page(conn, principal, part, states=BILLED, **filters)
    return [_with_invoice(conn, r) for r in rows], total


def billed(conn: sqlite3.Connection, principal: Principal, session_id: int, field: str
           ) -> dict[str, Any]:  # fmt: skip
    found = session_of_partner(conn, principal.partner_id, session_id)
    if found is None or found["state"] not in BILLED:
        raise NotFound(f"{field}: no {field} {session_id}", field=field)
    return _with_invoice(conn, found)


def _with_invoice(conn: sqlite3.Connection, row: dict[str, Any]) -> dict[str, Any]:
    """The user's invoice whose period holds the session's start (the sessions it bills)."""
    invoice = None
    if row["date_start"] and row["invoiced"]:
        for doc in conn.execute("SELECT * FROM documents WHERE user_id = ? AND"
                                " doc_type = 'invoice' ORDER BY id", (row["user_id"],)):
            start, end = documents.invoice_period(doc)
            if start <= row["date_start"] < end:
                invoice = {"id": int(doc["id"]), "uuid": doc["uuid"]}
                break
    return {**row, "invoice": invoice}
