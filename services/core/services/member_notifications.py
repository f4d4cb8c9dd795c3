"""What a partner's notifications (webhooks) report, looked up for the dispatcher: sessions
of its members, connectors of its operator's network, reservations of its members. Each
function answers None when the partner may not see the thing."""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.domain import reservations
from services.core.domain.reservations import Reservation
from services.core.services.member_sessions import session_of_partner
from services.core.store import member_records
from services.core.store import partners as partner_store

__all__ = ["connector", "reservation", "session_of_partner"]


def connector(conn: sqlite3.Connection, operator_id: int | None, connector_id: int
              ) -> dict[str, Any] | None:  # fmt: skip
    found = member_records.connector_place(conn, connector_id)
    if found is None or operator_id is None or found["operator_id"] != operator_id:
        return None
    return found


def reservation(conn: sqlite3.Connection, partner_id: int, reservation_id: int
                ) -> Reservation | None:  # fmt: skip
    found = reservations.get(conn, reservation_id)
    if found is None or partner_store.membership(conn, partner_id, found.user_id) is None:
        return None
    return found
