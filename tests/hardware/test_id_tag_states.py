"""Cards that may not charge are refused at the charger: Authorize and StartTransaction
answer Blocked for a card in any state but active (inactive, blocked, suspended, disabled)
or of a closed account, Invalid for a deleted or unknown one, Expired past its expiry date;
a simulated charger that started anyway (on a cached authorization) ends the transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from ocpp.v16 import call

from services.core.domain.reservations import parent_tag
from services.hardware.ev import Vehicle
from tests.core.charging.served import World, served
from tests.waits import eventually

SPEED = 60
CASES = {
    # tag: (card status, its holder's account active, expected idTagInfo.status)
    "C0C0C001": ("ACTIVE", True, "Accepted"),
    "C0C0C002": ("INACTIVE", True, "Blocked"),
    "C0C0C003": ("BLOCKED", True, "Blocked"),
    "C0C0C004": ("SUSPENDED", True, "Blocked"),
    "C0C0C005": ("DISABLED", True, "Blocked"),
    "C0C0C006": ("DELETED", True, "Invalid"),
    "C0C0C007": ("ACTIVE", False, "Blocked"),
}


@pytest.fixture(scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("tags") / "core.sqlite3"
    async with served(db, stations=2, speed=SPEED) as w:
        w.one("INSERT INTO users(id, uuid, email, password_hash, created_at, email_verified,"
              " active) VALUES (3, 'user-3', 'gone@example.com', 'x', '2026-01-01', 1, 0)")
        for tag, (status, active, _expected) in CASES.items():
            w.one("INSERT INTO cards(uuid, user_id, tag_id, number, label, card_type, status,"
                  " created_at) VALUES (?, ?, ?, ?, 'test', 'default', ?, '2026-01-01')",
                  f"card-{tag}", 1 if active else 3, tag, f"NO-{tag}", status)
        yield w


async def test_authorize_answers_by_card_state(world: World) -> None:
    client = world.sim.station(world.seeded.stations[0]).client
    assert client is not None
    expected = {tag: want for tag, (_s, _a, want) in CASES.items()}
    expected |= {"E0E0E0E0": "Expired", "0BADC0DE": "Invalid"}
    for tag, want in expected.items():
        res = await client.call(call.Authorize(id_tag=tag))
        assert res.id_tag_info["status"] == want, tag
    res = await client.call(call.Authorize(id_tag="C0C0C001"))
    assert res.id_tag_info["parent_id_tag"] == parent_tag(1)  # the library snake_cases keys


async def test_a_refused_card_starts_nothing(world: World) -> None:
    st = world.seeded.stations[0]
    c = world.sim.station(st).connectors[1]
    c.plug_in(Vehicle("test", 60.0, 11.0, 100.0, soc=30.0))
    for tag, (_s, _a, want) in CASES.items():
        if want == "Accepted":
            continue
        assert await c.swipe(tag) == want
        assert c.tx is None
    sessions = world.one("SELECT COUNT(*) FROM sessions")[0]
    # A charger that starts on its own (a cached authorization) is told at StartTransaction
    # and ends the transaction there (StopTransactionOnInvalidId).
    for tag, (_s, _a, want) in CASES.items():
        if want == "Accepted":
            continue
        if c.vehicle is None:  # the driver unplugged after the last refusal
            c.plug_in(Vehicle("test", 60.0, 11.0, 100.0, soc=30.0))
        c.start_transaction(tag)
        tx = c.tx
        await eventually(lambda tx=tx: _ended(c, tx))
        assert tx.id == 0, tag
    assert world.one("SELECT COUNT(*) FROM sessions")[0] == sessions


async def _ended(c, tx) -> bool:  # type: ignore[no-untyped-def]
    return tx.stopped and c.tx is None
