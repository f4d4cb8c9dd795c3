"""Live status through the AMPECO API: a simulated charger of the demo operator connects over
OCPP 1.6J, reports its outlets, faults one and goes away; ``networkStatus`` and
``hardwareStatus`` follow what the charger said (real core, real WebSocket, real simulator)."""

from __future__ import annotations

from typing import Any

import httpx

from services.hardware.simulator import Simulator
from tests.contract.ampeco.client import DEMO_TOKEN
from tests.contract.ampeco.openapi_check import check_response
from tests.waits import eventually

R = "/public-api/resources"
READ = f"{R}/charge-points/v2.0/{{chargePoint}}"
STATUS = f"{R}/charge-points/v1.0/{{chargePoint}}/status"
EVSE = f"{R}/evses/v2.1/{{evse}}"


async def _get(http: httpx.AsyncClient, template: str, **path: Any) -> dict[str, Any]:
    response = await http.get(template.format(**path))
    check_response("GET", template, response)
    assert response.status_code == 200, response.text
    return response.json()


async def test_status_follows_the_charger(core_url: str) -> None:
    async with httpx.AsyncClient(base_url=core_url, timeout=60,
                                 headers={"Authorization": f"Bearer {DEMO_TOKEN}"}) as http:
        # a charge point of the demo operator nobody else simulates: the last one listed
        listed = await http.get(f"{R}/charge-points/v2.0", params={
            "filter[networkStatus]": "never_connected", "per_page": 100})
        station = listed.json()["data"][-1]
        assert station["networkStatus"] == "never_connected"
        identity = station["network"]["id"]
        sim = Simulator(core_url, station_ids=[identity], speed=10)
        await sim.start()
        try:
            await sim.wait_online(within_s=90)

            async def connected() -> dict[str, Any] | None:
                body = await _get(http, READ, chargePoint=station["id"])
                return body["data"] if body["data"]["networkStatus"] == "available" else None

            online = await eventually(connected)
            assert online["lastNetworkStatusUpdateAt"] is not None
            outlet = sim.station(identity).connectors[1]
            outlet.set_status("Faulted", "GroundFailure")

            async def faulted() -> dict[str, Any] | None:
                body = await _get(http, STATUS, chargePoint=station["id"])
                first = body["data"]["evses"][0]
                return body["data"] if first.get("hardwareStatus") == "faulted" else None

            status = await eventually(faulted)
            assert status["networkStatus"] == "available"
            evse_id = status["evses"][0]["id"]
            evse = await _get(http, EVSE, evse=evse_id)
            assert evse["data"]["hardwareStatus"] == "faulted"
            assert evse["data"]["networkId"] == "1"
        finally:
            await sim.stop()

        async def gone() -> dict[str, Any] | None:
            body = await _get(http, READ, chargePoint=station["id"])
            return body["data"] if body["data"]["networkStatus"] != "available" else None

        offline = await eventually(gone)
        assert offline["networkStatus"] == "temporarily_unavailable"
        status = await _get(http, STATUS, chargePoint=station["id"])
        assert status["data"]["networkStatus"] == "temporarily unavailable"
        evse = await _get(http, EVSE, evse=evse_id)
        # an offline charger's outlets cannot be used
        assert evse["data"]["hardwareStatus"] == "unavailable"
