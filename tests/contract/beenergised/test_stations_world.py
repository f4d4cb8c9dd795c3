"""Station queries and the status feed against a core serving a small, exactly known world
(so distances, filters and orders can be asserted precisely). The core runs in-process on a
free 127.0.0.1 port and is spoken to over real HTTP and graphql-transport-ws; the status
change is published through the same store + event bus the OCPP central system uses.

World (Berlin centre 52.5200, 13.4050):
  C  ~2.0 km north, ROAMING, CHAdeMO DC 50 kW            (inserted first: smallest id)
  A  at the centre, site S1, Type2 AC 22 + CCS DC 150, connected, occupancy data
  B  ~20 m from A, site S1, Type2 AC 11 free of charge
  D  ~10 km north, Schuko AC 3.7
  E  Munich, Type2 AC 22
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from services.core.domain.passwords import hash_password
from services.core.domain.status import publish_connector_status
from services.core.store.db import connect, migrate, transaction
from services.hardware.charger import StationSpec
from services.hardware.simulator import Simulator
from tests import factories as f
from tests.clients.beenergised import AsyncGql, WsClient
from tests.contract.beenergised.doc_queries import doc_query
from tests.core_launcher import core_in_process
from tests.waits import eventually

CENTRE = {"latitude": 52.52, "longitude": 13.405}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("world") / "world.sqlite3"
    conn = connect(db)
    migrate(conn)
    op = f.operator(conn)
    t1 = f.tariff(conn, per_kwh=0.49, start_fee=1.0)
    ro, ro_uuid = f.rate_option(conn, t1)
    pkgs = [f.rate_package(conn, ro, 5.0, 60, 60), f.rate_package(conn, ro, 9.0, 120, None)]
    s1, s1_uuid = f.site(conn, op, 52.52, 13.405, "Alexanderplatz")
    s2, s2_uuid = f.site(conn, op, 52.538, 13.405, "North")
    s3, _ = f.site(conn, op, 52.61, 13.405)
    s4, _ = f.site(conn, op, 48.137, 11.575)
    w: dict[str, Any] = {"db": db, "rate_option": ro_uuid, "packages": pkgs,
                         "s1": s1_uuid, "s2": s2_uuid}
    w["C"] = f.station(conn, s2, op, 52.538, 13.405,
                       [{"plug": "CHADEMO", "current": "DC", "power": 50, "tariff_id": t1}],
                       access_type="ROAMING")
    w["A"] = f.station(conn, s1, op, 52.52, 13.405,
                       [{"plug": "TYPE2", "current": "AC", "power": 22, "tariff_id": t1},
                        {"plug": "CCS", "current": "DC", "power": 150, "tariff_id": t1}],
                       connected=True, images=["a-front.jpg"],
                       opening_hours={"twentyfourseven": False, "regular": [
                           {"weekday": d, "begin": "08:00", "end": "20:00"} for d in range(1, 6)],
                           "exceptional": [{"begin": "2026-12-24T00:00:00Z",
                                            "end": "2026-12-27T00:00:00Z", "closed": True}]},
                       occupancy={(0, 8): 0.25, (0, 9): 0.75, (2, 8): 0.5})
    w["B"] = f.station(conn, s1, op, 52.52015, 13.40515,
                       [{"plug": "TYPE2", "current": "AC", "power": 11, "free": True}])
    w["D"] = f.station(conn, s3, op, 52.61, 13.405,
                       [{"plug": "SCHUKO", "current": "AC", "power": 3.7, "tariff_id": t1}])
    w["E"] = f.station(conn, s4, op, 48.137, 11.575,
                       [{"plug": "TYPE2", "current": "AC", "power": 22, "tariff_id": t1}])
    uid = f.user(conn, "world@example.com")
    with transaction(conn):
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                     (hash_password("world-secret-1"), uid))
        conn.execute("INSERT INTO settings(key, value) VALUES ('world.currency', 'EUR')")
    f.card(conn, uid, "04A1B2C3D4E5F6")  # default card: internal stations only
    f.card(conn, uid, "04AAAAAAAAAAAA", card_type="roaming")
    f.card(conn, uid, "04BBBBBBBBBBBB", status="INACTIVE")
    f.card(conn, uid, "04CCCCCCCCCCCC", expiry="2020-01-01T00:00:00.000Z")
    conn.close()
    return w


@pytest.fixture(scope="module")
async def served(world: dict[str, Any]) -> AsyncIterator[tuple[Any, AsyncGql]]:
    async with core_in_process(Path(world["db"])) as (core, url):
        client = AsyncGql(url)
        client.base_url = url  # type: ignore[attr-defined]
        yield core, client
        await client.aclose()


CPS_NEAR = doc_query("cpsPagedLocationBased")


async def _near(gql: AsyncGql, radius: float = 5, **variables: Any) -> dict:
    variables = {"location": {**CENTRE, "radius": radius}, **variables}
    return (await gql.data(CPS_NEAR, variables))["cpsPagedLocationBased"]


def _ids(page: dict) -> list[str]:
    return [cp["id"] for cp in page["data"]]


async def test_radius_is_km_and_ordered_by_distance(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    page = await _near(gql, 5)
    assert _ids(page) == [world["A"]["uuid"], world["B"]["uuid"], world["C"]["uuid"]]
    assert page["pagination"] == {"isLastPage": True, "offset": 0, "limit": 20, "totalCount": 3}
    # 1.9 km holds A and B only (C is 2.0 km away); 11 km adds D.
    assert _ids(await _near(gql, 1.9)) == [world["A"]["uuid"], world["B"]["uuid"]]
    assert (await _near(gql, 11))["pagination"]["totalCount"] == 4


async def test_ordered_by_distance_zero_orders_by_id(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    page = await _near(gql, 5, orderedByDistance="0")
    assert _ids(page) == [world["C"]["uuid"], world["A"]["uuid"], world["B"]["uuid"]]
    # Only "0" turns distance ordering off (the document's example value "abc123" orders).
    other = await _near(gql, 5, orderedByDistance="abc123")
    assert _ids(other) == [world["A"]["uuid"], world["B"]["uuid"], world["C"]["uuid"]]


async def test_pagination_pages_and_caps_limit(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    page = await _near(gql, 5, pagination={"limit": 1, "offset": 1})
    assert _ids(page) == [world["B"]["uuid"]]
    assert page["pagination"] == {"isLastPage": False, "offset": 1, "limit": 1, "totalCount": 3}
    last = await _near(gql, 5, pagination={"limit": 2, "offset": 2})
    assert last["pagination"]["isLastPage"] is True
    assert (await _near(gql, 5, pagination={"limit": 5000}))["pagination"]["limit"] == 100
    err = await gql.error(CPS_NEAR, {"location": {**CENTRE, "radius": 5},
                                     "pagination": {"offset": -1}})
    assert err["extensions"] == {"code": "BAD_USER_INPUT", "field": "pagination.offset"}


async def test_location_validation_names_the_field(served) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    for loc, field in (({"latitude": 91, "longitude": 0, "radius": 1}, "location.latitude"),
                       ({"latitude": 0, "longitude": 181, "radius": 1}, "location.longitude"),
                       ({**CENTRE, "radius": -1}, "location.radius"),
                       ({**CENTRE, "radius": 5000}, "location.radius")):
        err = await gql.error(CPS_NEAR, {"location": loc})
        assert err["extensions"]["code"] == "BAD_USER_INPUT"
        assert err["extensions"]["field"] == field


async def test_filters_query_and_connector_filters(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    filters = (await gql.data(doc_query("filters")))["filters"]
    slugs = {flt["slug"]: [o["slug"] for o in flt["options"]] for flt in filters}
    assert set(slugs) == {"TYPE_OF_CURRENT", "POWER_CLASS", "FILTER_BY_CONNECTOR_TYPE"}
    assert slugs["TYPE_OF_CURRENT"] == ["AC", "DC"]

    async def only(flt: list[dict], **kw: Any) -> set[str]:
        return set(_ids(await _near(gql, 11, filter=flt, **kw)))

    a, b, c, d = (world[k]["uuid"] for k in "ABCD")
    assert await only([{"slug": "TYPE_OF_CURRENT", "options": ["DC"]}]) == {a, c}
    assert await only([{"slug": "FILTER_BY_CONNECTOR_TYPE", "options": ["CHADEMO"]}]) == {c}
    assert await only([{"slug": "FILTER_BY_CONNECTOR_TYPE", "options": ["CHADEMO", "SCHUKO"]}]
                      ) == {c, d}
    assert await only([{"slug": "POWER_CLASS", "options": ["FROM_150_KW"]}]) == {a}
    assert await only([{"slug": "TYPE_OF_CURRENT", "options": ["AC"]},
                       {"slug": "POWER_CLASS", "options": ["UP_TO_22_KW"]}]) == {a, b, d}
    assert await only([], freeOfCharge=True) == {b}
    # every option the filters query offers is accepted back
    for slug, options in slugs.items():
        await _near(gql, 1, filter=[{"slug": slug, "options": options}])
    err = await gql.error(CPS_NEAR, {"location": {**CENTRE, "radius": 5},
                                     "filter": [{"slug": "POWER_CLASS", "options": ["FAST"]}]})
    assert err["extensions"]["code"] == "BAD_USER_INPUT"
    assert "FAST" in err["message"] and "POWER_CLASS" in err["extensions"]["field"]


async def test_tag_id_limits_to_stations_the_card_can_use(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    a, b, c = (world[k]["uuid"] for k in "ABC")
    assert set(_ids(await _near(gql, 5, tagId="04A1B2C3D4E5F6"))) == {a, b}  # not roaming C
    assert set(_ids(await _near(gql, 5, tagId="04AAAAAAAAAAAA"))) == {a, b, c}
    for tag in ("04BBBBBBBBBBBB", "04CCCCCCCCCCCC", "FFFFFFFFFFFFFF"):
        page = await _near(gql, 5, tagId=tag)
        assert page["data"] == [] and page["pagination"]["totalCount"] == 0, tag
    err = await gql.error(CPS_NEAR, {"location": {**CENTRE, "radius": 5}, "tagId": " "})
    assert err["extensions"] == {"code": "BAD_USER_INPUT", "field": "tagId"}
    paged = (await gql.data(doc_query("cpsPaged"), {"tagId": "04A1B2C3D4E5F6"}))["cpsPaged"]
    assert c not in _ids(paged) and paged["pagination"]["totalCount"] == 4
    dc = (await gql.data(doc_query("cpsPaged"), {
        "tagId": "04A1B2C3D4E5F6", "filter": [{"slug": "TYPE_OF_CURRENT", "options": ["DC"]}]}
    ))["cpsPaged"]
    assert _ids(dc) == [a] and dc["pagination"]["totalCount"] == 1  # C is DC but roaming


async def test_cps_paged_without_location_lists_all_by_id(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    page = (await gql.data(doc_query("cpsPaged"), {}))["cpsPaged"]
    assert _ids(page) == [world[k]["uuid"] for k in "CABDE"]
    assert page["pagination"]["totalCount"] == 5


async def test_cp_detail_renders_every_documented_field(served, world) -> None:  # type: ignore[no-untyped-def]
    core, gql = served
    cp = (await gql.data(doc_query("cp", depth=4), {"id": world["A"]["uuid"]}))["cp"]
    assert cp["id"] == world["A"]["uuid"] and cp["country"] == "DEU"
    assert cp["siteId"] == world["s1"] and cp["site"]["id"] == world["s1"]
    assert cp["site"]["label"] == "Alexanderplatz" and cp["site"]["company"] == "Test Energy"
    assert {c["id"] for c in cp["site"]["cps"]} == {world["A"]["uuid"], world["B"]["uuid"]}
    assert cp["accessType"] == "INTERNAL" and cp["isFavoured"] is False
    assert cp["images"] == [{"url": core.url("/images/a-front.jpg")}]
    assert cp["contact"] == {"phone": "+49 30 1234567", "email": "hotline@test-energy.example"}
    assert cp["status"]["simple"] in ("Available", "Occupied", "Unavailable")
    type2, ccs = cp["connectors"]
    assert type2["id"] == str(world["A"]["connector_ids"][0])
    assert type2["evseId"] == world["A"]["evse_ids"][0] and type2["sortOrder"] == "1"
    assert type2["connectorType"]["chargePointType"] == "AC"
    assert type2["connectorType"]["maxPowerRating"] == 22.0
    assert ccs["connectorType"]["standard"] == "IEC_62196_T2_COMBO"
    assert type2["status"] == {"connectorId": type2["id"], "ocpp": "Available",
                               "calculated": "Available", "simple": "Available"}
    assert type2["cp"]["id"] == cp["id"]
    info = cp["information"]
    hours = info["openingTimes"]
    assert hours["description"] == "Mon-Fri 08:00-20:00"
    assert hours["regularHours"][0] == {"weekday": 1, "operatingHours":
                                        {"begin": "08:00:00", "end": "20:00:00"}}
    assert hours["exceptionalClosings"] == [{"begin": "2026-12-24T00:00:00Z",
                                            "end": "2026-12-27T00:00:00Z"}]
    assert "0.49 EUR/kWh" in info["payment"]
    err = await gql.error(doc_query("cp"), {"id": "no-such-station"})
    assert err["extensions"] == {"code": "NOT_FOUND", "field": "id"}


async def test_connector_lookups(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    cid = str(world["B"]["connector_ids"][0])
    by_id = (await gql.data(doc_query("connector", 3), {"id": cid}))["connector"]
    assert by_id["freeOfCharge"] is True and by_id["cp"]["id"] == world["B"]["uuid"]
    by_evse = (await gql.data(doc_query("connectorByEvseId", 3),
                              {"evseId": world["B"]["evse_ids"][0]}))["connectorByEvseId"]
    assert by_evse["id"] == cid
    assert (await gql.error(doc_query("connector"), {"id": "999999"}))["extensions"]["code"] \
        == "NOT_FOUND"
    assert (await gql.error(doc_query("connector"), {"id": "abc"}))["extensions"]["code"] \
        == "BAD_USER_INPUT"
    err = await gql.error(doc_query("connectorByEvseId"), {"evseId": "DE*XXX*E0*1"})
    assert err["extensions"] == {"code": "NOT_FOUND", "field": "evseId"}
    deprecated = (await gql.data(doc_query("connectorsPaged"),
                                 {"pagination": {"limit": 2, "offset": 1}}))["connectorsPaged"]
    assert deprecated["pagination"] == {"isLastPage": False, "offset": 1, "limit": 2,
                                        "totalCount": 6}
    assert [c["id"] for c in deprecated["data"]] == [str(i) for i in world["A"]["connector_ids"]]


async def test_sites_and_locations(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    loc = {"location": {**CENTRE, "radius": 5}}
    sites = (await gql.data(doc_query("sitesPagedLocationBased", 3), loc)
             )["sitesPagedLocationBased"]
    assert [s["id"] for s in sites["data"]] == [world["s1"], world["s2"]]
    assert len(sites["data"][0]["cps"]) == 2
    locs = (await gql.data(doc_query("locationsLocationBased", 3), loc))["locationsLocationBased"]
    first, second = locs["locations"]
    assert first["type"] == "Site" and first["id"] == world["s1"]
    assert len(first["connectors"]) == 3  # A's two and B's one
    assert second["type"] == "Cp" and second["id"] == world["C"]["uuid"]
    assert locs["pagination"]["totalCount"] == 2
    every = (await gql.data(doc_query("locationsPaged"), {}))["locationsPaged"]
    assert every["pagination"]["totalCount"] == 4
    plain = (await gql.data(doc_query("sitesPaged"),
                            {"filter": [{"slug": "FILTER_BY_CONNECTOR_TYPE",
                                         "options": ["SCHUKO"]}]}))["sitesPaged"]
    assert plain["pagination"]["totalCount"] == 1
    site = (await gql.data(doc_query("site", 3), {"id": world["s2"]}))["site"]
    assert [c["id"] for c in site["cps"]] == [world["C"]["uuid"]]


async def test_capabilities_occupancy_rates_settings(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    caps = doc_query("cpCapabilities")
    # hasRemoteCommands means "a charger is connected over OCPP right now": the core clears
    # the stored flag at start, so A only has it while a real OCPP client is connected.
    assert (await gql.data(caps, {"id": world["A"]["uuid"]}))["cpCapabilities"] == {
        "hasRemoteCommands": False}
    sim = Simulator(gql.base_url, specs=[StationSpec(world["A"]["uuid"])], speed=50)
    await sim.start()
    try:
        await sim.wait_online(20)
        assert (await gql.data(caps, {"id": world["A"]["uuid"]}))["cpCapabilities"] == {
            "hasRemoteCommands": True}
    finally:
        await sim.stop()
    assert (await gql.data(caps, {"id": world["C"]["uuid"]}))["cpCapabilities"] == {
        "hasRemoteCommands": False}
    assert (await gql.error(caps, {"id": "nope"}))["extensions"]["code"] == "NOT_FOUND"

    occ = doc_query("cpOccupancyRate")
    monday = (await gql.data(occ, {"cpId": world["A"]["uuid"], "day": "MONDAY"})
              )["cpOccupancyRate"]
    assert [(r["day"], r["hour"]) for r in monday] == [("MONDAY", h) for h in range(24)]
    assert monday[8]["occupancyRate"] == 0.25 and monday[9]["occupancyRate"] == 0.75  # measured
    assert all(0 <= r["occupancyRate"] <= 1 for r in monday)
    every = (await gql.data(occ, {"cpId": world["A"]["uuid"], "day": "ALL"}))["cpOccupancyRate"]
    assert len(every) == 7 * 24 and every[0]["day"] == "MONDAY" and every[-1]["day"] == "SUNDAY"
    assert every[2 * 24 + 8] == {"day": "WEDNESDAY", "hour": 8, "occupancyRate": 0.5}
    ccs = str(world["A"]["connector_ids"][1])
    old = await gql.data(doc_query("occupancyRate"), {"connectors": [ccs], "day": "WEDNESDAY"})
    assert old["occupancyRate"][8] == {"day": "WEDNESDAY", "hour": 8, "occupancyRate": 0.5}
    assert len(old["occupancyRate"]) == 24

    rp = doc_query("ratePackageByConnectorId", 3)
    packages = (await gql.data(rp, {"id": str(world["A"]["connector_ids"][0])})
                )["ratePackageByConnectorId"]
    assert [p["id"] for p in packages] == world["packages"]
    assert packages[0]["amount"] == 5.0 and packages[0]["visibleRuntime"] == 60
    assert packages[0]["rate"]["id"] == world["rate_option"]
    assert (await gql.data(rp, {"id": str(world["B"]["connector_ids"][0])})
            )["ratePackageByConnectorId"] == []
    options = (await gql.data(doc_query("contractRateOptions")))["contractRateOptions"]
    assert [o["id"] for o in options] == [world["rate_option"]]

    settings = doc_query("settings")
    assert {"key": "world.currency", "value": "EUR"} in (await gql.data(settings))["settings"]
    assert (await gql.data(settings, {"key": "world.currency"}))["settings"] == [
        {"key": "world.currency", "value": "EUR"}]
    assert (await gql.data(settings, {"key": "nope"}))["settings"] == []
    every = {s["key"]: s["value"] for s in (await gql.data(settings))["settings"]}
    assert every["api.location.radiusUnit"] == "km"
    assert every["api.pagination.maxLimit"] == "100"
    assert every["auth.sessionTokenMinutes"] == "60"


async def test_is_favoured_per_user(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    login = await gql.data(doc_query("initSession"), {"username": "world@example.com",
                                                      "password": "world-secret-1"})
    token = login["initSession"]["sessionToken"]
    await gql.data(doc_query("setFavouriteCps"), {"ids": [world["B"]["uuid"]]}, token=token)
    mine = await _near(gql, 5)
    assert all(cp["isFavoured"] is False for cp in mine["data"])  # anonymous
    page = (await gql.data(CPS_NEAR, {"location": {**CENTRE, "radius": 5}}, token=token)
            )["cpsPagedLocationBased"]
    assert {cp["id"]: cp["isFavoured"] for cp in page["data"]} == {
        world["A"]["uuid"]: False, world["B"]["uuid"]: True, world["C"]["uuid"]: False}


async def test_delete_cp_is_forbidden(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    err = await gql.error(doc_query("deleteCp"), {"id": world["A"]["uuid"]})
    assert err["extensions"]["code"] == "UNAUTHENTICATED"


def _no_subscriber(core: Any, topic: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return core.bus.subscriber_count(topic) == 0

    return check


async def test_feed_status_update_pushes_changes(served, world) -> None:  # type: ignore[no-untyped-def]
    core, gql = served
    watched, other = world["A"]["connector_ids"]
    async with WsClient.connect(gql.base_url) as ws:  # type: ignore[attr-defined]
        await ws.subscribe("1", doc_query("feedStatusUpdate"), {"connectors": [str(watched)]})
        assert core.bus.subscriber_count(f"connector:{watched}") == 1  # subscribe confirms
        await publish_connector_status(core, other, "Faulted")  # not subscribed: not sent
        await publish_connector_status(core, watched, "Charging")
        got = await ws.next("1")
        assert got == {"data": {"feedStatusUpdate": {
            "connectorId": str(watched), "ocpp": "Charging", "calculated": "Charging",
            "simple": "Occupied"}}}
        await publish_connector_status(core, watched, "Available")
        got = await ws.next("1")
        assert got["data"]["feedStatusUpdate"]["simple"] == "Available"
        await ws.complete("1")
    # the store has the change too (one transaction with the station's status)
    conn = (await gql.data(doc_query("connector"), {"id": str(other)}))["connector"]
    assert conn["status"]["ocpp"] == "Faulted" and conn["status"]["simple"] == "Faulted"
    cp = (await gql.data(doc_query("cp"), {"id": world["A"]["uuid"]}))["cp"]
    assert cp["status"]["simple"] == "Available"
    await eventually(_no_subscriber(core, f"connector:{watched}"))  # unsubscribed on complete


async def test_feed_status_update_refuses_unknown_connectors(served) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    async with WsClient.connect(gql.base_url) as ws:  # type: ignore[attr-defined]
        await ws.subscribe("x", doc_query("feedStatusUpdate"), {"connectors": ["999999"]})
        msg = await ws.receive()
        assert msg["type"] == "error" and msg["id"] == "x"
        assert msg["payload"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_dropped_websocket_releases_its_subscription(served, world) -> None:  # type: ignore[no-untyped-def]
    core, gql = served
    watched = world["B"]["connector_ids"][0]
    topic = f"connector:{watched}"
    async with WsClient.connect(gql.base_url) as ws:  # type: ignore[attr-defined]
        await ws.subscribe("1", doc_query("feedStatusUpdate"), {"connectors": [str(watched)]})
        assert core.bus.subscriber_count(topic) == 1
    # the client went away without "complete": the server must drop the subscription
    await eventually(_no_subscriber(core, topic))


async def test_image_links_follow_the_host_the_client_used(served, world) -> None:  # type: ignore[no-untyped-def]
    _core, gql = served
    r = await gql.client.post(gql.endpoint, headers={"Host": "kiosk.local:8080"}, json={
        "query": 'query($id: ID!) { cp(id: $id) { images { url } } }',
        "variables": {"id": world["A"]["uuid"]}})
    assert r.json()["data"]["cp"]["images"] == [
        {"url": "http://kiosk.local:8080/images/a-front.jpg"}]
