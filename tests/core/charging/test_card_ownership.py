"""A card starts charging only for its own driver: another driver naming it (by uuid or by
tag) gets an unknown-card failure, nothing reaches the charger, no session is created."""

from __future__ import annotations

from tests.clients.beenergised import Api
from tests.core.charging.world import PASSWORD


async def test_another_drivers_card_cannot_start(debug_core, charger) -> None:  # type: ignore[no-untyped-def]
    """Driver b names driver a's card by uuid and by tag: the start fails as an unknown
    card (a's card is not b's), nothing is sent to the charger, no session is created."""
    url, seeded, _log = debug_core
    st = seeded.stations[0]
    connector = seeded.connectors[st][1]
    a_uuid, a_tag = seeded.users["a@example.com"]["cards"]["main"]
    b = await Api(url).login("b@example.com", PASSWORD)
    try:
        for ident in (a_uuid, a_tag):
            res = await b.remote_start(connector, ident)
            assert res["status"] == "FAILED" and res["code"] == 403, res
            assert res["session"] is None and res["transaction"] is None, res
            assert "unknown" in res["message"].lower(), res
        attempt = await b.attempt(connector, a_tag)
        assert attempt["isFailure"] is True and attempt["chargeLogId"] is None, attempt
        assert "unknown" in attempt["failureReason"].lower(), attempt
    finally:
        await b.close()
    assert charger.station(st).connectors[2].tx is None
