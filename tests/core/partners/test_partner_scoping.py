"""What a partner may see: its own members only, with organisation admins marked."""

from __future__ import annotations

import sqlite3

import pytest

from services.core.services import partners
from tests.core.partners.partner_support import add_user


def test_partners_see_only_their_own_members(store_file: sqlite3.Connection):
    a = partners.create_credential(store_file, "gpjoule", "A")
    b = partners.create_credential(store_file, "gpjoule", "B")
    pa = partners.authenticate(store_file, "gpjoule", a.secret)
    pb = partners.authenticate(store_file, "gpjoule", b.secret)
    u1, u2, u3 = (add_user(store_file, f"u{i}@example.com") for i in (1, 2, 3))
    partners.add_member(store_file, pa, u1)
    partners.add_member(store_file, pa, u2)
    partners.add_member(store_file, pb, u3)
    assert partners.visible_user_ids(store_file, pa) == [u1, u2]
    assert partners.visible_user_ids(store_file, pb) == [u3]
    assert partners.can_see_user(store_file, pa, u1)
    assert not partners.can_see_user(store_file, pa, u3)
    assert not partners.can_see_user(store_file, pb, u1)
    assert not partners.can_see_user(store_file, pa, 999_999)
    partners.remove_member(store_file, pa, u2)
    assert partners.visible_user_ids(store_file, pa) == [u1]


def test_admin_flag_and_cascade(store_file: sqlite3.Connection):
    org = partners.create_credential(store_file, "wirelane", "Org", organisation="ORG")
    p = partners.verify_client(store_file, org.credential.client_id, org.secret)
    boss, member = add_user(store_file, "boss@example.com"), add_user(store_file, "m@example.com")
    partners.add_member(store_file, p, boss, admin=True)
    partners.add_member(store_file, p, member)
    assert partners.is_admin(store_file, p, boss)
    assert not partners.is_admin(store_file, p, member)
    assert not partners.is_admin(store_file, p, 424242)
    partners.add_member(store_file, p, member, admin=True)  # promote, not duplicate
    assert partners.is_admin(store_file, p, member)
    assert partners.visible_user_ids(store_file, p) == sorted([boss, member])
    # A deleted user leaves no membership behind (foreign key, ON DELETE CASCADE).
    store_file.execute("DELETE FROM users WHERE id = ?", (member,))
    assert partners.visible_user_ids(store_file, p) == [boss]


def test_membership_needs_a_real_user_and_partner(store_file: sqlite3.Connection):
    new = partners.create_credential(store_file, "ampeco", "Op")
    p = partners.authenticate(store_file, "ampeco", new.secret)
    with pytest.raises(sqlite3.IntegrityError):
        partners.add_member(store_file, p, 123456)
