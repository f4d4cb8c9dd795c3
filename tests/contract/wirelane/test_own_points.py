"""The organisation's own charge points: ``POST``/``PUT …/points`` create and change a
station of the one domain, which the other APIs show and a charger reaches over OCPP; and
sessions charged on the simulator appear in the organisation's sessions."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.core.store.db import connect
from services.hardware.charger import ConnectorSpec, StationSpec
from services.hardware.ev import Vehicle
from services.hardware.simulator import Simulator
from tests.clients.beenergised import Gql
from tests.clients.http import TIMEOUT_S
from tests.clients.wirelane import Wirelane, provision_charger
from tests.contract.wirelane import document
from tests.waits import WITHIN_S, eventually

POINT_EXTRA = ("payment_url",)


def new_point(**fields: Any) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:10]
    return {"charging_station_id": f"depot-{tag}", "charge_point_id": f"DEPOT-{tag}-1",
            "plug_types": ["TYPE_2"], "charging_type": "AC", "power": 22, "voltage": 230,
            "current": 32, "reservable": True, "authentication_types": ["card", "direct"],
            "status": "FREE", "country": "DE", "city": "Berlin", "zip_code": "10115",
            "street": "Invalidenstraße", "house_number": "50", "latitude": 52.5301,
            "longitude": 13.3801, "timezone": "Europe/Berlin", "serial_number": f"SN-{tag}",
            "display_id": "LEFT", "model": "Wallbox 22",
            "charging_group": [{"id": f"grp-{tag}", "name": "Depot"}], **fields}


def create(wl: Wirelane, token: str, body: dict[str, Any]) -> dict[str, Any]:
    r = wl.request("POST", "/points", token, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_a_created_point_is_a_station_of_the_one_domain(wl: Wirelane, admin: str,
                                                        gql: Gql) -> None:
    body = new_point()
    point = create(wl, admin, body)
    document.check("create_point", point, POINT_EXTRA)
    for name in ("charging_station_id", "charge_point_id", "evseid" if "evseid" in body else
                 "serial_number", "power", "voltage", "current", "reservable",
                 "authentication_types", "country", "city", "zip_code", "street",
                 "house_number", "timezone", "display_id", "model", "charging_group"):
        assert point[name] == body[name], name
    assert point["owner"] == "DEMOTENANT" and point["status"] == "UNKNOWN"  # no charger yet
    assert point["evseid"].startswith("DE*DEMOTENANT*")
    assert point["creation_date"] and point["update_date"]
    same = wl.ok(f"/points/charge_point_id/{body['charge_point_id']}", admin)
    assert same["id"] == point["id"]
    own = wl.ok("/points", admin, {"infrastructure_only": "1", "page_size": "1000"})
    assert point["id"] in {p["id"] for p in own}
    assert all(p["owner"] == "DEMOTENANT" for p in own)
    grouped = wl.ok("/points", admin, {"point_groups": body["charging_group"][0]["id"]})
    assert [p["id"] for p in grouped] == [point["id"]]
    outside = wl.ok("/points", admin, {"not_in_point_groups": body["charging_group"][0]["id"],
                                       "infrastructure_only": "1", "page_size": "1000"})
    assert point["id"] not in {p["id"] for p in outside}
    direct = wl.ok("/points", admin, {"auth_type": "direct", "reservable": "1",
                                      "page_size": "1000"})
    assert point["id"] in {p["id"] for p in direct}
    # the same station through the be.ENERGISED API
    answer = gql("query($id: String!) { cpCapabilities(id: $id) { hasRemoteCommands } }",
                 {"id": body["charging_station_id"]})
    assert answer.get("errors") is None, answer
    assert answer["data"]["cpCapabilities"]["hasRemoteCommands"] is False


def test_a_second_point_joins_its_station_and_put_changes_it(wl: Wirelane, admin: str) -> None:
    first = create(wl, admin, new_point())
    second_body = {"charging_station_id": first["charging_station_id"],
                   "charge_point_id": first["charge_point_id"][:-1] + "2",
                   "plug_types": ["CCS"], "power": 150}
    second = create(wl, admin, second_body)
    assert second["charging_type"] == "DC" and second["plug_types"] == ["CCS"]
    assert second["latitude"] == first["latitude"]
    station = wl.ok("/points", admin, {"charging_station_id": first["charging_station_id"]})
    assert [p["id"] for p in station] == [first["id"], second["id"]]
    r = wl.request("PUT", f"/points/id/{second['id']}", admin,
                   json={"charge_point_id": second["charge_point_id"], "power": 50,
                         "display_id": "RIGHT", "reservable": False, "street": "Chausseestraße",
                         "house_number": "8"})
    assert r.status_code == 200, r.text
    changed = r.json()
    document.check("update_point", changed, POINT_EXTRA)
    assert (changed["power"], changed["display_id"], changed["reservable"]) == (50, "RIGHT",
                                                                               False)
    assert changed["street"] == "Chausseestraße" and changed["house_number"] == "8"
    assert changed["voltage"] == 400  # DC, nothing stated
    again = wl.ok(f"/points/evseid/{second['evseid']}", admin)
    assert again == changed
    assert wl.ok(f"/points/id/{first['id']}", admin)["street"] == "Chausseestraße"


def test_points_of_others_cannot_be_changed(wl: Wirelane, admin: str) -> None:
    catalogue = wl.ok("/points", admin, {"page_size": "1"})[0]
    r = wl.request("PUT", f"/points/id/{catalogue['id']}", admin,
                   json={"charge_point_id": "MINE-NOW"})
    assert r.status_code == 403 and r.json()["parameter"] == "pointId"
    r = wl.request("POST", "/points", admin, json=new_point(
        charging_station_id=catalogue["charging_station_id"]))
    assert r.status_code == 422 and r.json()["parameter"] == "charging_station_id"
    r = wl.request("PUT", "/points/id/999999999", admin, json={"charge_point_id": "X"})
    assert r.status_code == 404 and r.json()["parameter"] == "pointId"


@pytest.mark.parametrize(("change", "status", "parameter"), [
    ({"charge_point_id": None}, 422, "charge_point_id"),
    ({"power": "fast"}, 422, "power"),
    ({"power": 0}, 422, "power"),
    ({"latitude": 95}, 422, "latitude"),
    ({"plug_types": ["TYPE_3"]}, 422, "plug_types"),
    ({"plug_types": ["TYPE_2", "CCS"]}, 422, "plug_types"),
    ({"plug_types": ["CCS"], "charging_type": "AC"}, 422, "charging_type"),
    ({"charging_type": "3PH"}, 422, "charging_type"),
    ({"authentication_types": ["fingerprint"]}, 422, "authentication_types.0"),
    ({"country": "XX"}, 422, "country"),
    ({"timezone": "Mars/Olympus"}, 422, "timezone"),
    ({"payment_url": "ftp://pay.example"}, 422, "payment_url"),
    ({"colour": "green"}, 422, "colour"),
    ({"charging_station_id": "has space"}, 422, "charging_station_id"),
    ({"latitude": None}, 422, "latitude"),
])
def test_bad_bodies_are_refused_naming_the_field(wl: Wirelane, admin: str, change: dict,
                                                 status: int, parameter: str) -> None:
    body = {k: v for k, v in {**new_point(), **change}.items() if v is not None}
    r = wl.request("POST", "/points", admin, json=body)
    assert r.status_code == status, r.text
    assert r.json()["parameter"] == parameter, r.json()


def test_duplicates_and_malformed_json_are_refused(wl: Wirelane, admin: str) -> None:
    point = create(wl, admin, new_point())
    r = wl.request("POST", "/points", admin, json=new_point(
        charge_point_id=point["charge_point_id"]))
    assert r.status_code == 422 and r.json()["parameter"] == "charge_point_id"
    r = wl.request("POST", "/points", admin, json=new_point(evseid=point["evseid"]))
    assert r.status_code == 422 and r.json()["parameter"] == "evseid"
    r = wl.request("POST", "/points", admin, content=b"{not json",
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["parameter"] == "body"


def _member_tags(db: Path, email: str) -> list[str]:
    conn = connect(db)
    try:
        return [r[0] for r in conn.execute(
            "SELECT k.tag_id FROM cards k JOIN users u ON u.id = k.user_id"
            " WHERE u.email = ? AND k.status = 'ACTIVE' ORDER BY k.id", (email,))]
    finally:
        conn.close()


async def _get(url: str, token: str, params: Any = None) -> Any:
    async with httpx.AsyncClient(timeout=TIMEOUT_S) as http:
        r = await http.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_charger_reaches_a_created_point_and_a_members_charge_shows_up(
        wl: Wirelane, admin: str, core_url: str, core_db: Path) -> None:
    body = new_point(plug_types=["CCS"], charging_type="DC", power=50, voltage=None,
                     current=None)
    body = {k: v for k, v in body.items() if v is not None}
    point = create(wl, admin, body)
    station = body["charging_station_id"]
    password = provision_charger(core_db, station)
    # a charger with its own credentials is held to real time: meter values every 0.3 s
    sim = Simulator(core_url, specs=[StationSpec(station, [ConnectorSpec(1, "DC", 50.0)],
                                                 password=password)],
                    speed=1, seed=7, meter_interval_s=0.3)
    await sim.start()
    try:
        await sim.wait_online(within_s=WITHIN_S)
        one = wl.org_path(f"/points/id/{point['id']}")

        async def free() -> bool:
            return (await _get(one, admin))["status"] == "FREE"

        await eventually(free)
        connector = sim.station(station).connectors[1]
        connector.plug_in(Vehicle("Test EV", 60.0, 11.0, 50.0, soc=20.0, target_soc=90.0))
        accepted = None
        for tag in _member_tags(core_db, "driver@example.com"):
            accepted = await connector.swipe(tag)
            if accepted == "Accepted":
                break
        assert accepted == "Accepted"
        sessions = wl.org_path("/sessions")
        params = {"charging_point_id": point["id"]}

        async def started() -> list[dict[str, Any]]:
            found = await _get(sessions, admin, params)
            return [s for s in found if s["status"] == "started" and (s["kwh"] or 0) > 0]

        running = (await eventually(started))[0]
        assert running["customer_email"] == "driver@example.com"
        assert (await _get(one, admin))["status"] == "IN_USE"
        connector.unplug()

        async def closed() -> list[dict[str, Any]]:
            found = await _get(sessions, admin, params)
            return [s for s in found if s["status"] == "closed"]

        done = (await eventually(closed))[0]
        assert done["session_id"] == running["session_id"]
        assert done["kwh"] >= running["kwh"] > 0
        assert done["meter_stop"] > done["meter_start"]
        assert done["charge_point_id"] == body["charge_point_id"]
        document.check("session", done)
    finally:
        await sim.stop()


async def test_a_members_charge_at_a_priced_station_shows_energy_and_cost(
        wl: Wirelane, admin: str, core_url: str, core_db: Path) -> None:
    # a catalogue station (it has a tariff) in the south, away from other tests' chargers
    points = wl.ok("/points", admin, {"lat": "48.137", "lon": "11.575", "distance": "50000",
                                      "charging_type": "AC", "page_size": "40"})
    assert points, "the demo data has AC points around Munich"
    target = points[-1]
    station = target["charging_station_id"]
    all_points = wl.ok("/points", admin, {"charging_station_id": station})
    specs = [ConnectorSpec(int(p["charge_point_id"].rsplit("-", 1)[1]), p["charging_type"],
                           p["power"]) for p in all_points]
    number = int(target["charge_point_id"].rsplit("-", 1)[1])
    sim = Simulator(core_url, specs=[StationSpec(station, specs)], speed=120, seed=11)
    await sim.start()
    try:
        await sim.wait_online(within_s=WITHIN_S)
        connector = sim.station(station).connectors[number]
        connector.plug_in(Vehicle("Test EV", 60.0, 11.0, 50.0, soc=20.0, target_soc=90.0))
        accepted = None
        for tag in _member_tags(core_db, "alex@example.com"):
            accepted = await connector.swipe(tag)
            if accepted == "Accepted":
                break
        assert accepted == "Accepted"
        sessions = wl.org_path("/sessions")
        params = {"charging_point_id": target["evseid"]}

        async def charging() -> list[dict[str, Any]]:
            found = await _get(sessions, admin, params)
            return [s for s in found if s["status"] == "started" and (s["kwh"] or 0) > 0.05]

        await eventually(charging)
        connector.unplug()

        async def closed() -> list[dict[str, Any]]:
            found = await _get(sessions, admin, params)
            return [s for s in found if s["status"] == "closed"
                    and s["customer_email"] == "alex@example.com"]

        done = (await eventually(closed))[0]
        assert done["kwh"] > 0 and done["price"] > 0 and done["currency"]
        assert done["tariff"] and 0 < done["tax_rate"] < 1
    finally:
        await sim.stop()
