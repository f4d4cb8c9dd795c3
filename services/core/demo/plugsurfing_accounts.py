"""The OIOI document's own staging test accounts and UIDs ("Test Accounts"), so a client
written from the document can run its tests against a demo core unchanged. DEMO ONLY: the
passwords are published in the document and the README.

- test1@plugsurfing.com / test: has a payment method and the charging key 04523022AA4881
  (active);
- test2@plugsurfing.com / test: no payment method, no charging key;
- 0477BD22AA4880: inactive and belonging to no driver: it sits in the card stock (an
  inactive account holding keys issued but not yet given to anyone);
- 0477BD22AA4AAA does not exist.
Both users are users of the OIOI demo OEM partner.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from services.core.demo.partners import DEMO_PARTNERS
from services.core.domain.charging_keys import KEY_CARD_TYPE, STOCK_EMAIL
from services.core.domain.passwords import hash_password, verify_password
from services.core.store import partners as partner_store
from services.core.store.db import to_iso, transaction

_NAMESPACE = uuid.UUID("0f6c3a52-3b8e-4f1d-9c7e-5a2b8d4e6f10")
TERMS_EN = "c0a8e4b2-6d1f-4c1e-9b7a-2f1d3e4a5b60"  # migration 2's English terms
STOCK_UID = "0477BD22AA4880"
MISSING_UID = "0477BD22AA4AAA"


@dataclass(frozen=True)
class TestAccount:
    email: str
    password: str
    payment_method: bool
    key_uid: str | None


TEST_ACCOUNTS = (
    TestAccount("test1@plugsurfing.com", "test", True, "04523022AA4881"),
    TestAccount("test2@plugsurfing.com", "test", False, None),
)


def _uuid(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


def _user(conn: sqlite3.Connection, email: str, password: str, active: bool,
          created: str) -> int:  # fmt: skip
    cur = conn.execute(
        "INSERT INTO users(uuid, email, password_hash, language, email_verified, terms_accepted,"
        " active, created_at, updated_at) VALUES (?, ?, ?, 'en_US', 1, ?, ?, ?, ?)",
        (_uuid(email), email, hash_password(password), TERMS_EN, int(active), created, created),
    )
    return int(cur.lastrowid)


def _key(conn: sqlite3.Connection, user_id: int, tag: str, status: str, created: str,
         partner_id: int) -> None:  # fmt: skip
    conn.execute(
        "INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status, created_at,"
        " api, partner_id) VALUES (?, ?, ?, ?, 'Charging key', ?, ?, ?, 'plugsurfing', ?)",
        (_uuid(tag), user_id, tag, f"VOL-{tag[-6:]}", KEY_CARD_TYPE, status, created,
         partner_id),
    )


def seed_test_accounts(conn: sqlite3.Connection, anchor: datetime) -> None:
    """Part of the demo seed's transaction, after the demo partners."""
    created = to_iso(anchor)
    oem = next(p for p in DEMO_PARTNERS if p.api == "plugsurfing" and p.role == "oem")
    partner = partner_store.find_partner(conn, oem.api, oem.name)
    assert partner is not None, "seed the demo partners first"
    for account in TEST_ACCOUNTS:
        user_id = _user(conn, account.email, account.password, True, created)
        partner_store.add_member(conn, partner.id, user_id, False, created)
        if account.key_uid:
            _key(conn, user_id, account.key_uid, "ACTIVE", created, partner.id)
        if account.payment_method:
            conn.execute(
                "INSERT INTO payment_methods(uuid, user_id, network, display_label, holder,"
                " expiry_month, expiry_year, status, created_at)"
                " VALUES (?, ?, 'VISA', 'VISA **** 1111', 'Test One', 12, ?, 'ACTIVE', ?)",
                (_uuid(f"pm:{account.email}"), user_id, anchor.year + 3, created),
            )
    # The stock account cannot sign in: its password is random and it is inactive.
    stock = _user(conn, STOCK_EMAIL, uuid.uuid4().hex + "-x1", False, created)
    _key(conn, stock, STOCK_UID, "INACTIVE", created, partner.id)


def live_test_logins(conn: sqlite3.Connection) -> list[str]:
    """``user <email> / <password>`` for each test account whose published password works."""
    out = []
    for account in TEST_ACCOUNTS:
        row = conn.execute("SELECT password_hash FROM users WHERE email = ? AND active = 1",
                           (account.email,)).fetchone()  # fmt: skip
        if row is not None and verify_password(account.password, row[0]):
            out.append(f"user {account.email} / {account.password}")
    return out


def ensure_test_accounts(conn: sqlite3.Connection) -> bool:
    """Add the test accounts to a demo database seeded before they existed (a demo
    database holds the OIOI demo OEM partner); returns whether anything was added."""
    oem = next(p for p in DEMO_PARTNERS if p.api == "plugsurfing" and p.role == "oem")
    if partner_store.find_partner(conn, oem.api, oem.name) is None:
        return False
    if conn.execute("SELECT 1 FROM users WHERE email IN (?, ?)",
                    (TEST_ACCOUNTS[0].email, STOCK_EMAIL)).fetchone():  # fmt: skip
        return False
    with transaction(conn):
        seed_test_accounts(conn, datetime.now(UTC))
    return True
