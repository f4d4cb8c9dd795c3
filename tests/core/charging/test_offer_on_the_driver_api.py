"""An operator who sells only part of its network through the driver API (be.ENERGISED): an
offer covering two of four stations at a 10 % mark-up. Every listing (stations, sites,
locations, connectors) and lookup knows only those two, a start elsewhere is refused as an
unknown connector, and a real session (simulated charger) costs the marked-up price the
API shows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from services.core.domain.offers import Coverage, Offer, Pricing
from services.core.services.offers import set_offer
from services.core.store.db import connect
from services.hardware.simulator import Simulator
from tests.clients.beenergised import Api
from tests.core.charging.world import PASSWORD, PER_KWH, START_FEE, Seeded, seed
from tests.core_launcher import core_process
from tests.waits import WITHIN_S, eventually

SPEED = 600
MARKUP = 10.0
SOLD = (1, 2)  # station ids the offer covers; 3 and 4 it does not


@pytest.fixture(scope="module")
def sold_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded]]:
    db = tmp_path_factory.mktemp("offer-driver-api") / "core.sqlite3"
    seeded = seed(db, stations=4)
    conn = connect(db)
    try:
        set_offer(conn, Offer("beenergised", "Direct plus",
                              coverage=Coverage(station_ids=frozenset(SOLD)),
                              pricing=Pricing(markup_percent=MARKUP)))
    finally:
        conn.close()
    with core_process(db, stations=0, seed=None,
                      env={"VOLTRA_REMOTE_START_TIMEOUT": "20"}) as url:  # fmt: skip
        yield url, seeded


@pytest.fixture
async def api(sold_core: tuple[str, Seeded]) -> AsyncIterator[Api]:
    client = await Api(sold_core[0]).login("a@example.com", PASSWORD)
    yield client
    await client.close()


def _code(body: dict[str, Any]) -> str:
    assert body.get("errors"), body
    return body["errors"][0]["extensions"]["code"]


async def test_listings_and_lookups_know_only_what_is_sold(api: Api, sold_core) -> None:
    _url, seeded = sold_core
    sold = {seeded.stations[i - 1] for i in SOLD}
    other = seeded.stations[2]
    cps = await api.data("{ cpsPaged(pagination: {limit: 50}) { pagination { totalCount }"
                         " data { id } } }")  # fmt: skip
    assert cps["cpsPaged"]["pagination"]["totalCount"] == len(SOLD)
    assert {c["id"] for c in cps["cpsPaged"]["data"]} == sold
    near = await api.data("{ cpsPagedLocationBased(location: {latitude: 52.52, longitude: 13.405,"
                          " radius: 5}, pagination: {limit: 50}) { data { id } } }")
    assert {c["id"] for c in near["cpsPagedLocationBased"]["data"]} == sold
    sites = await api.data("{ sitesPaged(pagination: {limit: 50}) { data { id cps { id } } } }")
    [site] = sites["sitesPaged"]["data"]
    assert {c["id"] for c in site["cps"]} == sold
    one = await api.data("query($id: String) { site(id: $id) { cps { id } } }", {"id": site["id"]})
    assert {c["id"] for c in one["site"]["cps"]} == sold
    conns = await api.data("{ connectorsPaged(pagination: {limit: 50}) { pagination"
                           " { totalCount } data { id } } }")  # fmt: skip
    assert conns["connectorsPaged"]["pagination"]["totalCount"] == 2 * len(SOLD)
    assert _code(await api.raw("query($id: ID!) { cp(id: $id) { id } }", {"id": other})) \
        == "NOT_FOUND"  # fmt: skip
    elsewhere = seeded.connectors[other][0]
    assert _code(await api.raw("query($id: ID!) { connector(id: $id) { id } }",
                               {"id": str(elsewhere)})) == "NOT_FOUND"  # fmt: skip
    assert _code(await api.raw("query($e: String!) { connectorByEvseId(evseId: $e) { id } }",
                               {"e": "DE*VOL*ET3*1"})) == "NOT_FOUND"  # fmt: skip


async def test_a_start_where_it_is_not_sold_is_refused(api: Api, sold_core) -> None:
    _url, seeded = sold_core
    body = await api.raw(
        "mutation($a: Authorization, $c: String) { remoteStart(authorization: $a,"
        " connector: $c) { id status } }",
        {"a": {"identifier": "A1A1A1A1", "type": "RFID"},
         "c": str(seeded.connectors[seeded.stations[3]][0])})
    assert _code(body) == "NOT_FOUND"


async def test_the_session_costs_the_marked_up_price_shown(api: Api, sold_core) -> None:
    url, seeded = sold_core
    station = seeded.stations[0]
    cp = await api.data("query($id: ID!) { cp(id: $id) { information { payment } } }",
                        {"id": station})  # fmt: skip
    start_fee = round(START_FEE * (1 + MARKUP / 100), 2)
    per_kwh = round(PER_KWH * (1 + MARKUP / 100), 2)
    assert f"{per_kwh:.2f} EUR/kWh" in cp["cp"]["information"]["payment"]
    assert f"{start_fee:.2f} EUR start" in cp["cp"]["information"]["payment"]
    sim = Simulator(url, specs=seeded.specs([station]), speed=SPEED, seed=5)
    await sim.start()
    try:
        await sim.wait_online(within_s=WITHIN_S)
        started = await api.remote_start(seeded.connectors[station][0], "A1A1A1A1")
        assert started["session"] and started["transaction"], started

        async def drawing() -> bool:
            return ((await api.summary(started["session"]))["sumEnergy"] or 0) > 0.5

        await eventually(drawing)
        await api.remote_stop(started["transaction"])

        async def billed() -> dict[str, Any] | None:
            log = await api.chargelog(started["session"])
            return log if log["dateEnd"] and log["cost"] else None

        log = await eventually(billed)
    finally:
        await sim.stop()
    assert log["rateName"] == "Direct plus"
    energy = round(log["energyConsumption"] * per_kwh + 1e-9, 2)
    assert log["cost"]["total"] == round(start_fee + energy, 2)
