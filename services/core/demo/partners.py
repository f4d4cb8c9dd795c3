"""Demo partners of the partner APIs and their documented demo credentials.

DEMO ONLY: these secrets are published in the README, so anyone who can reach a core
serving a demo database can use them (the core warns when such a database is served on a
non-loopback interface). Real partners get random keys from ``voltra-core api-key create``.

Ids, names, secrets and memberships are fixed, so every demo database holds the same
partners; only the stored hashes differ (each database has its own pepper).
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from services.core.demo.people import DRIVER_EMAIL, USERS
from services.core.domain.partners import hash_secret
from services.core.services import partners as service
from services.core.store import partners as store
from services.core.store.db import to_iso, transaction

_NAMESPACE = uuid.UUID("5d1c2b7e-8f4a-4c3b-9a6e-0b7d9e2f4a11")
WIRELANE_ADMIN = "fleet@example.com"
DEMO_OPERATOR = "Voltra Charge"  # the demo catalogue's own operator (party id VOL)


@dataclass(frozen=True)
class DemoPartner:
    public_id: str  # the credential's id in ``voltra-core api-key list``
    api: str
    name: str
    secret: str
    role: str | None = None
    organisation: str | None = None
    client_id: str | None = None
    members: bool = True  # every demo user is visible to it

    @property
    def partner_uuid(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{self.api}:{self.name}"))


DEMO_PARTNERS = (
    DemoPartner("demo-gpjoule", "gpjoule", "GP JOULE demo partner", "gpjoule-demo-key"),
    DemoPartner("demo-wirelane", "wirelane", "Wirelane demo organisation", "voltra-demo-secret",
                organisation="DEMOTENANT", client_id="voltra-demo"),
    DemoPartner("demo-ampeco", "ampeco", "AMPECO demo operator", "ampeco-demo-token",
                organisation=DEMO_OPERATOR),
    DemoPartner("demo-oioi-oem", "plugsurfing", "Plugsurfing demo OEM", "oioi-demo-oem-key",
                role="oem"),
    DemoPartner("demo-oioi-cpo", "plugsurfing", "Plugsurfing demo CPO", "oioi-demo-cpo-key",
                role="cpo", organisation=DEMO_OPERATOR, members=False),
)  # fmt: skip


def seed_partners(conn: sqlite3.Connection, anchor: datetime) -> None:
    """Create the demo partners and credentials and make the demo users their members
    (``fleet@example.com`` administers DEMOTENANT). Part of the demo seed's transaction;
    everything is stamped with the demo's anchor day."""
    users = _demo_user_ids(conn)
    created = to_iso(anchor)
    with transaction(conn):
        for demo in DEMO_PARTNERS:
            new = service.create_credential(
                conn, demo.api, demo.name, role=demo.role, organisation=demo.organisation,
                demo=True, secret=demo.secret, client_id=demo.client_id, public_id=demo.public_id,
                partner_uuid=demo.partner_uuid, created_at=created,
            )
            if not demo.members:
                continue
            for email, user_id in users.items():
                admin = demo.api == "wirelane" and email == WIRELANE_ADMIN
                store.add_member(conn, new.partner.id, user_id, admin, created)


def ensure_demo_partners(conn: sqlite3.Connection) -> bool:
    """Add the demo partners to a demo database seeded before partners existed. A demo
    database is one holding the demo driver; returns whether anything was added."""
    if conn.execute("SELECT 1 FROM partners WHERE demo = 1 LIMIT 1").fetchone():
        return False
    if not conn.execute("SELECT 1 FROM users WHERE email = ?", (DRIVER_EMAIL,)).fetchone():
        return False
    seed_partners(conn, datetime.now(UTC))
    return True


def live_demo_partner_credentials(conn: sqlite3.Connection) -> list[str]:
    """The demo partner credentials that still work in this database, described. Checked
    against the store directly, so the check itself does not count as a use."""
    live, pepper = [], service.pepper(conn)
    for demo in DEMO_PARTNERS:
        digest = hash_secret(pepper, demo.secret)
        if demo.client_id:
            row = store.live_by_client_id(conn, demo.client_id)
            what = f"client {demo.client_id} / {demo.secret}"
        else:
            row = store.live_by_hash(conn, demo.api, digest)
            what = f"key {demo.secret}"
        if row is not None and row["secret_hash"] == digest:
            live.append(f"{demo.api} {what}")
    return live


def _demo_user_ids(conn: sqlite3.Connection) -> dict[str, int]:
    emails = [u.email for u in USERS]
    marks = ",".join("?" * len(emails))
    rows = conn.execute(f"SELECT email, id FROM users WHERE email IN ({marks}) ORDER BY id",
                        emails).fetchall()  # fmt: skip
    return {r["email"]: r["id"] for r in rows}
