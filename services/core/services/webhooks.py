"""Webhooks of partners: registering callback URLs (checked against
``domain.webhook_targets``), and the deliveries queued for them, each retried with
exponential back-off until delivered or given up.

Secrets sign deliveries, so they are kept (sealed with the data key, ``field_crypto``), and
shown to the partner only when the webhook is created.
"""

from __future__ import annotations

import secrets
import sqlite3
import uuid as uuids
from datetime import UTC, datetime, timedelta
from typing import Any

from services.core.domain import field_crypto, webhook_targets
from services.core.domain.errors import BadInput, NotFound
from services.core.domain.partners import Principal
from services.core.store import webhooks as store
from services.core.store.db import to_iso, transaction, utcnow

EVENTS = ("session.started", "session.ended", "point.status_changed")
MAX_WEBHOOKS = 20  # per partner


def register(conn: sqlite3.Connection, principal: Principal, url: str,
             events: tuple[str, ...], secret: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A new webhook; the answer holds its signing secret (the only time it is shown).
    ``secret``: the key deliveries are signed with where the API says which (AMPECO: the
    access token that subscribed); else a new random one."""
    webhook_targets.parse(url, demo=store.is_demo_database(conn))
    secret = secret or "whsec_" + secrets.token_urlsafe(32)
    hook_uuid = str(uuids.uuid4())
    with transaction(conn):
        if len(store.of_partner(conn, principal.partner_id)) >= MAX_WEBHOOKS:
            raise BadInput("url", f"at most {MAX_WEBHOOKS} webhooks per organisation")
        store.insert(conn, hook_uuid, principal.partner_id, url, " ".join(events),
                     field_crypto.seal(secret) or "", utcnow())
    row = store.one(conn, principal.partner_id, hook_uuid)
    assert row is not None
    return {**row, "secret": secret}


def webhooks(conn: sqlite3.Connection, principal: Principal) -> list[dict[str, Any]]:
    return store.of_partner(conn, principal.partner_id)


def webhook(conn: sqlite3.Connection, principal: Principal, hook_uuid: str
            ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A webhook with its latest deliveries."""
    row = store.one(conn, principal.partner_id, hook_uuid)
    if row is None:
        raise NotFound("webhookId: not found", field="webhookId")
    return row, store.deliveries(conn, row["id"], 50)


def webhook_by_id(conn: sqlite3.Connection, principal: Principal, webhook_id: int, field: str
                  ) -> dict[str, Any]:  # fmt: skip
    row = store.by_id(conn, principal.partner_id, webhook_id)
    if row is None:
        raise NotFound(f"{field}: not found", field=field)
    return row


def change(conn: sqlite3.Connection, principal: Principal, webhook_id: int, url: str,
           events: tuple[str, ...], field: str) -> dict[str, Any]:  # fmt: skip
    """Point a webhook at another URL and/or events; its secret stays."""
    webhook_targets.parse(url, demo=store.is_demo_database(conn))
    with transaction(conn):
        webhook_by_id(conn, principal, webhook_id, field)
        store.change(conn, webhook_id, url, " ".join(events))
    return webhook_by_id(conn, principal, webhook_id, field)


def delete_by_id(conn: sqlite3.Connection, principal: Principal, webhook_id: int, field: str
                 ) -> None:  # fmt: skip
    with transaction(conn):
        webhook_by_id(conn, principal, webhook_id, field)
        store.deactivate(conn, webhook_id)


def delete(conn: sqlite3.Connection, principal: Principal, hook_uuid: str) -> None:
    with transaction(conn):
        row = store.one(conn, principal.partner_id, hook_uuid)
        if row is None:
            raise NotFound("webhookId: not found", field="webhookId")
        store.deactivate(conn, row["id"])


# ------------------------------------------------------------------ deliveries

any_active = store.any_active
active_webhooks = store.active
connector_station = store.connector_station
session_states = store.session_states
next_due = store.next_due
is_demo_database = store.is_demo_database


def enqueue(conn: sqlite3.Connection, webhook_id: int, event: str, dedupe_key: str,
            payload: str) -> bool:  # fmt: skip
    with transaction(conn):
        return store.enqueue(conn, webhook_id, str(uuids.uuid4()), event, dedupe_key, payload,
                             utcnow())


def due(conn: sqlite3.Connection, limit: int = 20, api: str | None = None
        ) -> list[dict[str, Any]]:  # fmt: skip
    """Deliveries due now (to webhooks of ``api``'s partners, or all), with their URL and
    (revealed) secret."""
    rows = store.due(conn, utcnow(), limit, api)
    for row in rows:
        row["secret"] = field_crypto.reveal(row["secret"])
    return rows


def backoff_seconds(attempts: int, base: float) -> float:
    """Wait after the ``attempts``-th failed attempt: base, 2 x base, 4 x base, ..."""
    return base * 2 ** max(0, attempts - 1)


def record(conn: sqlite3.Connection, delivery: dict[str, Any], ok: bool, error: str | None,
           *, base_seconds: float, max_attempts: int) -> None:  # fmt: skip
    attempts = int(delivery["attempts"]) + 1
    now = datetime.now(UTC)
    retry = None
    if not ok and attempts < max_attempts:
        retry = to_iso(now + timedelta(seconds=backoff_seconds(attempts, base_seconds)))
    with transaction(conn):
        store.record(conn, delivery["id"], delivered_at=to_iso(now) if ok else None,
                     next_attempt_at=retry, error=None if ok else (error or "failed")[:500])
