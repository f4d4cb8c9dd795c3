"""The driver journey through the GP JOULE CONNECT provider against the real embedded core
(``core_url``: a ``python -m services.core`` subprocess on 127.0.0.1) over real HTTP, with
simulated chargers connected to it over OCPP: sign in with the demo partner key and the
driver's e-mail, search near Berlin, start, watch the energy grow, stop, find the session in
the history with its cost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from services.models import (
    BoundingBox,
    Coordinates,
    Credentials,
    SearchQuery,
    SessionState,
    StartProgress,
    StationFilters,
)
from services.provider import CardRejected, InvalidCredentials, NotAuthenticated
from services.registry import open_provider
from tests.core_launcher import stop_process
from tests.waits import WITHIN_S, eventually

BERLIN = Coordinates(latitude=52.5200, longitude=13.4050)
DEMO_KEY = "gpjoule-demo-key"  # demo data only
DRIVER = Credentials(username="driver@example.com", api_key=DEMO_KEY)
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def simulated_chargers(core_url):
    """``python -m services.hardware`` for ten stations around Berlin centre, without
    background drivers (connectors stay free) and with a fast clock (energy grows quickly).
    Yields the URL of its control API."""
    cmd = [sys.executable, "-m", "services.hardware", "--core", core_url]
    cmd += ["--near", "52.5200,13.4050", "--radius", "2", "--count", "10"]
    cmd += ["--speed", "60", "--no-drivers", "--seed", "11"]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + WITHIN_S
        control = None
        while control is None and time.monotonic() < deadline:
            line = proc.stdout.readline().decode()
            if not line:
                break
            if line.startswith("Voltra hardware: "):
                control = line.rsplit("control API on ", 1)[-1].strip()
        if control is None:
            raise RuntimeError(f"simulator did not start (exit {proc.poll()})")
        yield control
    finally:
        stop_process(proc)


@pytest.fixture
async def provider(core_url):
    p = await open_provider("gpjoule", core_url + "/gpjoule", poll_interval_s=0.2)
    yield p
    await p.close()


async def test_key_and_email_are_checked_by_the_core(provider):
    with pytest.raises(InvalidCredentials) as refused:
        await provider.login(Credentials(username="driver@example.com", api_key="wrong-key-1"))
    assert "API key" in refused.value.message
    with pytest.raises(InvalidCredentials) as unknown:
        await provider.login(Credentials(username="nobody@example.com", api_key=DEMO_KEY))
    assert "e-mail" in unknown.value.message
    with pytest.raises(NotAuthenticated):
        await provider.search_stations(SearchQuery(centre=BERLIN, radius_km=2))
    profile = await provider.login(DRIVER)
    assert profile.email == "driver@example.com" and provider.is_logged_in


async def test_search_near_berlin_and_station_detail_by_id_and_evse(provider):
    await provider.login(DRIVER)
    page = await provider.search_stations(SearchQuery(centre=BERLIN, radius_km=5, limit=20))
    assert page.items and page.total >= len(page.items)
    dists = [s.distance_km for s in page.items]
    assert dists == sorted(dists) and dists[-1] <= 5
    viewport = await provider.search_stations(SearchQuery(bbox=_box_around(page.items[0])))
    assert page.items[0].id in {s.id for s in viewport.items}
    station = page.items[0]
    detail = await provider.get_station(station.id)
    assert detail.id == station.id and detail.connectors
    assert all(c.price is not None and c.price.per_kwh > 0 for c in detail.connectors)
    evse = next(c.evse_id for c in detail.connectors if c.evse_id)
    assert (await provider.station_by_evse(evse)).id == station.id


def _box_around(station):
    c = station.coordinates
    return BoundingBox(
        south=c.latitude - 0.01,
        west=c.longitude - 0.01,
        north=c.latitude + 0.01,
        east=c.longitude + 0.01,
    )


def _simulated(control: str) -> dict[str, dict]:
    stations = httpx.get(control.rstrip("/") + "/stations", timeout=30).json()
    return {s["id"]: s for s in stations if s["online"]}


async def _charging_target(provider, control: str):
    """An available connector of a station that a simulated charger serves."""

    async def find():
        simulated = _simulated(control)
        page = await provider.search_stations(
            SearchQuery(
                centre=BERLIN,
                radius_km=3,
                limit=200,
                filters=StationFilters(available_only=True),
            )
        )
        for s in page.items:
            if s.id in simulated:
                detail = await provider.get_station(s.id)
                free = [c for c in detail.connectors if c.status.value == "AVAILABLE"]
                if free:
                    return detail, free[0]
        await provider.catalogue.refresh()  # statuses change as chargers connect
        return None

    return await eventually(find)


async def test_charging_journey_start_energy_grows_stop_history_with_cost(
    provider, simulated_chargers
):
    await provider.login(DRIVER)
    card = next(c for c in await provider.list_cards() if c.status.value == "ACTIVE")
    station, connector = await _charging_target(provider, simulated_chargers)
    stats_before = await provider.statistics()
    steps: list[StartProgress] = []
    session = await provider.start_charging(
        connector.id, card.id, progress=steps.append, timeout_s=WITHIN_S
    )
    try:
        assert session.state is SessionState.CHARGING
        assert steps[0].step == "requested" and steps[-1].step == "charging"
        assert session.station_id == station.id and session.card_id == card.id
        first = await provider.get_session(session.id)

        async def grown():
            later = await provider.get_session(session.id)
            return later if later.energy_kwh > first.energy_kwh else None

        await eventually(grown)
        assert session.id in {s.id for s in await provider.active_sessions()}
    finally:
        stopped = await provider.stop_charging(session.id, timeout_s=WITHIN_S)
    assert stopped.state is SessionState.FINISHED
    assert stopped.energy_kwh > 0 and stopped.ended_at is not None
    cost = stopped.cost
    assert cost is not None and cost.total > 0
    assert cost.total == pytest.approx(cost.net + cost.tax, abs=0.011)

    hist = await provider.history(limit=20)
    mine = next(s for s in hist.items if s.id == session.id)
    assert mine.energy_kwh == pytest.approx(stopped.energy_kwh, abs=0.01)
    assert mine.cost is not None and mine.cost.total == stopped.cost.total
    stats = await provider.statistics()
    assert stats.sessions == stats_before.sessions + 1
    assert stats.energy_kwh == pytest.approx(stats_before.energy_kwh + stopped.energy_kwh, abs=0.05)


async def test_a_deactivated_card_is_refused_by_the_core_and_can_be_activated_again(
    provider, core_url, simulated_chargers
):
    await provider.login(DRIVER)
    card = next(c for c in await provider.list_cards() if c.status.value == "ACTIVE")
    _station, connector = await _charging_target(provider, simulated_chargers)
    # another device of the driver still shows the card active
    other = await open_provider("gpjoule", core_url + "/gpjoule", DRIVER, poll_interval_s=0.2)
    try:
        await other.list_cards()
        blocked = await provider.block_card(card.id)
        assert blocked.status.value == "BLOCKED"
        assert {c.id: c for c in await provider.list_cards()}[card.id].status.value == "BLOCKED"
        with pytest.raises(CardRejected):  # refused here, before anything is sent
            await provider.start_charging(connector.id, card.id, timeout_s=WITHIN_S)
        with pytest.raises(CardRejected) as by_core:  # refused by the core
            await other.start_charging(connector.id, card.id, timeout_s=WITHIN_S)
        assert by_core.value.detail
    finally:
        again = await provider.unblock_card(card.id)
        await other.close()
    assert again.status.value == "ACTIVE"
    renamed = await provider.rename_card(card.id, "Journey card")
    assert renamed.label == "Journey card"
