"""AMPECO sells its operator's stations at the operator's app tariff (demo offer): its
charge points, EVSEs and locations are the operator's alone, a station of another operator
is 404 and cannot be started, its tariffs show the app tariff's prices, and a real session
started through AMPECO (simulated charger) costs exactly those prices, the same in its
session, receipt and transaction and in the driver's own bill (be.ENERGISED). An offer
that roams to another operator's station lists and prices that station too."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.core.demo.offers import OPERATOR_APP, demo_offers
from services.core.demo.partners import DEMO_OPERATOR
from services.core.domain.offers import Coverage, Offer, Pricing
from services.core.domain.tariffs import Tariff, session_cost
from services.core.services.offers import set_offer
from services.core.store.db import connect
from tests.contract.ampeco.client import DEMO_TOKEN
from tests.contract.ampeco.openapi_check import check_response, require_document
from tests.contract.offer_world import BASE_TARIFF, OfferWorld, charged

CHARGE_POINTS = "/public-api/resources/charge-points/v2.0"
CHARGE_POINT = "/public-api/resources/charge-points/v2.0/{chargePoint}"
EVSE = "/public-api/resources/evses/v2.1/{evse}"
TARIFF = "/public-api/resources/tariffs/v1.0/{tariff}"
TARIFF_GROUP = "/public-api/resources/tariff-groups/v1.0/{tariffGroup}"
SNAPSHOT = "/public-api/resources/tariff-snapshots/v1.0/{tariffSnapshot}"
START = "/public-api/actions/evse/v1.0/{evse}/start"
START_ON_POINT = "/public-api/actions/charge-point/v1.0/{chargePoint}/start"
STOP = "/public-api/actions/charge-point/v1.0/{chargePoint}/stop/{session}"
SESSION = "/public-api/resources/sessions/v1.0/{session}"
RECEIPT = "/public-api/resources/receipts/v2.0/{receipt}"
TRANSACTION = "/public-api/resources/transactions/v1.0/{transaction}"
OFFER_NAME = f"{DEMO_OPERATOR} app tariff"


class Amp:
    """Asynchronous, so the simulated chargers of this event loop answer a start while it
    waits; every answer checked against the document."""

    def __init__(self, url: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=60.0,
                                      headers={"Authorization": f"Bearer {DEMO_TOKEN}"})

    async def call(self, method: str, template: str, json: Any = None,
                   params: dict[str, Any] | None = None, **path: Any) -> httpx.Response:
        url = template.format(**{k: str(v) for k, v in path.items()})
        response = await self.http.request(method, url, json=json, params=params)
        check_response(method, template, response)
        return response

    async def ok(self, template: str, params: dict[str, Any] | None = None, **path: Any
                 ) -> Any:  # fmt: skip
        response = await self.call("GET", template, params=params, **path)
        assert response.status_code == 200, response.text
        return response.json()

    async def every(self, template: str) -> list[dict[str, Any]]:
        """Every item of a cursor listing, page after page."""
        items: list[dict[str, Any]] = []
        cursor = ""
        while True:
            body = await self.ok(template, {"per_page": 100, "cursor": cursor})
            items.extend(body["data"])
            cursor = body["meta"].get("next_cursor")
            if not cursor:
                return items


@pytest.fixture
async def amp(offer_world: OfferWorld) -> AsyncIterator[Amp]:
    require_document()
    client = Amp(offer_world.url)
    yield client
    await client.http.aclose()


async def test_only_the_operators_stations_are_sold(amp: Amp, offer_world: OfferWorld) -> None:
    own = {r[0] for r in offer_world.query(
        "SELECT s.id FROM stations s JOIN operators o ON o.id = s.operator_id"
        " WHERE o.name = ? AND s.deleted_at IS NULL", (DEMO_OPERATOR,))}
    every = offer_world.query("SELECT COUNT(*) FROM stations")[0][0]
    listed = {cp["id"] for cp in await amp.every(CHARGE_POINTS)}
    assert listed == own and len(own) < every
    ours = offer_world.charging["ampeco"]
    assert (await amp.ok(CHARGE_POINT, chargePoint=ours.id))["data"]["id"] == ours.id
    other = offer_world.municipal
    assert (await amp.call("GET", CHARGE_POINT, chargePoint=other.id)).status_code == 404
    assert (await amp.call("GET", EVSE, evse=other.connector)).status_code == 404


async def test_a_start_at_a_station_it_does_not_sell_is_refused(amp: Amp,
                                                                offer_world: OfferWorld) -> None:
    body = {"idTag": offer_world.driver_tag}
    other = offer_world.municipal
    for template, path in ((START, {"evse": other.connector}),
                           (START_ON_POINT, {"chargePoint": other.id})):
        response = await amp.call("POST", template, json=body, **path)
        assert response.status_code == 404, response.text
    attempts = offer_world.query("SELECT COUNT(*) FROM remote_start_attempts"
                                 " WHERE connector_id = ?", (other.connector,))[0][0]
    assert attempts == 0


async def _shown_tariff(amp: Amp, evse_id: int) -> dict[str, Any]:
    evse = (await amp.ok(EVSE, evse=evse_id))["data"]
    group = (await amp.ok(TARIFF_GROUP, tariffGroup=evse["tariffGroupId"]))["data"]
    assert group["name"] == OFFER_NAME
    return (await amp.ok(TARIFF, tariff=group["tariffIds"][0]))["data"]


async def test_the_session_costs_the_app_tariff_shown(amp: Amp, offer_world: OfferWorld
                                                      ) -> None:  # fmt: skip
    station = offer_world.charging["ampeco"]
    shown = await _shown_tariff(amp, station.connector)
    pricing = shown["pricing"]
    assert (shown["name"], pricing["pricePerKwh"], pricing["connectionFee"],
            pricing["pricePerPeriod"], pricing["pricePeriodInMinutes"]) == (
        OFFER_NAME, OPERATOR_APP.per_kwh, OPERATOR_APP.start_fee, OPERATOR_APP.per_minute, 1)
    base = offer_world.query("SELECT per_kwh, per_minute FROM tariffs WHERE name = ?",
                             (BASE_TARIFF,))[0]  # fmt: skip
    assert (pricing["pricePerKwh"], pricing["pricePerPeriod"]) != tuple(base)

    started = (await amp.call("POST", START, json={"idTag": offer_world.driver_tag},
                              evse=station.connector)).json()  # fmt: skip
    assert started["success"] is True, started
    session_id = started["sessionId"]
    uuid = offer_world.query("SELECT uuid FROM sessions WHERE id = ?", (session_id,))[0][0]

    async def stop() -> None:
        response = await amp.call("POST", STOP, json={}, chargePoint=station.id,
                                  session=session_id)  # fmt: skip
        assert response.status_code == 202, response.text

    log = await charged(offer_world, uuid, stop)
    assert log["rateName"] == OFFER_NAME
    # the bill is the shown tariff applied to what the charger metered, to the cent
    row = offer_world.query("SELECT date_start, date_end, charging_end FROM sessions"
                            " WHERE id = ?", (session_id,))[0]  # fmt: skip
    at = [datetime.fromisoformat(v.replace("Z", "+00:00")) if v else None for v in row]
    expected = session_cost(
        Tariff(name=OFFER_NAME, start_fee=pricing["connectionFee"],
               per_kwh=pricing["pricePerKwh"], per_minute=pricing["pricePerPeriod"],
               parking_per_minute=pricing["idleFeePerMinute"] or 0.0,
               parking_grace_minutes=pricing["idleFeeGracePeriodMinutes"] or 0),
        energy_kwh=log["energyConsumption"], start=at[0], end=at[1], charging_end=at[2])
    assert log["cost"]["total"] == float(expected.total) > 0

    snapshot = (await amp.ok(SNAPSHOT, tariffSnapshot=session_id))["data"]
    assert snapshot["name"] == OFFER_NAME and snapshot["pricing"] == pricing
    session = (await amp.ok(SESSION, session=session_id))["data"]
    assert session["totalAmount"]["withTax"] == log["cost"]["total"]
    receipt = (await amp.ok(RECEIPT, receipt=session_id))["data"]
    assert receipt["totalAmount"] == log["cost"]["total"]
    transaction = await amp.ok(TRANSACTION, transaction=session_id)
    assert transaction["totalAmount"] == receipt["totalAmount"]
    assert transaction["sessionId"] == session_id


@contextmanager
def ampeco_offer(db: Path, **changes: Any) -> Iterator[Offer]:
    """The demo AMPECO offer with ``changes`` while the block runs (the core reads the
    offer on every request), the demo offer again afterwards."""
    conn = connect(db)
    try:
        demo = next(o for o in demo_offers(conn) if o.api == "ampeco")
        changed = replace(demo, **changes)
        set_offer(conn, changed)
        try:
            yield changed
        finally:
            set_offer(conn, demo)
    finally:
        conn.close()


async def test_an_offer_that_roams_lists_and_prices_another_operators_station(
        amp: Amp, offer_world: OfferWorld) -> None:  # fmt: skip
    other = offer_world.municipal
    own = offer_world.query("SELECT id FROM operators WHERE name = ?", (DEMO_OPERATOR,))[0][0]
    base = offer_world.query(
        "SELECT t.id, t.per_kwh FROM connectors c JOIN tariffs t ON t.id = c.tariff_id"
        " WHERE c.id = ?", (other.connector,))[0]  # fmt: skip
    roaming = Pricing(markup_percent=10.0)
    with ampeco_offer(offer_world.db, name="Roaming test",
                      coverage=Coverage(operator_ids=frozenset({own}),
                                        station_ids=frozenset({other.id})),
                      pricing=roaming):
        assert (await amp.ok(CHARGE_POINT, chargePoint=other.id))["data"]["id"] == other.id
        evse = (await amp.ok(EVSE, evse=other.connector))["data"]
        assert evse["tariffGroupId"] == base[0]
        tariff = (await amp.ok(TARIFF, tariff=base[0]))["data"]
        assert tariff["pricing"]["pricePerKwh"] == round(base[1] * 1.1 + 1e-9, 2)
        listed = {cp["id"] for cp in await amp.every(CHARGE_POINTS)}
        assert other.id in listed and offer_world.charging["ampeco"].id in listed
    assert (await amp.call("GET", CHARGE_POINT, chargePoint=other.id)).status_code == 404
    shown = (await amp.ok(TARIFF, tariff=(await amp.ok(EVSE, evse=offer_world.charging[
        "ampeco"].connector))["data"]["tariffGroupId"]))["data"]  # fmt: skip
    assert shown["name"] == OFFER_NAME
