"""The plugsurfing provider against an OIOI endpoint under respx: each request goes out as
the document writes it (request type key, field names, the user object, the partner key
header), and each answer becomes the neutral model."""

from __future__ import annotations

import copy

import pytest
import respx

from services import models as m
from services.credentials import LoginVault, MemoryStore
from services.http import RetryPolicy
from services.provider import (
    Capability,
    CardRejected,
    InvalidCredentials,
    InvalidInput,
    NotSupported,
)
from services.providers.plugsurfing import PlugsurfingProvider
from services.registry import open_provider, resume_saved_login

from . import examples as ex
from .fake import BASE, KEY, FakeOioi, result

EMAIL = "test1@plugsurfing.com"
TOKEN = "e2af72d7a9084431ab0b1a5c42df7745"
GELDERN = m.Coordinates(latitude=51.5162, longitude=6.3225)


async def _no_sleep(_s: float) -> None:
    return None


@pytest.fixture
def oioi():
    with respx.mock(assert_all_called=False) as router:
        fake = FakeOioi(router)
        fake.on("user-verify", ex.USER_VERIFY)
        fake.on("user-get-details", ex.USER_GET_DETAILS)
        fake.on("user-get-charging-keys", ex.USER_GET_CHARGING_KEYS)
        fake.on("station-get-surface", ex.STATION_GET_SURFACE)
        fake.on("station-get-by-ids", ex.STATION_GET_BY_IDS)
        yield fake


async def _open(**kw) -> PlugsurfingProvider:
    return await open_provider(
        "plugsurfing",
        BASE,
        m.Credentials(username=EMAIL, password="test", api_key=KEY),
        retry=RetryPolicy(sleep=_no_sleep),
        poll_interval_s=0.01,
        **kw,
    )


def _user(token: str = TOKEN) -> dict:
    return {"identifier-type": "username", "identifier": EMAIL, "token": token}


async def test_login_verifies_the_user_and_sends_the_key_and_token(oioi):
    p = await _open()
    try:
        assert p.is_logged_in and p.username == EMAIL and p.evco_id == "DE*8PS*156456730*9"
        kind, fields, headers = oioi.sent[0]
        assert kind == "user-verify"
        assert fields == {
            "username": EMAIL,
            "password": "test",
            "is-token": False,
            "language": "en",
        }
        assert headers["authorization"] == f"key={KEY}"
        assert headers["content-type"] == "application/json"
        assert oioi.fields("user-get-details") == [{"user": _user()}]
        assert Capability.RENAME_CARD not in p.capabilities
        assert Capability.CHOOSE_CARD_UID in p.capabilities
        shown = repr(m.Credentials(username=EMAIL, password="test", api_key=KEY))
        assert shown == f"Credentials(username='{EMAIL}')"
    finally:
        await p.close()


async def test_a_saved_login_resumes_with_the_token_not_the_password(oioi):
    vault = LoginVault(MemoryStore())
    p = await _open(vault=vault)
    saved = vault.load("plugsurfing", BASE)
    assert saved is not None and saved.username == EMAIL
    assert "test" not in saved.refresh_token.replace(TOKEN, "")
    await p.close()

    fresh = await open_provider("plugsurfing", BASE, vault=vault)
    try:
        profile = await resume_saved_login(fresh, vault, "plugsurfing", BASE)
        assert profile is not None and fresh.is_logged_in
        verify = oioi.fields("user-verify")[-1]
        assert verify["is-token"] is True and verify["password"] == TOKEN
        assert oioi.sent[-1][2]["authorization"] == f"key={KEY}"
    finally:
        await fresh.close()


async def test_radius_search_asks_for_the_box_and_keeps_the_circle(oioi):
    p = await _open()
    try:
        page = await p.search_stations(
            m.SearchQuery(
                centre=GELDERN,
                radius_km=5,
                filters=m.StationFilters(plug_types=[m.PlugType.TYPE2], min_power_kw=22),
            )
        )
        surface = oioi.fields("station-get-surface")[0]
        assert surface["min-lat"] < 51.5162 < surface["max-lat"]
        assert surface["min-long"] < 6.3225 < surface["max-long"]
        assert 0.08 < surface["max-lat"] - surface["min-lat"] < 0.1  # 2 x 5 km
        assert surface["filters"] == {"connector-types": ["Type2"], "connector-speeds-greater": 22}
        # both surface stations are within 5 km; nearest first, completed by id
        assert [s.id for s in page.items] == ["1169", "1622"]
        assert page.items[0].distance_km < page.items[1].distance_km
        assert oioi.fields("station-get-by-ids") == [{"station-ids": [1169, 1622]}]
        assert page.items[0].operator == "RWE" and len(page.items[0].connectors) == 2
        assert page.items[1].status.total == 1  # not in the detail answer: the marker stays
        assert page.total == 2 and page.is_last

        far = await p.search_stations(
            m.SearchQuery(centre=m.Coordinates(latitude=51.6, longitude=6.3225), radius_km=5)
        )
        assert far.items == [] and far.total == 0
    finally:
        await p.close()


async def test_details_are_asked_for_ten_stations_at_a_time(oioi):
    many = {
        "stations": [
            {"id": 100 + i, "name": f"S{i}", "latitude": 51.5 + i / 10000, "longitude": 6.3}
            for i in range(23)
        ],
        **ex.OK,
    }
    oioi.on("station-get-surface", many)
    oioi.on("station-get-by-ids", {"stations": [], **ex.OK})
    p = await _open()
    try:
        box = m.BoundingBox(south=51.4, west=6.2, north=51.6, east=6.4)
        page = await p.search_stations(m.SearchQuery(bbox=box, offset=0, limit=23))
        assert len(page.items) == 23
        sizes = sorted(len(f["station-ids"]) for f in oioi.fields("station-get-by-ids"))
        assert sizes == [3, 10, 10]
        second = await p.search_stations(m.SearchQuery(bbox=box, offset=20, limit=10))
        assert [s.id for s in second.items] == ["120", "121", "122"] and second.is_last
    finally:
        await p.close()


async def test_station_detail_by_id(oioi):
    p = await _open()
    try:
        s = await p.get_station("1770")
        assert s.name == "Torgauer Straße" and s.opening_hours.always_open
        assert oioi.fields("station-get-by-ids")[-1] == {"station-ids": [1770]}
    finally:
        await p.close()


async def test_cards_add_block_and_unblock_by_uid(oioi):
    oioi.on("user-add-rfid", ex.OK)
    oioi.on("user-block-rfid", ex.OK)
    oioi.on("user-unblock-rfid", ex.USER_UNBLOCK_RFID)
    p = await _open()
    try:
        cards = await p.list_cards()
        assert [c.id for c in cards] == ["ABCDABCD", "ABCDABCF"]
        assert oioi.fields("user-get-charging-keys") == [{"user": _user()}]

        await p.add_card("4523022aa4881")
        assert oioi.fields("user-add-rfid") == [{"user": _user(), "rfid": "04523022AA4881"}]
        with pytest.raises(InvalidInput) as bad:
            await p.add_card("not-hex!")
        assert bad.value.field == "uid"
        with pytest.raises(InvalidInput):
            await p.add_card("1" * 21)

        blocked = await p.block_card("ABCDABCD")
        assert blocked.status is m.CardStatus.BLOCKED
        assert oioi.fields("user-block-rfid") == [{"user": _user(), "rfid": "ABCDABCD"}]
        assert (await p.list_cards())[0].status is m.CardStatus.BLOCKED
        with pytest.raises(CardRejected):
            await p.start_charging("11452", "ABCDABCD")
        assert oioi.fields("session-start") == []

        unblocked = await p.unblock_card("ABCDABCD")
        assert unblocked.status is m.CardStatus.ACTIVE
        assert oioi.fields("user-unblock-rfid") == [{"user": _user(), "rfid": "ABCDABCD"}]
        with pytest.raises(NotSupported):
            await p.rename_card("ABCDABCD", "Mine")
    finally:
        await p.close()


def _running(energy: float, *, end: str | None = None) -> dict:
    return {
        "user": {
            "sessions": [
                {
                    "request-sent": "2026-01-01T10:00:00+01:00",
                    "connector-id": 11452,
                    "charging-station-id": 1169,
                    "session-interval": {"start": "2026-01-01T10:00:01+01:00", "end": end},
                    "charging-interval": {"start": "2026-01-01T10:00:02+01:00", "end": end},
                    "energy-consumed": energy,
                    "cost": "0.50",
                    "currency": "EUR",
                    "external-session-id": "abcdef-123456-abc123-456def",
                    "address": "Südwall 32, 47608 Geldern",
                }
            ]
        },
        **ex.OK,
    }


async def test_start_names_the_evse_and_the_contract_then_stop_until_ended(oioi):
    oioi.on("session-start", ex.SESSION_START_STOPPABLE)
    oioi.on("session-stop", ex.OK)
    polls = iter((0.5, 1.5))

    def recent(_fields: dict) -> dict:
        if oioi.fields("session-stop"):
            return _running(2.0, end="2026-01-01T10:30:00+01:00")
        return _running(next(polls, 1.5))

    oioi.on("user-get-recent-sessions", recent)
    p = await _open()
    steps: list[str] = []
    try:
        await p.get_station("1169")
        session = await p.start_charging(
            "11452", "ABCDABCF", progress=lambda s: steps.append(s.step)
        )
        assert oioi.fields("session-start") == [
            {
                "user": {
                    "identifier-type": "evco-id",
                    "identifier": "DE*8PS*C12346",
                    "token": TOKEN,
                },
                "connector-id": "DE*123*E000000002",
            }
        ]
        assert session.id == "abcdef-123456-abc123-456def"
        assert session.state is m.SessionState.CHARGING and session.energy_kwh == 0.5
        assert session.card_id == "ABCDABCF"
        assert steps == ["requested", "sent", "accepted", "charging"]
        live = await p.get_session(session.id)
        assert live.energy_kwh == 1.5

        stopped = await p.stop_charging(session.id)
        assert stopped.state is m.SessionState.FINISHED and stopped.energy_kwh == 2.0
        stop = oioi.fields("session-stop")[0]
        assert stop["connector-id"] == "DE*123*E000000002"
        assert stop["session-id"] == "abcdef-123456-abc123-456def"
        assert stop["user"]["identifier-type"] == "evco-id"
    finally:
        await p.close()


async def test_a_session_that_cannot_be_stopped_says_so(oioi):
    oioi.on(
        "session-start",
        {
            "session-start": {"session-id": "s-9", "is-stoppable": False},
            "result": {"code": 11, "message": "charging"},
        },
    )
    oioi.on("user-get-recent-sessions", {"user": {"sessions": []}, **ex.OK})
    p = await _open()
    try:
        session = await p.start_charging("DE*123*E000000002", "ABCDABCD")
        assert session.state is m.SessionState.CHARGING  # 011: charging at once
        with pytest.raises(NotSupported) as refused:
            await p.stop_charging("s-9")
        assert "Unplug" in refused.value.message
        assert oioi.fields("session-stop") == []
    finally:
        await p.close()


async def test_history_is_paged_newest_first_and_bills_are_documents(oioi):
    oioi.on("user-get-recent-sessions", ex.USER_GET_RECENT_SESSIONS)
    oioi.on("user-get-bills", ex.USER_GET_BILLS)
    oioi.on("user-get-recent-stations", ex.USER_GET_RECENT_STATIONS)
    p = await _open()
    try:
        page = await p.history(limit=1)
        assert not page.is_last and not oioi.fields("user-get-bills")
        assert page.items[0].energy_kwh == 0.053  # started 16:38, after 16:32
        rest = await p.history(offset=1, limit=1)
        assert rest.items[0].energy_kwh == 3.0 and not rest.is_last and rest.total == 5
        # past the recent sessions: the older ones the bills name, by id alone
        older = await p.history(offset=2, limit=10)
        assert [s.id for s in older.items] == [
            "6a2f25f6-0a88-1293-5ab0-0e3da7abcdef",
            "6a2f25f6-a82c-1234-9090-0e3da7abcde1",
            "6a2f25f6-927f-6578-1432-8394caabcde2",
        ]
        assert older.is_last and older.total == 5
        assert all(s.state is m.SessionState.FINISHED and s.started_at is None for s in older.items)
        assert len(oioi.fields("user-get-bills")) == 2

        stats = await p.statistics()
        assert stats.sessions == 2 and stats.cost == 5.79 and stats.months[0].month == "2014-06"

        docs = await p.documents()
        assert [d.download_url.rsplit("/", 1)[-1] for d in docs.items] == [
            "Invoice-201503051-10000.pdf",
            "Invoice-201503052-10000.pdf",
        ]
        interval = oioi.fields("user-get-bills")[0]["date-interval"]
        assert interval["start"] < interval["end"] and interval["end"][-6] in "+-"

        # the detail of the recent stations, one of which this service no longer sells
        detail = copy.deepcopy(ex.STATION_GET_BY_IDS)
        detail["stations"] = [dict(detail["stations"][0], id=1248, name="Hotel Station")]
        oioi.on("station-get-by-ids", detail)
        recent = await p.recent_stations(limit=2)
        assert [(s.id, s.name) for s in recent] == [("1248", "Hotel Station")]
        assert recent[0].connectors
        assert oioi.fields("user-get-recent-stations") == [{"user": _user(), "limit": 2}]
        assert oioi.fields("station-get-by-ids")[-1] == {"station-ids": [1247, 1248]}
    finally:
        await p.close()


async def test_register_logs_in_and_profile_edits_send_details(oioi):
    oioi.on("user-register", ex.USER_REGISTER)
    oioi.on("user-post-details", ex.OK, ex.USER_POST_DETAILS_REFUSED)
    oioi.on("user-reset", ex.OK)
    oioi.on("user-logout", ex.OK)
    p = await open_provider("plugsurfing", BASE, api_key=KEY)
    try:
        profile = await p.register(
            m.Registration(
                email="new@example.com", password="pw-123456", first_name="Ada", language="de"
            )
        )
        assert oioi.fields("user-register") == [
            {
                "username": "new@example.com",
                "email": "new@example.com",
                "password": "pw-123456",
                "language": "de",
            }
        ]
        assert p.is_logged_in and profile.email == "new@example.com"
        assert oioi.fields("user-post-details")[0]["details"] == {"first-name": "Ada"}
        assert oioi.fields("user-post-details")[0]["user"]["token"] == TOKEN

        edited = m.Profile(
            email="new@example.com",
            last_name="Lovelace",
            address=m.Address(
                street="Torgauer Str. 12-15", postal_code="10829", city="Berlin", country="DE"
            ),
        )
        with pytest.raises(InvalidInput) as refused:
            await p.update_profile(edited)
        assert "VAT" in refused.value.message
        assert oioi.fields("user-post-details")[1]["details"]["address"] == {
            "street": "Torgauer Str.",
            "street-number": "12-15",
            "zip": "10829",
            "city": "Berlin",
            "country": "DE",
        }

        await p.reset_password("new@example.com")
        assert oioi.fields("user-reset") == [{"identifier": "new@example.com"}]
        oioi.on("user-change-password", ex.OK, result(140, "current-password: not correct"))
        await p.change_password("mailed-code-1", "pw-654321")
        assert oioi.fields("user-change-password") == [
            {
                "username": "new@example.com",
                "current-password": "mailed-code-1",
                "new-password": "pw-654321",
            }
        ]
        with pytest.raises(InvalidCredentials) as wrong:
            await p.change_password("nope-nope", "pw-654321")
        assert "current password" in wrong.value.message
        await p.logout()
        assert not p.is_logged_in
        assert oioi.fields("user-logout") == [
            {"user": _user().copy() | {"identifier": "new@example.com"}}
        ]
    finally:
        await p.close()


async def test_a_full_surface_answer_is_asked_again_nearer_the_centre(oioi):
    """A back end that returns at most 100 stations, the lowest ids first, none of them
    near the centre: the nearest come from the smaller box."""
    far = [
        {"id": i, "name": f"Far {i}", "latitude": 51.55 + i / 100000, "longitude": 6.36}
        for i in range(1, 101)
    ]
    near = [{"id": 900, "name": "Near", "latitude": 51.5163, "longitude": 6.3226}]

    def surface(fields: dict) -> dict:
        small = fields["max-lat"] - fields["min-lat"] < 0.1
        return {"stations": near if small else far, **ex.OK}

    oioi.on("station-get-surface", surface)
    oioi.on("station-get-by-ids", {"stations": [], **ex.OK})
    p = await _open()
    try:
        page = await p.search_stations(m.SearchQuery(centre=GELDERN, radius_km=20, limit=3))
        assert [s.id for s in page.items] == ["900", "1", "2"]
        assert page.total is None  # the first answer was cut short: the total is unknown
        assert len(oioi.fields("station-get-surface")) == 2
    finally:
        await p.close()


async def test_a_long_answer_that_left_nothing_out_keeps_its_total(oioi):
    many = [
        {"id": i, "name": f"S{i}", "latitude": 51.5162 + i / 100000, "longitude": 6.3225}
        for i in range(1, 121)
    ]
    oioi.on("station-get-surface", {"stations": many, **ex.OK})
    oioi.on("station-get-by-ids", {"stations": [], **ex.OK})
    p = await _open()
    try:
        page = await p.search_stations(m.SearchQuery(centre=GELDERN, radius_km=20, limit=5))
        assert page.total == 120 and [s.id for s in page.items] == ["1", "2", "3", "4", "5"]
        assert len(oioi.fields("station-get-surface")) > 1  # asked again nearer the centre
    finally:
        await p.close()
