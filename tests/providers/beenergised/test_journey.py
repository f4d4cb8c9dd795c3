"""The driver journey through the services layer against the real embedded core
(``core_url``: a ``python -m services.core`` subprocess on 127.0.0.1), over real HTTP and
WebSocket, with simulated chargers connected to it over OCPP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from services.models import (
    Coordinates,
    Credentials,
    SearchQuery,
    SessionState,
    StartProgress,
    StationFilters,
)
from services.provider import (
    Capability,
    ChargerRejected,
    Conflict,
    ConnectorUnavailable,
    InvalidCredentials,
    InvalidInput,
    NotAuthenticated,
    NoVehicle,
)
from services.registry import implemented_providers, open_provider
from tests.clients.http import TIMEOUT_S as HTTP_TIMEOUT_S
from tests.core_launcher import stop_process
from tests.waits import WITHIN_S, eventually

BERLIN = Coordinates(latitude=52.5200, longitude=13.4050)
DRIVER = Credentials(username="driver@example.com", password="driver-demo")
@pytest.fixture(scope="module")
def simulated_chargers(core_url):
    """``python -m services.hardware`` for the stations around Berlin centre: real OCPP 1.6J
    clients connected to the session core; no background drivers, so connectors stay free,
    and a fast clock so energy grows quickly."""
    cmd = [
        sys.executable,
        "-m",
        "services.hardware",
        "--core",
        core_url,
        "--near",
        "52.5200,13.4050",
        "--radius",
        "2",
        "--count",
        "10",
        "--speed",
        "60",
        "--no-drivers",
        "--seed",
        "7",
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + WITHIN_S
        ready = False
        while time.monotonic() < deadline:
            line = proc.stdout.readline().decode()
            if not line:
                break
            if line.startswith("Voltra hardware: "):
                ready = True
                control = line.rsplit("control API on ", 1)[-1].strip()
                break
        if not ready:
            err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.poll() else ""
            raise RuntimeError(f"simulator did not start (exit {proc.poll()}): {err}")
        yield control
    finally:
        stop_process(proc)


@pytest.fixture
async def provider(core_url):
    p = await open_provider("beenergised", core_url, poll_interval_s=0.2)
    yield p
    await p.close()


async def _search(provider, **kw):
    return await provider.search_stations(SearchQuery(centre=BERLIN, radius_km=10, **kw))


async def _login(provider):
    return await provider.login(DRIVER)


async def test_registry_lists_the_five_documents_and_opens_beenergised(provider):
    assert "beenergised" in implemented_providers()
    assert Capability.CHARGING in provider.capabilities
    assert Capability.UNBLOCK_CARD not in provider.capabilities
    assert Capability.CHOOSE_CARD_UID not in provider.capabilities  # the back end issues UIDs


async def test_anonymous_search_then_station_detail(provider):
    # anonymous search near Berlin
    page = await _search(provider, limit=20)
    assert page.items, "no stations within 10 km of Berlin"
    assert not provider.is_logged_in
    dists = [s.distance_km for s in page.items]
    assert dists == sorted(dists) and dists[-1] <= 10.5
    station = page.items[0]
    assert station.connectors and station.coordinates.latitude

    detail = await provider.get_station(station.id)
    assert detail.id == station.id and detail.name
    assert detail.remote_start is not None
    assert {c.id for c in detail.connectors} == {c.id for c in station.connectors}


async def test_login_cards_favourites_history_statistics(provider, tmp_path):
    # personal data needs a login
    with pytest.raises(NotAuthenticated):
        await provider.list_cards()

    profile = await _login(provider)
    assert profile.email == DRIVER.username and provider.is_logged_in

    cards = await provider.list_cards()
    assert len([c for c in cards if c.status.value == "ACTIVE"]) >= 2

    # cards usable on a connector, with the rate that would apply
    fav = (await provider.favourites())[0]
    usable = await provider.cards_for_connector(fav.connectors[0].id)
    assert usable and {c.id for c in usable} <= {c.id for c in cards}
    assert all(c.rate for c in usable)

    new = await provider.add_card("04A1B2C3D4E5F6", label="Journey card")
    assert new.uid != "04A1B2C3D4E5F6"  # documented: this API assigns the UID
    assert new.id not in {c.id for c in cards} and new.uid
    renamed = await provider.rename_card(new.id, "Renamed journey card")
    assert renamed.label == "Renamed journey card"
    again = {c.id: c for c in await provider.list_cards()}
    assert again[new.id].label == "Renamed journey card"

    # favourites round trip, on one of the demo driver's favourites
    favourites = await provider.favourites()
    assert favourites, "the demo driver has favourites"
    station = favourites[0]
    assert station.favourite is True
    assert await provider.set_favourite(station.id, False) is False
    assert station.id not in {s.id for s in await provider.favourites()}
    assert await provider.set_favourite(station.id, True) is True
    assert station.id in {s.id for s in await provider.favourites()}
    assert next(s for s in await provider.favourites() if s.id == station.id).favourite

    # history and statistics of the demo driver
    hist = await provider.history(limit=5)
    assert hist.items and all(s.energy_kwh >= 0 for s in hist.items)
    assert hist.total and hist.total >= len(hist.items)
    finished = [s for s in hist.items if s.state is SessionState.FINISHED]
    assert finished and all(s.cost is not None and s.ended_at for s in finished)
    my_card_ids = {c.id for c in await provider.list_cards()}
    assert {s.card_id for s in hist.items} & my_card_ids  # tag ids resolved to cards
    stats = await provider.statistics()
    assert stats.sessions >= len(hist.items) and stats.energy_kwh > 0
    assert stats.cost > 0 and stats.months and sum(x.sessions for x in stats.months) > 0

    # "where I charged" map from the real history
    from services.mapexport import export_history

    html = (await export_history(provider, tmp_path / "where.html", limit=40)).read_text()
    assert html.count("L.circleMarker(") >= 1 and "sessions," in html

    await provider.logout()
    assert not provider.is_logged_in


async def _charging_target(provider):
    page = await _search(provider, limit=50, filters=StationFilters(available_only=True))
    for s in page.items:
        detail = await provider.get_station(s.id)
        if not detail.remote_start:
            continue
        for c in detail.connectors:
            if c.status.value == "AVAILABLE":
                return detail, c
    pytest.fail("no remotely startable station with an available connector near Berlin")


async def test_charging_journey_with_live_meter_history_statistics_and_status_feed(
    provider, simulated_chargers
):
    await _login(provider)
    cards = [c for c in await provider.list_cards() if c.status.value == "ACTIVE"]
    station, connector = await _charging_target(provider)
    stats_before = await provider.statistics()

    changes = []

    async def watch():
        async with contextlib.aclosing(provider.watch_status([connector.id])) as feed:
            async for change in feed:
                changes.append(change)

    watcher = asyncio.create_task(watch())
    steps: list[StartProgress] = []
    try:
        await _until_feed_is_live(simulated_chargers, station.id, connector, changes)
        session = await provider.start_charging(
            connector.id, cards[0].id, progress=steps.append, timeout_s=60
        )
        assert session.state is SessionState.CHARGING
        assert steps[0].step == "requested" and steps[-1].step == "charging"

        # live energy increases
        first = await provider.get_session(session.id)

        async def more_energy():  # type: ignore[no-untyped-def]
            later = await provider.get_session(session.id)
            return later.energy_kwh > first.energy_kwh

        await eventually(more_energy, interval=0.5)
        assert session.id in {s.id for s in await provider.active_sessions()}

        stopped = await provider.stop_charging(session.id)
        assert stopped.state is SessionState.FINISHED
        assert stopped.energy_kwh > 0 and stopped.cost is not None and stopped.cost.total > 0

        hist = await provider.history(limit=10)
        mine = next(s for s in hist.items if s.id == session.id)
        assert mine.energy_kwh == pytest.approx(stopped.energy_kwh, abs=0.01)
        assert mine.cost.total > 0

        stats = await provider.statistics()
        assert stats.sessions == stats_before.sessions + 1
        assert stats.energy_kwh == pytest.approx(
            stats_before.energy_kwh + stopped.energy_kwh, abs=0.05
        )

        async def occupied_seen() -> bool:
            return any(c.connector_id == connector.id and c.status.value == "OCCUPIED"
                       for c in changes)

        await eventually(occupied_seen)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await watcher
        await provider.logout()


async def test_register_login_renew_cards_profile_against_real_core(provider):
    """Runs on any core with the account resolvers: a fresh user, not the demo driver."""
    import uuid

    from services.models import Registration

    email = f"svc-{uuid.uuid4().hex[:10]}@example.com"
    profile = await provider.register(
        Registration(
            email=email,
            password="Journey-pass-1",
            first_name="Jo",
            last_name="Urney",
            accept_terms=True,
        )
    )
    assert profile.email == email
    with pytest.raises(Conflict):  # registerContact's ErrorBody for a taken email
        await provider.register(Registration(email=email, password="Journey-pass-1"))
    with pytest.raises(InvalidInput) as bad:
        await provider.register(Registration(email="not-an-email", password="Journey-pass-1"))
    assert bad.value.field and "email" in bad.value.field.lower()
    with pytest.raises(InvalidCredentials):
        await provider.login(Credentials(username=email, password="wrong-password-1"))
    me = await provider.login(Credentials(username=email, password="Journey-pass-1"))
    assert me.email == email and me.first_name == "Jo" and provider.is_logged_in

    old_refresh = provider.refresh_token
    await provider.gql.renew()  # renewSession with the refresh token as bearer
    assert provider.refresh_token and provider.is_logged_in
    assert (await provider.profile()).email == email
    assert old_refresh is not None

    me.first_name, me.language = "Johanna", "de"
    updated = await provider.update_profile(me)
    assert updated.first_name == "Johanna" and updated.language == "de"
    assert (await provider.profile()).first_name == "Johanna"

    card = await provider.add_card("", label="My first card")
    assert card.uid and card.label == "My first card"
    renamed = await provider.rename_card(card.id, "Work card")
    assert renamed.label == "Work card"
    listed = {c.id: c for c in await provider.list_cards()}
    assert listed[card.id].label == "Work card"
    blocked = await provider.block_card(card.id)
    assert blocked.status.value == "BLOCKED"

    # a saved refresh token logs in again without the password (on another device: the
    # refresh token rotates, so this one's session ends)
    saved = provider.refresh_token
    other = await open_provider("beenergised", provider.base_url, Credentials(refresh_token=saved))
    try:
        assert (await other.profile()).email == email
        await other.logout()
        assert not other.is_logged_in
    finally:
        await other.close()


async def _until_feed_is_live(control: str, station_id: str, connector, changes: list) -> None:  # type: ignore[no-untyped-def]
    """The feed carries no acknowledgement of a subscription, so the test makes its own
    event: it faults and clears the connector through the simulator's control API until the
    watcher has seen a change of it, then waits for AVAILABLE again. From then on no status
    change is missed."""
    url = f"{control}/stations/{station_id}/faults"
    number = connector.sort_order or 1

    def seen() -> list:
        return [c for c in changes if c.connector_id == connector.id]

    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as http:

        async def toggled_and_seen() -> bool:
            if not seen():
                for action in ("faulted", "clear"):
                    r = await http.post(url, json={"action": action, "connector": number})
                    assert r.status_code == 200, r.text
            return bool(seen())

        await eventually(toggled_and_seen, interval=0.5)

    async def available_again() -> bool:
        return seen()[-1].status.value == "AVAILABLE"

    await eventually(available_again)


def _fault(control: str, station_id: str, connector: int, action: str, off: bool = False):
    cmd = [
        sys.executable,
        "-m",
        "services.hardware",
        "fault",
        "--control",
        control,
        "--connector",
        str(connector),
        station_id,
        action,
    ]
    if off:
        cmd.append("--off")
    done = subprocess.run(
        cmd, capture_output=True, timeout=WITHIN_S, cwd=Path(__file__).resolve().parents[3]
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("reject_remote_start", ChargerRejected),
        ("no_vehicle", NoVehicle),
        ("faulted", ConnectorUnavailable),
    ],
)
async def test_real_charger_refusals_become_typed_errors(
    provider, simulated_chargers, action, expected
):
    await _login(provider)
    card = next(c for c in await provider.list_cards() if c.status.value == "ACTIVE")
    station, connector = await _charging_target(provider)
    _fault(simulated_chargers, station.id, connector.sort_order or 1, action)
    steps: list[StartProgress] = []
    try:
        with pytest.raises(expected) as info:
            session = await provider.start_charging(
                connector.id, card.id, progress=steps.append, timeout_s=60
            )
            await provider.stop_charging(session.id)  # only reached if the fault was ignored
        assert info.value.message  # a sentence for the driver
        if action == "faulted":
            assert info.value.reason == "faulted"
        assert steps[0].step == "requested"
    finally:
        off = action in ("reject_remote_start", "no_vehicle")
        _fault(
            simulated_chargers,
            station.id,
            connector.sort_order or 1,
            "clear" if action == "faulted" else action,
            off=off,
        )
        await provider.logout()
