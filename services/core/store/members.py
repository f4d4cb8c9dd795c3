"""An organisation's members (``partner_members`` with their users): listed, filtered and
ordered; one by user uuid; their payment methods and their current contract."""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.store.rows import dict_rows

# A member's state: deactivated accounts have left, unverified ones are still joining.
STATE_SQL = ("CASE WHEN u.active = 0 THEN 'terminated' WHEN u.email_verified = 0 THEN 'pending'"
             " ELSE 'active' END")
STATES = ("pending", "active", "terminated")
_COLS = (f"u.id, u.uuid, u.email, u.first_name, u.last_name, u.language, u.country,"
         f" u.created_at, u.updated_at, m.admin, m.created_at AS member_since,"
         f" {STATE_SQL} AS state")
_FROM = "partner_members m JOIN users u ON u.id = m.user_id"
ORDERS = {"email": "u.email", "state": "state", "id": "u.id"}


def members(conn: sqlite3.Connection, partner_id: int, *, states: tuple[str, ...] = (),
            text: str | None = None, order: str = "id", descending: bool = False,
            offset: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    where, args = ["m.partner_id = ?"], [partner_id]
    if states:
        where.append(f"{STATE_SQL} IN ({', '.join('?' * len(states))})")
        args.extend(states)
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append("(u.email LIKE ? ESCAPE '\\' OR u.first_name LIKE ? ESCAPE '\\'"
                     " OR u.last_name LIKE ? ESCAPE '\\' OR u.uuid LIKE ? ESCAPE '\\')")
        args.extend([like] * 4)
    direction = "DESC" if descending else "ASC"
    sql = (f"SELECT {_COLS} FROM {_FROM} WHERE {' AND '.join(where)}"
           f" ORDER BY {ORDERS[order]} {direction}, u.id LIMIT ? OFFSET ?")
    return dict_rows(conn, sql, [*args, limit, offset])


def member(conn: sqlite3.Connection, partner_id: int, user_uuid: str) -> dict[str, Any] | None:
    rows = dict_rows(conn, f"SELECT {_COLS} FROM {_FROM} WHERE m.partner_id = ? AND u.uuid = ?",
                     [partner_id, user_uuid])
    return rows[0] if rows else None


def user_id_by_uuid(conn: sqlite3.Connection, user_uuid: str) -> int | None:
    row = conn.execute("SELECT id FROM users WHERE uuid = ?", (user_uuid,)).fetchone()
    return None if row is None else int(row[0])


def payment_methods(conn: sqlite3.Connection, user_id: int) -> list[dict[str, Any]]:
    return dict_rows(conn, "SELECT uuid, network, display_label, holder, expiry_month,"
                     " expiry_year, status, created_at FROM payment_methods WHERE user_id = ?"
                     " ORDER BY id", [user_id])


def current_contract(conn: sqlite3.Connection, user_id: int) -> dict[str, Any] | None:
    """The member's newest active contract with its rate option."""
    rows = dict_rows(conn, "SELECT c.uuid, c.kind, c.status, c.created_at, r.uuid AS rate_uuid,"
                     " r.name AS rate_name, r.monthly_fee FROM contracts c"
                     " LEFT JOIN rate_options r ON r.id = c.rate_option_id"
                     " WHERE c.user_id = ? AND c.status = 'ACTIVE' ORDER BY c.id DESC LIMIT 1",
                     [user_id])
    return rows[0] if rows else None


def user_id_by_email(conn: sqlite3.Connection, email: str) -> int | None:
    row = conn.execute("SELECT id FROM users WHERE email = ?", (email.strip(),)).fetchone()
    return None if row is None else int(row[0])
