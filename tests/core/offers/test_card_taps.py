"""A card tapped at the charger (Authorize, then StartTransaction; no remote start) is billed
at the offer of the API that issued the card, and refused where that API sells nothing. One
card per issuing API, each made through that API over HTTP, tapped at a simulated charger."""

from __future__ import annotations

import json
import secrets
from typing import Any

import httpx
import pytest
from ocpp.v16 import call

from services.core.store.db import from_iso
from services.hardware.ev import Vehicle
from tests.clients.beenergised import HTTP_TIMEOUT_S, Api
from tests.clients.plugsurfing import AsyncOioi
from tests.contract.beenergised.accounts import CREATE_AUTH_MEDIA
from tests.core.charging.world import PASSWORD
from tests.core.offers.issuers import (
    DIRECT_ONLY,
    DRIVER,
    OFFERS,
    PRICES,
    SOLD,
    UNSOLD,
    IssuerWorld,
)
from tests.waits import eventually

ISSUERS = ("beenergised", "ampeco", "plugsurfing")


def _uid() -> str:
    return secrets.token_hex(7).upper()


async def _card_through(api: str, world: IssuerWorld) -> str:
    """A new card of a driver, made through ``api``; returns its RFID UID."""
    if api == "beenergised":
        client = await Api(world.url).login(DRIVER, PASSWORD)
        try:
            made = await client.data(CREATE_AUTH_MEDIA, {"authenticationMedia": {
                "rateId": world.rate, "customerReference": "Tap test"}})
        finally:
            await client.close()
        ref = made["createAuthenticationMedia"]["id"]
        [row] = world.query("SELECT tag_id FROM cards WHERE uuid = ? OR CAST(id AS TEXT) = ?",
                            ref, ref)  # fmt: skip
        return row["tag_id"]
    uid = _uid()
    if api == "ampeco":
        [user] = world.query("SELECT id FROM users WHERE email = ?", DRIVER)
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as http:
            r = await http.post(world.url + "/public-api/resources/id-tags/v2.0",
                                headers={"Authorization": f"Bearer {world.ampeco_token}"},
                                json={"idTagUid": uid, "status": "enabled", "type": "rfid",
                                      "userId": user["id"]})  # fmt: skip
        assert r.status_code == 201, r.text
        return uid
    oioi = AsyncOioi(world.url, key=world.oioi_key)
    try:
        email = f"tap-{uid.lower()}@example.com"
        made = await oioi("user-register", {"username": email, "email": email,
                                            "password": PASSWORD, "language": "en"})
        assert made.code == 0, made.body
        user = {"identifier-type": "username", "identifier": email,
                "token": made.body["user"]["token"]}
        added = await oioi("user-add-rfid", {"user": user, "rfid": uid})
        assert added.code == 0, added.body
    finally:
        await oioi.close()
    return uid


def _tapped_session(world: IssuerWorld, uid: str, station_id: int) -> dict[str, Any] | None:
    rows = world.query("SELECT * FROM sessions WHERE auth_id = ? AND station_id = ?",
                       uid, station_id)  # fmt: skip
    return dict(rows[0]) if rows else None


@pytest.mark.parametrize("api", ISSUERS)
async def test_a_tap_is_billed_at_the_issuing_apis_offer(issuer_world: IssuerWorld,
                                                         api: str) -> None:  # fmt: skip
    world = issuer_world
    uid = await _card_through(api, world)
    [card] = world.query("SELECT api FROM cards WHERE tag_id = ?", uid)
    assert card["api"] == api
    connector = world.sim.station(world.station(SOLD)).connectors[1]
    connector.plug_in(Vehicle("test", 60.0, 11.0, 100.0, soc=30.0))
    try:
        assert await connector.swipe(uid) == "Accepted"

        async def recorded() -> dict[str, Any] | None:
            return _tapped_session(world, uid, SOLD)

        session = await eventually(recorded)
        assert session["state"] == "charging" and session["rate_name"] == OFFERS[api].name
        price = json.loads(session["tariff_snapshot"])
        assert (price["start_fee"], price["per_kwh"], price["per_minute"]) == PRICES[api]

        async def drew() -> bool:
            return connector.meter_wh - connector.tx.meter_start > 500  # type: ignore[union-attr]

        await eventually(drew)
    finally:
        connector.unplug()

    async def finished() -> dict[str, Any] | None:
        s = _tapped_session(world, uid, SOLD)
        return s if s and s["state"] == "finished" else None

    done = await finished() or await eventually(finished)
    start_fee, per_kwh, per_minute = PRICES[api]
    assert done["energy_kwh"] > 0.5
    billed = round(start_fee + round(done["energy_kwh"] * per_kwh + 1e-9, 2), 2)
    items = world.query("SELECT description FROM session_cost_items WHERE session_id = ?",
                        done["id"])  # fmt: skip
    assert any(f"x {per_kwh:.2f} EUR/kWh" in i["description"] for i in items)
    # Plus the minutes the session took at the offer's rate (a second or two here).
    minutes = (from_iso(done["date_end"]) - from_iso(done["date_start"])).total_seconds() / 60
    assert done["cost_total"] == pytest.approx(billed + minutes * per_minute, abs=0.011)


@pytest.mark.parametrize("api", ISSUERS)
async def test_a_station_the_issuing_api_does_not_sell_refuses_the_tap(
        issuer_world: IssuerWorld, api: str) -> None:  # fmt: skip
    world = issuer_world
    uid = await _card_through(api, world)
    connector = world.sim.station(world.station(UNSOLD)).connectors[1]
    connector.plug_in(Vehicle("test", 60.0, 11.0, 100.0, soc=30.0))
    try:
        assert await connector.swipe(uid) == "Invalid"
        assert connector.tx is None
    finally:
        connector.unplug()
    # A charger that starts on its own (a cached authorization) is refused the transaction.
    connector.plug_in(Vehicle("test", 60.0, 11.0, 100.0, soc=30.0))
    try:
        connector.start_transaction(uid)
        tx = connector.tx

        async def refused() -> bool:
            return tx is not None and tx.id == 0 and connector.tx is None

        await eventually(refused)
    finally:
        connector.unplug()
    assert _tapped_session(world, uid, UNSOLD) is None


async def test_a_remote_start_through_an_api_that_sells_the_station_still_goes_ahead(
        issuer_world: IssuerWorld) -> None:  # fmt: skip
    """An AMPECO-issued card at a station only be.ENERGISED sells: tapped there it is refused,
    started remotely through be.ENERGISED it charges at be.ENERGISED's price, and a charger
    that authorizes the card during that session hears Accepted."""
    world = issuer_world
    uid = await _card_through("ampeco", world)
    station = world.sim.station(world.station(DIRECT_ONLY))
    client = station.client
    assert client is not None
    refused = await client.call(call.Authorize(id_tag=uid))
    assert refused.id_tag_info["status"] == "Invalid"
    api = await Api(world.url).login(DRIVER, PASSWORD)
    try:
        started = await api.remote_start(world.seeded.connectors[world.station(DIRECT_ONLY)][0],
                                         uid)  # fmt: skip
        assert started["session"], started

        async def charging() -> dict[str, Any] | None:
            s = _tapped_session(world, uid, DIRECT_ONLY)
            return s if s and s["state"] == "charging" else None

        session = await eventually(charging)
        assert session["rate_name"] == OFFERS["beenergised"].name
        price = json.loads(session["tariff_snapshot"])
        assert (price["start_fee"], price["per_kwh"]) == PRICES["beenergised"][:2]
        during = await client.call(call.Authorize(id_tag=uid))
        assert during.id_tag_info["status"] == "Accepted"
        await api.remote_stop(started["transaction"])
    finally:
        await api.close()
