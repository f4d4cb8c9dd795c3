"""A user's sessions and bills as the partner APIs show them: recent sessions with their
station's address, invoices of a period with the sessions they bill, the running session on
a connector, and whether the user can be billed for a new one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from services.core.domain import documents, history, payments
from services.core.services import accounts as account_service
from services.core.store import stations as station_store
from services.core.store import user_sessions
from services.core.store.db import from_iso

MAX_BILLS = 1000


def recent_sessions(conn: sqlite3.Connection, user_id: int, limit: int
                    ) -> list[dict[str, Any]]:  # fmt: skip
    """Newest first: ``history.session_dict`` plus ``requested_at``, ``station_id``,
    ``charging_end``, ``external_id`` (the id a partner reported it by) and the station's
    ``station`` row."""
    rows, _ = history.list_sessions(conn, user_id, limit=limit, offset=0)
    stations = {s["id"]: s for s in station_store.stations_by_ids(
        conn, list({r["station_id"] for r in rows}))}
    out = []
    for row in rows:
        s = history.session_dict(conn, row)
        s.update(requested_at=row["created_at"], station_id=row["station_id"],
                 charging_end=row["charging_end"], state=row["state"],
                 external_id=row["external_id"],
                 station=stations.get(row["station_id"]))  # fmt: skip
        out.append(s)
    return out


def bills(conn: sqlite3.Connection, user_id: int, start: datetime, end: datetime, base: str
          ) -> list[tuple[str, list[str]]]:  # fmt: skip
    """(signed PDF link, uuids of the sessions billed) of the user's invoices dated in
    [start, end)."""
    docs, _ = account_service.documents_page(conn, user_id, MAX_BILLS, 0, base)
    out = []
    for doc, link in docs:
        dated = from_iso(doc["document_date"])
        dated = dated if dated.tzinfo else dated.replace(tzinfo=UTC)
        if doc["doc_type"] != "invoice" or not start <= dated < end:
            continue
        lines = documents.invoice_data(conn, doc)["lines"]
        out.append((link, [line["session"]["uuid"] for line in lines]))
    return out


def running_session(conn: sqlite3.Connection, user_id: int, connector_id: int) -> str | None:
    return user_sessions.active_on_connector(conn, user_id, connector_id)


def billable(conn: sqlite3.Connection, user_id: int) -> bool:
    """A payment method, a SEPA mandate, or an active card on a rate (monthly invoice)."""
    return payments.has_payment_medium(conn, user_id) or user_sessions.has_rated_active_card(
        conn, user_id)
