"""Migration 17 on a store made before it: cards count as issued by the driver API, except
OIOI charging keys, which count as issued by their user's OIOI OEM partner; hosted payments
count as opened by the driver API."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.core.store import db as store_db
from services.core.store.db import connect, migrate, schema_version
from services.core.store.migrations import MIGRATIONS

TS = "2026-01-01T00:00:00.000Z"


def test_old_cards_and_payments_get_their_issuing_api(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    conn = connect(tmp_path / "old.sqlite3")
    try:
        with monkeypatch.context() as m:
            m.setattr(store_db, "MIGRATIONS", [x for x in MIGRATIONS if x[0] < 17])
            assert migrate(conn) == 16
        with conn:
            conn.execute("INSERT INTO users(id, uuid, email, password_hash, created_at)"
                         " VALUES (1, 'u1', 'key@example.com', 'x', ?), (2, 'u2',"
                         " 'app@example.com', 'x', ?)", (TS, TS))  # fmt: skip
            conn.execute("INSERT INTO partners(id, uuid, api, name, role, created_at) VALUES"
                         " (7, 'p7', 'plugsurfing', 'OEM', 'oem', ?),"
                         " (8, 'p8', 'plugsurfing', 'CPO', 'cpo', ?)", (TS, TS))  # fmt: skip
            conn.execute("INSERT INTO partner_members(partner_id, user_id, created_at)"
                         " VALUES (8, 1, ?), (7, 1, ?)", (TS, TS))  # fmt: skip
            conn.execute(
                "INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status,"
                " created_at) VALUES ('k', 1, 'AA01', 'VOL-1', 'Charging key', 'emsp', 'ACTIVE',"
                " ?), ('r', 2, 'AA02', 'DE-1', 'Roaming', 'emsp', 'ACTIVE', ?),"
                " ('d', 2, 'AA03', 'VOL-3', 'Card', 'default', 'ACTIVE', ?)", (TS, TS, TS))
            conn.execute("INSERT INTO payment_transactions(uuid, user_id, kind, status,"
                         " created_at, updated_at) VALUES ('t', 2, 'REGISTER', 'OPEN', ?, ?)",
                         (TS, TS))  # fmt: skip
        assert migrate(conn) == schema_version(conn) >= 17
        cards = {r["tag_id"]: (r["api"], r["partner_id"]) for r in
                 conn.execute("SELECT tag_id, api, partner_id FROM cards")}
        assert cards == {"AA01": ("plugsurfing", 7), "AA02": ("beenergised", None),
                         "AA03": ("beenergised", None)}
        [tx] = conn.execute("SELECT api, partner_id FROM payment_transactions").fetchall()
        assert (tx["api"], tx["partner_id"]) == ("beenergised", None)
    finally:
        conn.close()
