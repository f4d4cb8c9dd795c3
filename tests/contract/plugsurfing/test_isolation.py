"""User isolation: a user token sees only that user's data, and only with the partner that
issued it; a partner finds only its own users, whatever identifier it names them by."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.core.services import partners
from services.core.store.db import connect
from tests.clients.plugsurfing import Oioi, user_ref
from tests.contract.plugsurfing.world import DRIVER, TEST1, fresh_uid, register, sign_in


@pytest.fixture(scope="module")
def oioi(core_url: str) -> Iterator[Oioi]:
    client = Oioi(core_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def other_oem(core_url: str, core_db: Path) -> Iterator[Oioi]:
    """A second OEM partner, created the way an operator would (its key, once)."""
    conn = connect(core_db)
    try:
        new = partners.create_credential(conn, "plugsurfing", "Isolation test OEM", role="oem")
    finally:
        conn.close()
    client = Oioi(core_url, key=new.secret)
    yield client
    client.close()


def test_a_token_acts_only_for_its_own_user(oioi: Oioi) -> None:
    alice, bob = register(oioi, "alice"), register(oioi, "bob")
    uid = fresh_uid()
    oioi.ok("user-add-rfid", {"user": bob.ref(), "rfid": uid})
    # Alice's token with Bob's name, EVCO ID or key: refused, nothing of Bob's shown.
    for ref in (user_ref(bob.email, alice.token),
                user_ref(bob.evco or "", alice.token, "evco-id"),
                user_ref(uid, alice.token, "rfid")):
        answer = oioi("user-get-charging-keys", {"user": ref})
        assert (answer.code, answer.status) == (145, 401), answer
        assert "charging-keys" not in str(answer.body)
        assert oioi("user-block-rfid", {"user": ref, "rfid": uid}).code == 145
    keys = oioi.ok("user-get-charging-keys", {"user": bob.ref()})["user"]["charging-keys"]
    assert keys[0]["status"] == "active"
    # Alice's own key list is hers alone.
    mine = oioi.ok("user-get-charging-keys", {"user": alice.ref()})["user"]["charging-keys"]
    assert mine == []


def test_another_partner_neither_uses_nor_finds_our_users(oioi: Oioi, other_oem: Oioi) -> None:
    test1 = sign_in(oioi, TEST1)
    # Our token is no token at the other partner ...
    answer = other_oem("user-get-details", {"user": test1.ref()})
    assert answer.code == 144, answer  # ... and test1 is not one of its users at all
    details = oioi.ok("user-get-details", {"user": test1.ref()})["user"]
    for ref in (user_ref(details["evco-id"], kind="evco-id"),
                user_ref("04523022AA4881", kind="rfid")):
        answer = other_oem("user-get-charging-keys", {"user": ref})
        assert (answer.code, answer.status) == (191, 404), answer
    assert other_oem("user-reset", {"identifier": TEST1[0]}).code == 144
    # Stations are public to every partner.
    assert other_oem("vehicle-get-all").code == 0


def test_signing_in_through_a_partner_makes_the_user_its_user(oioi: Oioi,
                                                              other_oem: Oioi) -> None:
    user = register(oioi, "both")
    token = other_oem.sign_in(user.email, user.password)
    assert token != user.token
    theirs = other_oem.ok("user-get-details", {"user": user_ref(user.email, token)})
    assert theirs["user"]["evco-id"] == user.evco
    # Each partner's token works with that partner only; logging out at one keeps the other.
    wrong = oioi("user-get-details", {"user": user_ref(user.email, token)})
    assert wrong.code == 145, wrong
    other_oem.ok("user-logout", {"user": user_ref(user.email, token)})
    assert other_oem("user-get-details", {"user": user_ref(user.email, token)}).code == 145
    assert oioi.ok("user-get-details", {"user": user.ref()})["user"]["evco-id"] == user.evco


def test_the_cpo_key_sees_no_users(oioi: Oioi, core_url: str) -> None:
    cpo = Oioi(core_url, key="oioi-demo-cpo-key")
    try:
        driver = sign_in(oioi, DRIVER)
        for kind in ("user-get-details", "user-get-recent-sessions", "session-start"):
            answer = cpo(kind, {"user": driver.ref(), "connector-id": "x"})
            assert (answer.code, answer.status) == (220, 403), answer
    finally:
        cpo.close()
