"""Wirelane sells the fleet's depot and partner stations (demo offer): the organisation's
points are the connectors of those stations, and a point elsewhere is not found (404 in
the API's own error format). The document has no remote start and no price on a point,
so coverage is what this API's offer changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.clients.wirelane import Wirelane
from tests.contract.offer_world import OfferWorld


@pytest.fixture
def wl(offer_world: OfferWorld) -> Iterator[Wirelane]:
    client = Wirelane(offer_world.url)
    yield client
    client.close()


async def test_the_points_are_the_fleets_stations_only(wl: Wirelane, offer_world: OfferWorld
                                                 ) -> None:  # fmt: skip
    admin = wl.password_token()
    points = wl.ok("/points", admin, {"page_size": "100000"})
    fleet = {r[0] for r in offer_world.query(
        "SELECT c.id FROM connectors c JOIN offer_stations os ON os.station_id = c.station_id"
        " JOIN offers o ON o.id = os.offer_id WHERE o.api = 'wirelane'")}
    every = offer_world.query("SELECT COUNT(*) FROM connectors")[0][0]
    assert {int(p["id"]) for p in points} == fleet and len(fleet) < every
    inside = offer_world.charging["plugsurfing"].evse
    assert wl.ok(f"/points/evseid/{inside}", admin)["evseid"] == inside


async def test_a_point_outside_the_fleet_is_not_found(wl: Wirelane, offer_world: OfferWorld
                                                ) -> None:  # fmt: skip
    admin = wl.password_token()
    r = wl.get(f"/points/evseid/{offer_world.off_fleet.evse}", admin)
    assert r.status_code == 404, r.text
    assert "pointId" in r.text
    fleet = {str(r[0]) for r in offer_world.query(
        "SELECT c.id FROM connectors c JOIN offer_stations os ON os.station_id = c.station_id"
        " JOIN offers o ON o.id = os.offer_id WHERE o.api = 'wirelane'")}
    # Around the Munich depot: its points, and no others of the many stations there.
    near = wl.ok("/points", admin, {"lat": "48.137", "lon": "11.575", "distance": "15000",
                                    "page_size": "1000"})  # fmt: skip
    assert near and {p["id"] for p in near} <= fleet
