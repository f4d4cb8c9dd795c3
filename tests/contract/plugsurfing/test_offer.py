"""Plugsurfing OIOI sells roaming (demo offer): every station but the municipal operator's,
marked up with a start fee. Its searches leave the municipal stations out, a start there
is refused as an unknown EVSE (181), the prices it shows differ from the station's own,
and a real session started through OIOI (simulated charger) costs exactly those prices."""

from __future__ import annotations

from typing import Any

import pytest

from services.core.demo.offers import NOT_ROAMING, ROAMING
from tests.clients.plugsurfing import AsyncOioi, Oioi, user_ref
from tests.contract.offer_world import BASE_TARIFF, DRIVER, OfferWorld, bill_of, charged


@pytest.fixture
async def oioi(offer_world: OfferWorld):  # type: ignore[no-untyped-def]
    client = AsyncOioi(offer_world.url)
    yield client
    await client.close()


def _signed_in(url: str) -> tuple[str, str]:
    """(token, EVCO ID) of the demo driver."""
    client = Oioi(url)
    try:
        token = client.sign_in(*DRIVER)
        return token, client.ok("user-get-details", {"user": user_ref(DRIVER[0], token)}
                                )["user"]["evco-id"]  # fmt: skip
    finally:
        client.close()


def _evco(url: str) -> str:
    return _signed_in(url)[1]


async def _by_id(oioi: AsyncOioi, station_id: int) -> list[dict[str, Any]]:
    a = await oioi("station-get-by-ids", {"station-ids": [station_id]})
    assert a.code == 0, a
    return a.body["stations"]


async def test_searches_leave_the_municipal_operator_out(oioi: AsyncOioi,
                                                         offer_world: OfferWorld) -> None:
    box = {"min-lat": 47.0, "max-lat": 55.0, "min-long": 5.8, "max-long": 15.1}
    found = await oioi("station-get-surface", box)
    ids = {s["id"] for s in found.body["stations"]}
    municipal = {r[0] for r in offer_world.query(
        "SELECT s.id FROM stations s JOIN operators o ON o.id = s.operator_id"
        " WHERE o.name = ? AND s.latitude BETWEEN 47 AND 55 AND s.longitude BETWEEN 5.8 AND 15.1",
        (NOT_ROAMING,))}
    assert municipal and ids and not ids & municipal
    assert await _by_id(oioi, offer_world.municipal.id) == []
    assert len(await _by_id(oioi, offer_world.charging["plugsurfing"].id)) == 1


async def test_a_start_at_a_station_it_does_not_sell_is_refused(oioi: AsyncOioi,
                                                                offer_world: OfferWorld) -> None:
    a = await oioi("session-start", {
        "user": {"identifier-type": "evco-id", "identifier": _evco(offer_world.url)},
        "connector-id": offer_world.municipal.evse})
    assert (a.status, a.code) == (404, 181), a


async def test_the_session_costs_the_roaming_prices_shown(oioi: AsyncOioi,
                                                          offer_world: OfferWorld) -> None:
    station = offer_world.charging["plugsurfing"]
    [shown] = await _by_id(oioi, station.id)
    prices = next(c["prices"] for c in shown["connectors"] if c["external-id"] == station.evse)
    base = offer_world.query("SELECT start_fee, per_kwh FROM tariffs WHERE name = ?",
                             (BASE_TARIFF,))[0]  # fmt: skip
    marked_up = round(base["per_kwh"] * (1 + ROAMING.markup_percent / 100) + 1e-9, 2)
    assert prices["starting-fee"] == f"{ROAMING.start_fee:.2f}" != f"{base['start_fee']:.2f}"
    assert prices["charging-per-kwh"] == f"{marked_up:.2f}"
    assert prices["charging-per-hour"] == "0.00"  # the station charges no time
    token, evco = _signed_in(offer_world.url)
    user = {"identifier-type": "evco-id", "identifier": evco}
    a = await oioi("session-start", {"user": user, "connector-id": station.evse})
    assert a.code in (0, 11, 12), a
    session = a.body["session-start"]["session-id"]

    async def stop() -> None:
        b = await oioi("session-stop", {"user": user, "connector-id": station.evse,
                                        "session-id": session})
        assert b.code == 0, b

    log = await charged(offer_world, session, stop)
    assert log["rateName"] == "Plugsurfing roaming"
    assert log["cost"]["total"] == bill_of(float(prices["starting-fee"]),
                                           float(prices["charging-per-kwh"]),
                                           log["energyConsumption"])  # fmt: skip
    recent = await oioi("user-get-recent-sessions", {"user": user_ref(DRIVER[0], token)})
    [reported] = [r for r in recent.body["user"]["sessions"]
                  if r["external-session-id"] == session]
    assert float(reported["cost"]) == log["cost"]["total"]
