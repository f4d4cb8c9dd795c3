"""be.ENERGISED is the driver's home account (demo offer "Voltra direct"): every station at
its operator's base price. The same connector costs something else through the other APIs
(OIOI roaming, GP JOULE subscription), and a real session started through be.ENERGISED
(simulated charger) costs the base price it shows."""

from __future__ import annotations

import pytest

from services.core.demo.offers import ROAMING, SUBSCRIPTION
from tests.clients.beenergised import Api
from tests.clients.gpjoule import AsyncGpj
from tests.clients.plugsurfing import AsyncOioi
from tests.contract.offer_world import BASE_TARIFF, DRIVER, OfferWorld, bill_of, charged

CP = "query($id: ID!) { cp(id: $id) { id information { payment } } }"
COUNT = "{ cpsPaged(pagination: {limit: 1}) { pagination { totalCount } } }"
GPJ_PRICE = "query($cp: ID!) { getPrice(chargepoint: $cp) { price } }"


@pytest.fixture
async def api(offer_world: OfferWorld):  # type: ignore[no-untyped-def]
    client = await Api(offer_world.url).login(*DRIVER)
    yield client
    await client.close()


async def test_every_station_is_listed(api: Api, offer_world: OfferWorld) -> None:
    every = offer_world.query("SELECT COUNT(*) FROM stations")[0][0]
    body = await api.data(COUNT)
    assert body["cpsPaged"]["pagination"]["totalCount"] == every
    for station in (offer_world.munich, offer_world.municipal, offer_world.off_fleet):
        assert (await api.data(CP, {"id": station.uuid}))["cp"]["id"] == station.uuid


async def test_one_connector_three_prices(api: Api, offer_world: OfferWorld) -> None:
    station = offer_world.charging["beenergised"]
    base = offer_world.query("SELECT start_fee, per_kwh FROM tariffs WHERE name = ?",
                             (BASE_TARIFF,))[0]  # fmt: skip
    payment = (await api.data(CP, {"id": station.uuid}))["cp"]["information"]["payment"]
    assert f"{base['per_kwh']:.2f} EUR/kWh" in payment
    gpj, oioi = AsyncGpj(offer_world.url), AsyncOioi(offer_world.url)
    try:
        sub = (await gpj.data(GPJ_PRICE, {"cp": station.uuid}))["getPrice"]["price"]
        found = await oioi("station-get-by-ids", {"station-ids": [station.id]})
    finally:
        await gpj.close()
        await oioi.close()
    roaming = next(c["prices"] for c in found.body["stations"][0]["connectors"]
                   if c["external-id"] == station.evse)  # fmt: skip
    assert sub == SUBSCRIPTION.per_kwh < base["per_kwh"] < float(roaming["charging-per-kwh"])
    assert float(roaming["starting-fee"]) == ROAMING.start_fee > base["start_fee"]


async def test_the_session_costs_the_base_price(api: Api, offer_world: OfferWorld) -> None:
    station = offer_world.charging["beenergised"]
    base = offer_world.query("SELECT start_fee, per_kwh FROM tariffs WHERE name = ?",
                             (BASE_TARIFF,))[0]  # fmt: skip
    started = await api.remote_start(station.connector, offer_world.driver_tag)
    assert started["session"] and started["transaction"], started

    async def stop() -> None:
        await api.remote_stop(started["transaction"])

    log = await charged(offer_world, started["session"], stop)
    assert log["rateName"] == BASE_TARIFF
    assert log["cost"]["total"] == bill_of(base["start_fee"], base["per_kwh"],
                                           log["energyConsumption"])  # fmt: skip
