"""A GP JOULE partner of its own in a core's database, with one contact and its cards:
mutations and isolation checks run on it, so the demo partner's data stays as seeded."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass
from pathlib import Path

from services.core.services.partners import create_credential
from services.core.store import partners as partner_store
from services.core.store.db import connect, transaction, utcnow


@dataclass(frozen=True)
class PartnerWorld:
    key: str
    contact: str  # the contact's id (user uuid)
    email: str
    tags: dict[str, str]  # label -> tag id


def add_partner(db: Path, name: str, *, cards: dict[str, str]) -> PartnerWorld:
    """A partner ``name`` with a fresh key and one contact holding ``cards`` (label -> tag,
    all active)."""
    key = f"gpjoule-{name}-{uuidlib.uuid4().hex}"
    contact = str(uuidlib.uuid4())
    email = f"{name}-{contact[:8]}@example.com"
    conn = connect(db)
    try:
        new = create_credential(conn, "gpjoule", name, secret=key)
        ts = utcnow()
        with transaction(conn):
            cur = conn.execute(
                "INSERT INTO users(uuid, email, password_hash, first_name, last_name, city,"
                " created_at) VALUES (?, ?, 'not-a-login', 'Gia', 'Partner', 'Husum', ?)",
                (contact, email, ts))  # fmt: skip
            user_id = int(cur.lastrowid)
            for label, tag in cards.items():
                conn.execute(
                    "INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status,"
                    " created_at) VALUES (?, ?, ?, ?, ?, 'default', 'ACTIVE', ?)",
                    (str(uuidlib.uuid4()), user_id, tag, f"GPJ-{tag}", label, ts))  # fmt: skip
            partner_store.add_member(conn, new.partner.id, user_id)
    finally:
        conn.close()
    return PartnerWorld(key, contact, email, dict(cards))
