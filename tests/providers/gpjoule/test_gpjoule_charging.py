"""Start, stop, history and statistics over GP JOULE CONNECT (respx): the shared flows with
this API's remoteStart/remoteStop answers, refusals read for the driver, sessions placed at
their station from the catalogue, time ranges and sums computed on the device."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import respx

from services import models as m
from services.provider import (
    CardRejected,
    ChargerRejected,
    ConnectorUnavailable,
    NoVehicle,
)
from tests.providers.gpjoule.fake_backend import KEY, Backend, data, provider

CONTACT = {"id": "contact-7", "email": "driver@example.com"}
CARD = {"tagId": "TAG1", "active": True, "name": "Mine"}


def session(sid: str, status: str, *, start: str | None, end: str | None = None, wh: int = 0, **kw):
    return {
        "id": sid,
        "cardId": "TAG1",
        "status": status,
        "startTime": start,
        "endTime": end,
        "meterStart": 1000,
        "meterTotal": wh,
        "connector": {"connectorId": "conn-1", "evse": "DE*GPJ*E1"},
        **kw,
    }


async def signed_in(backend: Backend):
    backend.on("getContacts", data("getContacts", [CONTACT]))
    backend.on("getCards", data("getCards", [CARD, {"tagId": "OLD", "active": False}]))
    p = provider()
    await p.login(m.Credentials(username="driver@example.com", api_key=KEY))
    await p.list_cards()
    return p


@respx.mock
async def test_start_follows_the_session_until_it_charges():
    backend = Backend(respx.mock)
    p = await signed_in(backend)
    backend.on("remoteStart", data("remoteStart", {"session": "s-1", "status": "ACCEPTED"}))
    waiting = session("s-1", "ACTIVE", start=None)  # accepted, vehicle not plugged in yet
    ongoing = session("s-1", "ACTIVE", start="2026-11-30T10:00:00Z", wh=120)
    backend.on(
        "getChargingSession",
        data("getChargingSession", waiting),
        data("getChargingSession", waiting),
        data("getChargingSession", ongoing),
    )
    steps = []
    s = await p.start_charging("conn-1", "TAG1", progress=lambda st: steps.append(st.step))
    assert backend.sent("remoteStart") == [{"connectorId": "conn-1", "tagId": "TAG1"}]
    assert s.id == "s-1" and s.state is m.SessionState.CHARGING and s.energy_kwh == 0.12
    assert len(backend.sent("getChargingSession")) == 3
    assert steps == ["requested", "sent", "charging"]
    await p.close()


@respx.mock
async def test_a_session_that_stops_before_charging_is_a_failed_start():
    backend = Backend(respx.mock)
    p = await signed_in(backend)
    backend.on("remoteStart", data("remoteStart", {"session": "s-2", "status": "ACCEPTED"}))
    backend.on(
        "getChargingSession",
        data("getChargingSession", session("s-2", "ACTIVE", start=None)),
        data(
            "getChargingSession", session("s-2", "STOPPED", start=None, end="2026-11-30T10:01:00Z")
        ),
    )
    with pytest.raises(ChargerRejected) as failed:
        await p.start_charging("conn-1", "TAG1")
    assert "before charging began" in failed.value.detail
    await p.close()


@respx.mock
async def test_a_start_answered_without_a_session_id_is_found_by_card_and_connector():
    backend = Backend(respx.mock)
    p = await signed_in(backend)
    backend.on("remoteStart", data("remoteStart", {"status": "PENDING", "message": "sent"}))
    ongoing = session("s-9", "STARTED", start="2026-11-30T10:00:00Z")
    backend.on(
        "getChargingSessions",
        data("getChargingSessions", []),
        data("getChargingSessions", [ongoing]),
    )
    backend.on("getChargingSession", data("getChargingSession", ongoing))
    s = await p.start_charging("conn-1", "TAG1")
    assert s.id == "s-9" and s.state is m.SessionState.CHARGING
    looked_up = backend.sent("getChargingSessions")[0]
    assert looked_up == {
        "contactId": "contact-7",
        "tagId": "TAG1",
        "active": True,
        "offset": 0,
        "limit": 100,
    }
    await p.close()


@pytest.mark.parametrize(
    ("status", "message", "error", "reason"),
    [
        ("OCCUPIED", "Connector is occupied", ConnectorUnavailable, "occupied"),
        ("OFFLINE", "Charge point is offline", ConnectorUnavailable, "offline"),
        ("REJECTED", "Card is blocked", CardRejected, None),
        ("NO_VEHICLE", "No vehicle connected", NoVehicle, None),
        (
            "REJECTED",
            "Rejected by the charger: it refused to start charging.",
            ChargerRejected,
            None,
        ),
        ("CANCELLED", "Cancelled by the driver before charging began.", ChargerRejected, None),
        ("CARD_EXPIRED", "Card expired: this card is past its expiry date.", CardRejected, None),
        (
            "OUT_OF_ORDER",
            "Connector out of order: the charger reports it unavailable.",
            ConnectorUnavailable,
            "faulted",
        ),
    ],
)
@respx.mock
async def test_refused_starts_become_what_the_driver_must_do(status, message, error, reason):
    backend = Backend(respx.mock)
    p = await signed_in(backend)
    backend.on("remoteStart", data("remoteStart", {"status": status, "message": message}))
    with pytest.raises(error) as refused:
        await p.start_charging("conn-1", "TAG1")
    if reason is not None:
        assert refused.value.reason == reason
    assert message in (refused.value.detail or "")
    await p.close()


@respx.mock
async def test_a_blocked_card_is_refused_before_anything_is_sent():
    backend = Backend(respx.mock)
    p = await signed_in(backend)
    with pytest.raises(CardRejected):
        await p.start_charging("conn-1", "OLD")
    assert backend.sent("remoteStart") == []
    await p.close()


@respx.mock
async def test_stop_is_repeated_until_the_session_shows_it_stopped():
    backend = Backend(respx.mock)
    p = await signed_in(backend)
    ongoing = session("s-1", "ACTIVE", start="2026-11-30T10:00:00Z", wh=5000)
    stopped = session(
        "s-1",
        "STOPPED",
        start="2026-11-30T10:00:00Z",
        end="2026-11-30T10:30:00Z",
        wh=5400,
        costs=2.38,
        costsNet=2.0,
        taxAmount=0.38,
        currency="EUR",
    )
    backend.on(
        "getChargingSession",
        *[data("getChargingSession", ongoing)] * 3,
        data("getChargingSession", stopped),
    )
    backend.on("remoteStop", data("remoteStop", {"session": "s-1", "status": "ACCEPTED"}))
    done = await p.stop_charging("s-1")
    assert done.state is m.SessionState.FINISHED and done.energy_kwh == 5.4
    assert done.cost == m.Cost(total=2.38, currency="EUR", net=2.0, tax=0.38)
    assert backend.sent("remoteStop") == [{"session": "s-1"}]
    await p.close()


@respx.mock
async def test_history_pages_and_time_ranges_and_statistics():
    backend = Backend(respx.mock)
    p = await signed_in(backend)
    rows = [
        session(
            f"s-{i}",
            "STOPPED",
            start=f"2026-{month:02d}-10T08:00:00Z",
            end=f"2026-{month:02d}-10T09:00:00Z",
            wh=10_000,
            costs=4.0,
            currency="EUR",
        )
        for i, month in enumerate((11, 10, 10, 9))
    ] + [session("s-live", "ACTIVE", start="2026-11-30T10:00:00Z", wh=700)]
    backend.on(
        "getChargingSessions",
        lambda v: data("getChargingSessions", rows[v["offset"] : v["offset"] + v["limit"]]),
    )
    page = await p.history(offset=0, limit=2)
    assert [s.id for s in page.items] == ["s-0", "s-1"] and not page.is_last
    october = await p.history(
        since=datetime(2026, 10, 1, tzinfo=UTC), until=datetime(2026, 11, 1, tzinfo=UTC)
    )
    assert [s.id for s in october.items] == ["s-1", "s-2"] and october.total == 2
    stats = await p.statistics()
    assert (stats.sessions, stats.energy_kwh, stats.cost) == (4, 40.0, 16.0)
    assert [(mo.month, mo.sessions) for mo in stats.months] == [
        ("2026-09", 1),
        ("2026-10", 2),
        ("2026-11", 1),
    ]
    assert stats.duration_s == 4 * 3600
    active = await p.active_sessions()
    assert [s.id for s in active] == ["s-live"]
    assert backend.sent("getChargingSessions")[-1]["active"] is True
    await p.close()
