"""Webhooks of partners and their deliveries (migration 11)."""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.store.rows import dict_rows

_HOOK_COLS = "w.id, w.uuid, w.partner_id, w.url, w.events, w.secret, w.active, w.created_at"


def insert(conn: sqlite3.Connection, uuid: str, partner_id: int, url: str, events: str,
           sealed_secret: str, now: str) -> None:  # fmt: skip
    conn.execute("INSERT INTO webhooks(uuid, partner_id, url, events, secret, created_at)"
                 " VALUES (?,?,?,?,?,?)", (uuid, partner_id, url, events, sealed_secret, now))


def of_partner(conn: sqlite3.Connection, partner_id: int) -> list[dict[str, Any]]:
    return dict_rows(conn, f"SELECT {_HOOK_COLS} FROM webhooks w WHERE w.partner_id = ?"
                     " AND w.active = 1 ORDER BY w.id", [partner_id])


def one(conn: sqlite3.Connection, partner_id: int, uuid: str) -> dict[str, Any] | None:
    rows = dict_rows(conn, f"SELECT {_HOOK_COLS} FROM webhooks w WHERE w.partner_id = ?"
                     " AND w.uuid = ? AND w.active = 1", [partner_id, uuid])
    return rows[0] if rows else None


def by_id(conn: sqlite3.Connection, partner_id: int, webhook_id: int) -> dict[str, Any] | None:
    rows = dict_rows(conn, f"SELECT {_HOOK_COLS} FROM webhooks w WHERE w.partner_id = ?"
                     " AND w.id = ? AND w.active = 1", [partner_id, webhook_id])
    return rows[0] if rows else None


def change(conn: sqlite3.Connection, webhook_id: int, url: str, events: str) -> None:
    conn.execute("UPDATE webhooks SET url = ?, events = ? WHERE id = ?", (url, events, webhook_id))


def deactivate(conn: sqlite3.Connection, webhook_id: int) -> None:
    conn.execute("UPDATE webhooks SET active = 0 WHERE id = ?", (webhook_id,))
    conn.execute("UPDATE webhook_deliveries SET next_attempt_at = NULL, last_error ="
                 " COALESCE(last_error, 'webhook deleted') WHERE webhook_id = ?"
                 " AND delivered_at IS NULL", (webhook_id,))


def active(conn: sqlite3.Connection, api: str | None = None) -> list[dict[str, Any]]:
    """Active webhooks (of partners of ``api``, or all) with their partner's uuid,
    organisation and operator."""
    return dict_rows(conn, f"SELECT {_HOOK_COLS}, p.uuid AS partner_uuid, p.organisation,"
                     " p.operator_id FROM webhooks w JOIN partners p ON p.id = w.partner_id"
                     " WHERE w.active = 1 AND (? IS NULL OR p.api = ?) ORDER BY w.id",
                     [api, api])


def any_active(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM webhooks WHERE active = 1 LIMIT 1").fetchone() is not None


def enqueue(conn: sqlite3.Connection, webhook_id: int, uuid: str, event: str, dedupe_key: str,
            payload: str, now: str) -> bool:  # fmt: skip
    """A new delivery, due now; False when this happening was already queued."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO webhook_deliveries(uuid, webhook_id, event, dedupe_key, payload,"
        " next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?)",
        (uuid, webhook_id, event, dedupe_key, payload, now, now))
    return cur.rowcount > 0


_OF_API = "(? IS NULL OR w.partner_id IN (SELECT id FROM partners WHERE api = ?))"


def due(conn: sqlite3.Connection, now: str, limit: int, api: str | None = None
        ) -> list[dict[str, Any]]:  # fmt: skip
    """Deliveries due (to webhooks of partners of ``api``, or all), oldest first."""
    return dict_rows(
        conn, "SELECT d.id, d.uuid, d.webhook_id, d.event, d.payload, d.attempts, w.url, w.secret"
        " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
        " WHERE d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= ? AND w.active = 1"
        f" AND {_OF_API} ORDER BY d.next_attempt_at, d.id LIMIT ?", [now, api, api, limit])


def next_due(conn: sqlite3.Connection, api: str | None = None) -> str | None:
    row = conn.execute("SELECT MIN(d.next_attempt_at) FROM webhook_deliveries d"
                       " JOIN webhooks w ON w.id = d.webhook_id"
                       f" WHERE d.next_attempt_at IS NOT NULL AND {_OF_API}",
                       (api, api)).fetchone()
    return row[0] if row else None


def record(conn: sqlite3.Connection, delivery_id: int, *, delivered_at: str | None,
           next_attempt_at: str | None, error: str | None) -> None:
    conn.execute("UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = ?,"
                 " next_attempt_at = ?, last_error = ? WHERE id = ?",
                 (delivered_at, next_attempt_at, error, delivery_id))


def deliveries(conn: sqlite3.Connection, webhook_id: int, limit: int) -> list[dict[str, Any]]:
    return dict_rows(conn, "SELECT uuid, event, attempts, next_attempt_at, delivered_at,"
                     " last_error, created_at FROM webhook_deliveries WHERE webhook_id = ?"
                     " ORDER BY id DESC LIMIT ?", [webhook_id, limit])


def is_demo_database(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM partners WHERE demo = 1 LIMIT 1").fetchone() is not None


def connector_station(conn: sqlite3.Connection, connector_id: int) -> dict[str, Any] | None:
    rows = dict_rows(conn, "SELECT c.id, c.status_since, c.calculated_status, s.operator_id"
                     " FROM connectors c JOIN stations s ON s.id = c.station_id WHERE c.id = ?",
                     [connector_id])
    return rows[0] if rows else None


def session_states(conn: sqlite3.Connection, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    return dict_rows(conn, f"SELECT id, uuid, state FROM sessions WHERE id IN"
                     f" ({','.join('?' * len(ids))})", ids)
