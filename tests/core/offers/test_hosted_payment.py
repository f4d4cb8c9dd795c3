"""Pay as you go on the core's hosted payment page: the page shows, and the session it starts
is billed at, the offer of the API that opened it (be.ENERGISED's initDirectPaymentCharging); a
connector that API does not sell cannot be paid for at all."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.clients.beenergised import HTTP_TIMEOUT_S, Api
from tests.contract.beenergised.accounts import DIRECT_STATUS, INIT_DIRECT
from tests.core.charging.world import PASSWORD
from tests.core.offers.issuers import OFFERS, PRICES, SOLD, UNSOLD, IssuerWorld
from tests.waits import eventually

CARD_FORM = {"holder": "Ann Tester", "number": "4111111111111111", "expiry_month": "12",
             "expiry_year": "2035", "cvc": "123"}
PAYER = "b@example.com"


async def test_a_paid_page_starts_a_session_at_the_opening_apis_price(
        issuer_world: IssuerWorld) -> None:  # fmt: skip
    world = issuer_world
    connector = world.seeded.connectors[world.station(SOLD)][1]  # the DC one: taps use AC
    api = await Api(world.url).login(PAYER, PASSWORD)
    try:
        tx = (await api.data(INIT_DIRECT, {"connectorId": str(connector),
                                           "rateId": world.rate}))["initDirectPaymentCharging"]
        start_fee, per_kwh, _per_minute = PRICES["beenergised"]
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as http:
            shown = await http.get(tx["absoluteLink"])
            assert shown.status_code == 200, shown.text
            assert (f"{OFFERS['beenergised'].name} ({per_kwh:.2f} EUR/kWh + {start_fee:.2f}"
                    " EUR start)") in shown.text, shown.text
            page = await http.post(tx["absoluteLink"], data=CARD_FORM)
        assert page.status_code == 200 and "STARTED" in page.text, page.text
        status = (await api.data(DIRECT_STATUS, {"evseId": f"DE*VOL*ET{SOLD}*2",
                                                 "transactionId": tx["id"]}
                                 ))["directPaymentChargingStatus"]  # fmt: skip
        assert status["status"] == "STARTED", status
        [session] = world.query("SELECT * FROM sessions WHERE id = (SELECT session_id FROM"
                                " payment_transactions WHERE uuid = ?)", tx["id"])  # fmt: skip
        assert session["rate_name"] == OFFERS["beenergised"].name
        price = json.loads(session["tariff_snapshot"])
        assert (price["start_fee"], price["per_kwh"], price["per_minute"]) \
            == PRICES["beenergised"]  # fmt: skip

        async def running() -> dict[str, Any] | None:
            log = await api.chargelog(session["uuid"])
            return log if log["status"] == "started" else None

        log = await eventually(running)
        await api.remote_stop(log["sessionId"])
    finally:
        await api.close()


async def test_a_connector_the_api_does_not_sell_cannot_be_paid_for(
        issuer_world: IssuerWorld) -> None:  # fmt: skip
    world = issuer_world
    connector = world.seeded.connectors[world.station(UNSOLD)][0]
    api = await Api(world.url).login(PAYER, PASSWORD)
    try:
        body = await api.raw(INIT_DIRECT, {"connectorId": str(connector), "rateId": world.rate})
    finally:
        await api.close()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND", error
    assert "connector_id" in error["message"] or "connectorId" in error["message"], error
    assert not world.query("SELECT 1 FROM payment_transactions WHERE connector_id = ?",
                           connector)  # fmt: skip
