"""The CPO role: the document's CPO examples as written (real ids: this test's partner
identifier, fresh station and EVSE ids, real UIDs), and what they do: a pushed station and
its statuses show up for an OEM's station-get-surface and station-get-by-ids and in the
be.ENERGISED status feed; a reported session lands in the driver's history in both APIs;
partner identifiers and stations stay with the partner that pushed them."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.core.services import partners
from services.core.store.db import connect
from tests.clients.beenergised import Gql, WsClient
from tests.clients.plugsurfing import CPO_KEY, Answer, Oioi, user_ref
from tests.contract.plugsurfing.doc_examples import examples
from tests.contract.plugsurfing.shapes import check_shape
from tests.contract.plugsurfing.world import TEST1, User, fresh_uid, register

EXAMPLES = {"station-post", "connector-post-status", "session-post", "rfid-verify",
            "rfid-post"}
STATUS_FEED = """subscription ($connectors: [ID]!) {
  feedStatusUpdate(connectors: $connectors) { connectorId ocpp calculated simple }
}"""


@pytest.fixture(scope="module")
def cpo(core_url: str) -> Iterator[Oioi]:
    client = Oioi(core_url, key=CPO_KEY)
    yield client
    client.close()


@pytest.fixture(scope="module")
def oem(core_url: str) -> Iterator[Oioi]:
    client = Oioi(core_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def identifier() -> str:
    """This test's partner identifier: random and at least 16 characters (the glossary)."""
    return f"voltra-test-{secrets.token_hex(12)}"


def documented(kind: str, answer: Answer) -> None:
    assert answer.status == 200 and answer.code == 0, (kind, answer)
    check_shape(examples()[kind].responses[0], answer.body, kind)


def written(kind: str) -> dict[str, Any]:
    return copy.deepcopy(examples()[kind].request[kind])


def posted_station(identifier: str, *, deleted: bool, lat: float = 1.123, lon: float = 2.345
                   ) -> tuple[dict[str, Any], list[str]]:  # fmt: skip
    """The example station with fresh ids (its own id and EVSE ids)."""
    fields = written("station-post")
    fields["partner-identifier"] = identifier
    station = fields["station"]
    station["id"] = f"test-{secrets.token_hex(6)}"
    evses = [f"DE*8PS*E{secrets.token_hex(4).upper()}" for _ in station["connectors"]]
    for connector, evse in zip(station["connectors"], evses, strict=True):
        connector["id"] = evse
    station.update(deleted=deleted, latitude=lat, longitude=lon)
    return fields, evses


def surface_around(oem: Oioi, lat: float, lon: float) -> list[dict[str, Any]]:
    return oem.ok("station-get-surface", {"min-lat": lat - 0.001, "max-lat": lat + 0.001,
                                          "min-long": lon - 0.001, "max-long": lon + 0.001}
                  )["stations"]


def test_station_post_example_creates_a_deleted_station(cpo: Oioi, oem: Oioi,
                                                        identifier: str) -> None:
    # As written, the example pushes a station with "deleted": true: it is kept, not shown.
    fields, _ = posted_station(identifier, deleted=True)
    documented("station-post", cpo("station-post", fields))
    assert surface_around(oem, 1.123, 2.345) == []


def test_a_pushed_station_and_its_status_reach_every_api(cpo: Oioi, oem: Oioi, gql: Gql,
                                                          identifier: str) -> None:
    fields, evses = posted_station(identifier, deleted=False, lat=48.1001, lon=11.5001)
    documented("station-post", cpo("station-post", fields))
    found = surface_around(oem, 48.1001, 11.5001)
    assert [s["name"] for s in found] == ["test"]
    detail = oem.ok("station-get-by-ids", {"station-ids": [found[0]["id"]]})
    station = detail["stations"][0]
    assert [c["external-id"] for c in station["connectors"]] == evses
    assert [(c["name"], c["speed"]) for c in station["connectors"]] == [("Schuko", "3.7kW"),
                                                                        ("Type2", "11.1kW")]
    assert station["open-hour-notes"] == written("station-post")["station"]["open-hour-notes"]
    assert station["address"]["street"] == "streetname 123a"
    assert station["address"]["country"] == "Germany"
    assert station["description"] == "Nice station!" and station["floor-level"] == 1
    assert station["contact"]["web"] == "www.example.com"
    assert station["last-static-change"] and station["is-open-24"] is False
    assert detail["companies"][0]["id"] == station["operator-company-id"]
    connector_ids = [c["id"] for c in station["connectors"]]

    # connector-post-status, as written with the station's EVSE ID
    status = written("connector-post-status")
    status.update({"connector-id": evses[0], "partner-identifier": identifier})
    documented("connector-post-status", cpo("connector-post-status", status))
    statuses = surface_around(oem, 48.1001, 11.5001)[0]["connector-statuses"]
    assert statuses[str(connector_ids[0])] == "Available"
    assert statuses[str(connector_ids[1])] == "Unknown"  # never reported

    # be.ENERGISED finds the same station
    cps = gql.data("{ cpsPagedLocationBased(location: {latitude: 48.1001, longitude: 11.5001,"
                   " radius: 0.5}, pagination: {limit: 5}) { data { label connectors {"
                   " id evseId } } } }")["cpsPagedLocationBased"]["data"]
    assert any(c["evseId"] == evses[0] for p in cps for c in p["connectors"]), cps

    # a second push updates; deleting hides it from every search; pushing again restores
    fields["station"]["name"] = "renamed"
    documented("station-post", cpo("station-post", fields))
    assert [s["name"] for s in surface_around(oem, 48.1001, 11.5001)] == ["renamed"]
    fields["station"]["deleted"] = True
    documented("station-post", cpo("station-post", fields))
    assert surface_around(oem, 48.1001, 11.5001) == []
    gone = oem.ok("station-get-by-ids", {"station-ids": [found[0]["id"]]})
    assert gone["stations"] == []
    fields["station"]["deleted"] = False
    documented("station-post", cpo("station-post", fields))
    assert [s["id"] for s in surface_around(oem, 48.1001, 11.5001)] == [found[0]["id"]]


def test_pushes_stay_with_their_partner(cpo: Oioi, oem: Oioi, identifier: str) -> None:
    fields, evses = posted_station(identifier, deleted=False, lat=48.2, lon=11.6)
    documented("station-post", cpo("station-post", fields))
    # the connectors of an existing station cannot change
    changed = copy.deepcopy(fields)
    changed["station"]["connectors"] = changed["station"]["connectors"][:1]
    assert cpo("station-post", changed).code == 230
    # another station may not take an EVSE ID in use
    other, _ = posted_station(identifier, deleted=False)
    other["station"]["connectors"][0]["id"] = evses[0]
    answer = cpo("station-post", other)
    assert answer.code == 230 and "in use" in answer.message, answer
    # another partner may neither use this identifier nor touch these connectors
    stranger = {"connector-id": evses[0], "status": "Offline",
                "partner-identifier": identifier}
    assert oem("connector-post-status", stranger).code == 220  # an OEM key: not its role
    # a station of another operator (the demo CPO speaks for Voltra Charge, VOL)
    foreign = oem.ok("station-get-surface", {"min-lat": 35, "max-lat": 70, "min-long": -10,
                                             "max-long": 30})["stations"]
    by_ids = oem.ok("station-get-by-ids", {"station-ids": [s["id"] for s in foreign[:10]]})
    evse = {c["external-id"].split("*")[1]: c["external-id"]
            for st in by_ids["stations"] for c in st["connectors"]}
    assert set(evse) - {"VOL", "8PS"}, evse
    other_operator = next(v for k, v in evse.items() if k not in ("VOL", "8PS"))
    assert cpo("connector-post-status", {**stranger, "connector-id": other_operator}).code == 181
    assert cpo("connector-post-status", {**stranger, "partner-identifier": ""}).code == 211


def test_an_identifier_belongs_to_the_partner_that_used_it_first(
        cpo: Oioi, core_url: str, core_db: Path, identifier: str) -> None:
    conn = connect(core_db)
    try:
        key = partners.create_credential(conn, "plugsurfing", "Second test CPO", role="cpo",
                                         organisation="Second test CPO org").secret
    finally:
        conn.close()
    other = Oioi(core_url, key=key)
    try:
        fields, evses = posted_station(identifier, deleted=False, lat=48.5, lon=11.9)
        refused = other("station-post", fields)
        assert (refused.code, refused.status) == (211, 403), refused
        documented("station-post", cpo("station-post", fields))
        own = f"second-cpo-{secrets.token_hex(10)}"
        status = {"connector-id": evses[0], "partner-identifier": own, "status": "Offline"}
        # its own identifier, but not its station
        assert other("connector-post-status", status).code == 181
        assert other("rfid-post", {"rfids": [], "partner-identifier": identifier}).code == 211
    finally:
        other.close()


def _driver_with_key(oem: Oioi) -> tuple[User, str]:
    user, uid = register(oem, "cdr"), fresh_uid()
    oem.ok("user-add-rfid", {"user": user.ref(), "rfid": uid})
    return user, uid


def test_session_post_lands_in_the_drivers_history(cpo: Oioi, oem: Oioi, gql: Gql,
                                                    identifier: str) -> None:
    fields, evses = posted_station(identifier, deleted=False, lat=48.3, lon=11.7)
    documented("station-post", cpo("station-post", fields))
    user, uid = _driver_with_key(oem)
    cdr = written("session-post")
    cdr.update({"connector-id": evses[1], "partner-identifier": identifier,
                "session-id": f"cdr-{secrets.token_hex(8)}"})
    cdr["user"]["identifier"] = uid
    documented("session-post", cpo("session-post", cdr))
    sessions = oem.ok("user-get-recent-sessions", {"user": user.ref()})["user"]["sessions"]
    assert len(sessions) == 1, sessions
    s = sessions[0]
    assert s["external-session-id"] == cdr["session-id"]
    assert s["energy-consumed"] == 16.5 and (s["cost"], s["currency"]) == ("14.32", "EUR")
    assert s["session-interval"] == {"start": "2010-01-01T11:00:00+00:00",
                                     "end": "2010-01-01T17:00:00+00:00"}
    assert s["charging-interval"]["end"] == "2010-01-01T16:00:00+00:00"
    # the same session in be.ENERGISED's history of that driver
    token = gql.data("mutation($u: String!, $p: String!) { initSession(username: $u,"
                     " password: $p) { sessionToken } }",
                     {"u": user.email, "p": user.password})["initSession"]["sessionToken"]
    logs = gql.data("{ chargelogsPaged { data { id status authId energyConsumption } } }",
                    token=token)["chargelogsPaged"]["data"]
    assert [(x["status"], x["authId"], x["energyConsumption"]) for x in logs] == [
        ("stopped", uid, 16.5)]
    # A running session (no stop) is reported again with its stop: one session, updated.
    running = copy.deepcopy(cdr)
    running["session-id"] = f"cdr-{secrets.token_hex(8)}"
    running["session-interval"] = {"start": "2010-02-01T11:00:00+00:00"}
    for key in ("charging-interval", "energy-consumed", "calculated-cost"):
        del running[key]
    documented("session-post", cpo("session-post", running))
    mine = oem.ok("user-get-recent-sessions", {"user": user.ref()})["user"]["sessions"]
    assert [x["session-interval"]["end"] for x in mine if
            x["external-session-id"] == running["session-id"]] == [None]
    running["session-interval"]["stop"] = "2010-02-01T12:00:00+00:00"
    documented("session-post", cpo("session-post", running))
    mine = oem.ok("user-get-recent-sessions", {"user": user.ref()})["user"]["sessions"]
    assert len(mine) == 2 and mine[0]["session-interval"]["end"] == "2010-02-01T12:00:00+00:00"
    # a date beyond the calendar, a stop before the start, a driver the core does not know
    for interval in ({"start": "2010-01-01T11:00:00+00:00", "stop": "9999-12-31T23:59:59-14:00"},
                     {"start": "2010-01-01T11:00:00+00:00", "stop": "2009-01-01T11:00:00Z"},
                     {"start": "2010-01-01 11:00"}):
        bad = cpo("session-post", {**cdr, "session-interval": interval})
        assert bad.code == 230 and "session-interval" in bad.message, bad
    cdr["user"]["identifier"] = "0477BD22AA4AAA"
    assert cpo("session-post", cdr).code == 191


def test_rfid_verify_answers_for_the_documents_uids(cpo: Oioi, oem: Oioi) -> None:
    fields = written("rfid-verify")
    fields["rfid"] = "04523022AA4881"  # the document's active UID of test1, who can pay
    documented("rfid-verify", cpo("rfid-verify", fields))
    assert cpo("rfid-verify", {"rfid": "0477BD22AA4880"}).code == 192  # inactive, no user
    assert cpo("rfid-verify", {"rfid": "0477BD22AA4AAA"}).code == 191  # does not exist
    _user, uid = _driver_with_key(oem)  # a new driver has no payment method
    assert cpo("rfid-verify", {"rfid": uid}).code == 193
    assert cpo("rfid-verify", {"rfid": "0452302"}).code == 190
    test1 = oem.sign_in(*TEST1)
    oem.ok("user-block-rfid", {"user": user_ref(TEST1[0], test1), "rfid": "04523022AA4881"})
    try:
        assert cpo("rfid-verify", {"rfid": "04523022AA4881"}).code == 192
    finally:
        oem.ok("user-unblock-rfid", {"user": user_ref(TEST1[0], test1),
                                     "rfid": "04523022AA4881"})


def test_rfid_post_replaces_the_whitelist(cpo: Oioi, identifier: str) -> None:
    fields = written("rfid-post")  # as written: "12345678", "abcdefab"
    fields["partner-identifier"] = identifier
    answer = cpo("rfid-post", fields)
    documented("rfid-post", answer)
    assert answer.body["rfid"] == {"processed": 2}
    again = cpo("rfid-post", {**fields, "rfids": ["12345678", "ABCDEF0123456789ABCD"]})
    assert again.body["rfid"] == {"processed": 1}
    bad = cpo("rfid-post", {**fields, "rfids": ["12345678", "XYZ"]})
    assert bad.code == 190 and "rfids.1" in bad.message, bad


async def test_a_pushed_status_reaches_the_be_energised_feed(cpo: Oioi, oem: Oioi, gql: Gql,
                                                            identifier: str) -> None:
    fields, evses = posted_station(identifier, deleted=False, lat=48.4, lon=11.8)
    documented("station-post", cpo("station-post", fields))
    station = surface_around(oem, 48.4, 11.8)[0]
    connector = next(k for k, _v in sorted(station["connector-statuses"].items()))
    status = {"connector-id": evses[0], "partner-identifier": identifier, "status": "Occupied"}
    async with WsClient.connect(gql.base_url) as ws:
        await ws.subscribe("s", STATUS_FEED, {"connectors": [connector]})
        documented("connector-post-status", cpo("connector-post-status", status))
        got = (await ws.next("s"))["data"]["feedStatusUpdate"]
        assert (got["connectorId"], got["ocpp"], got["simple"]) == (connector, "Charging",
                                                                     "Occupied"), got
        cpo("connector-post-status", {**status, "status": "Reserved"})
        got = (await ws.next("s"))["data"]["feedStatusUpdate"]
        assert (got["ocpp"], got["simple"]) == ("Reserved", "Occupied"), got
        await ws.complete("s")
    detail = oem.ok("station-get-by-ids", {"station-ids": [station["id"]]})["stations"][0]
    assert detail["connectors"][0]["status"] == "Reserved"
