"""GP JOULE sells its region at the subscription rate (demo offer): getChargepoints and
getChargepoint know only the region's stations, getPrice shows the subscription rate, a
start outside the region is refused as an unknown connector, and a real session started
through GP JOULE (simulated charger) costs exactly what getPrice showed."""

from __future__ import annotations

import pytest

from services.core.demo.offers import GPJOULE_REGION, SUBSCRIPTION
from tests.clients.gpjoule import AsyncGpj
from tests.contract.gpjoule.document import doc_query
from tests.contract.offer_world import BASE_TARIFF, OfferWorld, bill_of, charged

COUNT = "{ getChargepoints(limit: 1) { count } }"
ONE = "query($id: ID) { getChargepoint(id: $id) { id } }"
PRICE = "query($cp: ID!) { getPrice(chargepoint: $cp) { name currency price } }"
START = doc_query("remoteStart")
STOP = doc_query("remoteStop")


@pytest.fixture
async def gpj(offer_world: OfferWorld):  # type: ignore[no-untyped-def]
    client = AsyncGpj(offer_world.url)
    yield client
    await client.close()


async def test_only_the_region_is_listed(gpj: AsyncGpj, offer_world: OfferWorld) -> None:
    s, w, n, e = GPJOULE_REGION
    inside = offer_world.query("SELECT COUNT(*) FROM stations WHERE latitude BETWEEN ? AND ?"
                               " AND longitude BETWEEN ? AND ?", (s, n, w, e))[0][0]
    every = offer_world.query("SELECT COUNT(*) FROM stations")[0][0]
    assert (await gpj.data(COUNT))["getChargepoints"]["count"] == inside < every
    berlin = offer_world.charging["gpjoule"]
    assert (await gpj.data(ONE, {"id": berlin.uuid}))["getChargepoint"]["id"] == berlin.uuid
    body = await gpj(ONE, {"id": offer_world.munich.uuid})
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    body = await gpj(PRICE, {"cp": offer_world.munich.uuid})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_start_outside_the_region_is_refused(gpj: AsyncGpj, offer_world: OfferWorld
                                                     ) -> None:  # fmt: skip
    body = await gpj(START, {"connectorId": offer_world.munich.evse,
                             "tagId": offer_world.driver_tag})
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "connectorId"}


async def test_the_session_costs_the_subscription_price_shown(gpj: AsyncGpj,
                                                              offer_world: OfferWorld) -> None:
    station = offer_world.charging["gpjoule"]
    shown = (await gpj.data(PRICE, {"cp": station.uuid}))["getPrice"]
    assert shown == {"name": "GP JOULE CONNECT subscription", "currency": "EUR",
                     "price": SUBSCRIPTION.per_kwh}
    base = offer_world.query("SELECT per_kwh FROM tariffs WHERE name = ?", (BASE_TARIFF,))[0][0]
    assert shown["price"] != base
    started = (await gpj.data(START, {"connectorId": station.evse,
                                      "tagId": offer_world.driver_tag}))["remoteStart"]
    assert started["session"], started
    session = started["session"]

    async def stop() -> None:
        await gpj.data(STOP, {"session": session})

    log = await charged(offer_world, session, stop)
    assert log["rateName"] == "GP JOULE CONNECT subscription"
    assert log["cost"]["total"] == bill_of(0.0, shown["price"], log["energyConsumption"])
    got = (await gpj.data(doc_query("getChargingSession"), {"id": session})
           )["getChargingSession"]  # fmt: skip
    assert got["costs"] == log["cost"]["total"] and got["tariff"] == log["rateName"]
