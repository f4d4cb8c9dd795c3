"""A partner's members' users and cards, a slice at a time: keyset forwards and backwards,
offset pages with their total, filters; never anything of another partner's members. And
the cards a partner manages: states refused at the charger, UIDs unique, deletion."""

from __future__ import annotations

import sqlite3

import pytest

from services.core.domain.charging import authorize_tag
from services.core.domain.errors import BadInput, Conflict, NotFound
from services.core.services import member_cards, partners
from services.core.store import member_records
from services.core.store.member_records import Slice
from tests.core.partners.partner_support import add_user

FIELDS = {"user": "userId", "tag": "idTagUid", "label": "idLabel", "state": "status",
          "reference": "externalId", "id": "idTag"}  # fmt: skip


@pytest.fixture
def two_partners(store_file: sqlite3.Connection) -> tuple[partners.Principal, ...]:
    found = []
    for name in ("first", "second"):
        new = partners.create_credential(store_file, "ampeco", name)
        principal = partners.authenticate(store_file, "ampeco", new.secret)
        assert principal is not None
        found.append(principal)
    for i in range(7):
        user = add_user(store_file, f"u{i}@example.com")
        partners.add_member(store_file, found[i % 2], user)
    return tuple(found)


def test_slices_cover_the_members_once(store_file, two_partners) -> None:
    first, _ = two_partners
    everyone, total = member_records.users(store_file, first.partner_id,
                                           Slice(limit=100, count=True))
    ids = [u["id"] for u in everyone]
    assert total == len(ids) == 4 and ids == sorted(ids)
    ahead, _ = member_records.users(store_file, first.partner_id, Slice(limit=2, after=ids[0]))
    assert [u["id"] for u in ahead] == ids[1:3]
    back, _ = member_records.users(store_file, first.partner_id, Slice(limit=2, before=ids[3]))
    assert [u["id"] for u in back] == [ids[2], ids[1]]
    page, total = member_records.users(store_file, first.partner_id,
                                       Slice(limit=2, offset=2, count=True))
    assert [u["id"] for u in page] == ids[2:] and total == 4
    one, _ = member_records.users(store_file, first.partner_id, Slice(limit=9),
                                  email="u2@example.com")
    assert [u["email"] for u in one] == ["u2@example.com"]


def test_cards_of_members_only(store_file, two_partners) -> None:
    first, second = two_partners
    theirs = member_records.users(store_file, second.partner_id, Slice(limit=9))[0][0]["id"]
    with pytest.raises(NotFound):
        member_cards.create(store_file, first, user_id=theirs, tag="AB12", label=None,
                            state="ACTIVE", expires=None, reference=None, fields=FIELDS)
    card = member_cards.create(store_file, second, user_id=theirs, tag="ab12", label="van",
                               state="ACTIVE", expires=None, reference="r1", fields=FIELDS)
    assert card["tag_id"] == "AB12"
    with pytest.raises(NotFound):
        member_cards.card(store_file, first, card["id"], "idTag")
    assert member_records.cards(store_file, first.partner_id, Slice(limit=9))[0] == []
    with pytest.raises(Conflict):
        member_cards.create(store_file, second, user_id=theirs, tag="AB12", label=None,
                            state="ACTIVE", expires=None, reference=None, fields=FIELDS)
    with pytest.raises(BadInput):
        member_cards.create(store_file, second, user_id=theirs, tag="A" * 21, label=None,
                            state="ACTIVE", expires=None, reference=None, fields=FIELDS)


@pytest.mark.parametrize(("state", "answer"), [("ACTIVE", "Accepted"),
                                               ("INACTIVE", "Blocked"),
                                               ("SUSPENDED", "Blocked")])
def test_card_states_at_the_charger(store_file, two_partners, state: str, answer: str) -> None:
    first, _ = two_partners
    user = member_records.users(store_file, first.partner_id, Slice(limit=1))[0][0]["id"]
    card = member_cards.create(store_file, first, user_id=user, tag="C0FFEE", label=None,
                               state="ACTIVE", expires=None, reference=None, fields=FIELDS)
    member_cards.update(store_file, first, card["id"], {"state": state}, FIELDS)
    assert authorize_tag(store_file, "C0FFEE") == answer
    member_cards.delete(store_file, first, card["id"], "idTag")
    assert authorize_tag(store_file, "C0FFEE") == "Invalid"
