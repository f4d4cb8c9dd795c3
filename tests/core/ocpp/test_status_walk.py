"""A charging session's connector statuses as the core's feed shows them, from plug-in to
unplug, with the bill for the metered energy."""

from __future__ import annotations

import pytest

from tests.clients.beenergised import Api, WsClient
from tests.core.charging.world import PASSWORD

FEED = (
    "subscription($c: [ID]!) { feedStatusUpdate(connectors: $c)"
    " { connectorId ocpp calculated simple } }"
)


async def test_status_walk_of_a_session_reaches_every_documented_state(debug_core, charger) -> None:  # type: ignore[no-untyped-def]
    """Available -> Preparing -> Charging -> SuspendedEV (full) -> Finishing ->
    Available, as the core's status feed shows it. The driver plugs in first (Preparing is
    not "occupied": the one who plugged in starts from the app), the car fills up, the
    driver stops, the charger unplugs."""

    from services.hardware.ev import Vehicle
    url, seeded, _log = debug_core
    st = seeded.stations[0]
    connector = seeded.connectors[st][1]  # DC 150 kW, OCPP connectorId 2
    sim_conn = charger.station(st).connectors[2]
    card_uuid, _tag = seeded.users["a@example.com"]["cards"]["main"]
    api = await Api(url).login("a@example.com", PASSWORD)
    seen: list[str] = []
    try:
        async with WsClient.connect(url, {"Authorization": f"Bearer {api.token}"}) as ws:
            await ws.subscribe("walk", FEED, {"c": [str(connector)]})
            # Nearly full: SuspendedEV within a few simulated minutes.
            sim_conn.plug_in(Vehicle("Test EV", 40.0, 11.0, 100.0, soc=78.0, target_soc=80.0))
            seen.append((await ws.next("walk"))["data"]["feedStatusUpdate"]["ocpp"])
            started = await api.remote_start(connector, card_uuid)
            assert started["code"] == 200 and started["transaction"], started
            while seen[-1] != "SuspendedEV":
                seen.append((await ws.next("walk"))["data"]["feedStatusUpdate"]["ocpp"])
            stop = await api.remote_stop(started["transaction"])
            assert stop["status"] == "STOPPING", stop
            while seen[-1] != "Available":
                seen.append((await ws.next("walk"))["data"]["feedStatusUpdate"]["ocpp"])
            await ws.complete("walk")
        log = await api.chargelog(started["session"])
    finally:
        await api.close()
    assert seen == ["Preparing", "Charging", "SuspendedEV", "Finishing", "Available"], seen
    # 2 % of 40 kWh went in; the bill is for the metered energy
    assert log["status"] == "stopped"
    assert log["energyConsumption"] == pytest.approx(0.8, abs=0.05), log
