"""The demo partners: present with their documented credentials, the demo users as members,
the same in every demo database, and only in demo databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from services.core.demo.credentials import live_demo_credentials
from services.core.demo.partners import DEMO_PARTNERS, ensure_demo_partners
from services.core.demo.people import USERS
from services.core.demo.plugsurfing_accounts import TEST_ACCOUNTS
from services.core.services import partners
from services.core.store.db import connect
from tests.core.partners.partner_support import make_demo_db

DEMO_EMAILS = sorted(u.email for u in USERS)


def _emails(conn: sqlite3.Connection, ids: list[int]) -> list[str]:
    marks = ",".join("?" * len(ids))
    return sorted(r[0] for r in conn.execute(f"SELECT email FROM users WHERE id IN ({marks})",
                                             ids))  # fmt: skip


def _user_id(conn: sqlite3.Connection, email: str) -> int:
    return conn.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0]


def test_documented_demo_credentials_work(demo_conn: sqlite3.Connection):
    gp = partners.authenticate(demo_conn, "gpjoule", "gpjoule-demo-key")
    ampeco = partners.authenticate(demo_conn, "ampeco", "ampeco-demo-token")
    oem = partners.authenticate(demo_conn, "plugsurfing", "oioi-demo-oem-key")
    cpo = partners.authenticate(demo_conn, "plugsurfing", "oioi-demo-cpo-key")
    wl = partners.verify_client(demo_conn, "voltra-demo", "voltra-demo-secret")
    assert gp and ampeco and oem and cpo and wl
    assert (oem.role, cpo.role) == ("oem", "cpo")
    assert wl.organisation == "DEMOTENANT" and wl.scopes == ("account",)
    voltra = demo_conn.execute("SELECT id FROM operators WHERE party_id = 'VOL'").fetchone()[0]
    assert ampeco.operator_id == voltra and cpo.operator_id == voltra
    assert partners.authenticate(demo_conn, "ampeco", "oioi-demo-oem-key") is None


def test_demo_users_are_members_and_fleet_administers_demotenant(demo_conn: sqlite3.Connection):
    gp = partners.authenticate(demo_conn, "gpjoule", "gpjoule-demo-key")
    ampeco = partners.authenticate(demo_conn, "ampeco", "ampeco-demo-token")
    wl = partners.verify_client(demo_conn, "voltra-demo", "voltra-demo-secret")
    for principal in (gp, ampeco, wl):
        assert _emails(demo_conn, partners.visible_user_ids(demo_conn, principal)) == DEMO_EMAILS
    fleet = _user_id(demo_conn, "fleet@example.com")
    driver = _user_id(demo_conn, "driver@example.com")
    assert partners.is_admin(demo_conn, wl, fleet)
    assert not partners.is_admin(demo_conn, wl, driver)
    assert not partners.is_admin(demo_conn, gp, fleet)
    cpo = partners.authenticate(demo_conn, "plugsurfing", "oioi-demo-cpo-key")
    assert partners.visible_user_ids(demo_conn, cpo) == []


def test_demo_partners_are_the_same_in_every_demo_database(demo_db: Path, tmp_path: Path):
    other = make_demo_db(tmp_path / "other.sqlite3")
    query = ("SELECT p.uuid, p.api, p.name, p.role, p.organisation, p.demo, p.created_at,"
             " c.public_id, c.kind, c.client_id, c.prefix, c.scopes, c.created_at, c.revoked_at"
             " FROM partners p JOIN partner_credentials c ON c.partner_id = p.id ORDER BY 1")
    members = ("SELECT p.uuid, u.email, m.admin FROM partner_members m"
               " JOIN partners p ON p.id = m.partner_id JOIN users u ON u.id = m.user_id"
               " ORDER BY 1, 2")
    seen = []
    for path in (demo_db, other):
        conn = connect(path)
        seen.append({
            "partners": [tuple(r) for r in conn.execute(query)],
            "members": [tuple(r) for r in conn.execute(members)],
            "hashes": {r[0] for r in conn.execute("SELECT secret_hash FROM partner_credentials")},
        })
        conn.close()
    a, b = seen
    assert a["partners"] == b["partners"] and len(a["partners"]) == len(DEMO_PARTNERS)
    assert a["members"] == b["members"]
    # the demo users in four partners, the document's test accounts in the OIOI OEM one
    assert len(a["members"]) == 4 * len(USERS) + len(TEST_ACCOUNTS)
    assert not a["hashes"] & b["hashes"]  # each database hashes with its own pepper


def test_backfill_only_in_demo_databases(demo_conn: sqlite3.Connection,
                                         store_file: sqlite3.Connection):
    # An empty (non-demo) store never gets the published credentials.
    assert not ensure_demo_partners(store_file)
    assert store_file.execute("SELECT COUNT(*) FROM partners").fetchone()[0] == 0
    # A demo database seeded before partners existed gets them once.
    assert not ensure_demo_partners(demo_conn)
    demo_conn.execute("DELETE FROM partners")
    assert ensure_demo_partners(demo_conn)
    assert not ensure_demo_partners(demo_conn)
    assert partners.authenticate(demo_conn, "ampeco", "ampeco-demo-token") is not None


def test_live_demo_credentials_follow_revocation(demo_conn: sqlite3.Connection):
    live = live_demo_credentials(demo_conn)
    assert "user driver@example.com / driver-demo" in live
    assert "ampeco key ampeco-demo-token" in live
    assert "wirelane client voltra-demo / voltra-demo-secret" in live
    assert len(live) == len(USERS) + len(TEST_ACCOUNTS) + len(DEMO_PARTNERS)
    # The check does not count as a use of the keys.
    assert all(c.last_used_at is None for c, _p in partners.list_credentials(demo_conn))
    partners.revoke_credential(demo_conn, "demo-ampeco")
    assert "ampeco key ampeco-demo-token" not in live_demo_credentials(demo_conn)


def test_partners_see_their_members_cards_and_sessions_only(demo_conn: sqlite3.Connection):
    ampeco = partners.authenticate(demo_conn, "ampeco", "ampeco-demo-token")
    cpo = partners.authenticate(demo_conn, "plugsurfing", "oioi-demo-cpo-key")
    driver = _user_id(demo_conn, "driver@example.com")
    card = demo_conn.execute("SELECT id FROM cards WHERE user_id = ?", (driver,)).fetchone()[0]
    own = demo_conn.execute("SELECT id FROM sessions WHERE user_id = ? LIMIT 1",
                            (driver,)).fetchone()[0]  # fmt: skip
    anonymous = demo_conn.execute("SELECT id FROM sessions WHERE user_id IS NULL LIMIT 1"
                                  ).fetchone()[0]  # fmt: skip
    assert partners.can_see_card(demo_conn, ampeco, card)
    assert partners.can_see_session(demo_conn, ampeco, own)
    assert not partners.can_see_session(demo_conn, ampeco, anonymous)
    assert not partners.can_see_card(demo_conn, cpo, card)
    assert not partners.can_see_session(demo_conn, cpo, own)
    assert not partners.can_see_card(demo_conn, ampeco, 10**9)
