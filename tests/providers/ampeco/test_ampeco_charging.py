"""Charging through the AMPECO provider against the real core with simulated chargers over
OCPP: a start with an energy limit the core enforces (the session ends by itself), the live
session growing, a stop, the session in history and statistics, receipts and invoices; a
reservation that shows on the connector, is cancelled, and one that the driver then charges
on; unlocking a cable."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from services.core.store.db import connect
from services.models import (
    ChargeLimits,
    ConnectorStatus,
    Coordinates,
    Credentials,
    ReservationStatus,
    SearchQuery,
    SessionState,
    StartProgress,
)
from services.provider import (
    CardRejected,
    ChargerRejected,
    ConnectorUnavailable,
    NotSupported,
)
from services.registry import open_provider
from tests.core_launcher import stop_process
from tests.waits import WITHIN_S, eventually

BERLIN = Coordinates(latitude=52.5200, longitude=13.4050)
DRIVER = Credentials(username="driver@example.com", api_key="ampeco-demo-token")  # demo only
DEMO_OPERATOR = "Voltra Charge"  # the operator the demo token acts for
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def simulated_chargers(core_url, core_db):
    """``python -m services.hardware`` for the demo operator's six stations nearest Berlin
    centre, without background drivers and with a fast clock."""
    conn = connect(core_db)
    try:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT s.uuid FROM stations s JOIN operators o ON o.id = s.operator_id"
                " WHERE o.name = ? ORDER BY (s.latitude - ?) * (s.latitude - ?)"
                " + (s.longitude - ?) * (s.longitude - ?) LIMIT 6",
                (DEMO_OPERATOR, BERLIN.latitude, BERLIN.latitude,
                 BERLIN.longitude, BERLIN.longitude),
            )
        ]
    finally:
        conn.close()
    cmd = [sys.executable, "-m", "services.hardware", "--core", core_url, "--ids", ",".join(ids)]
    cmd += ["--speed", "60", "--no-drivers", "--seed", "11"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
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
async def provider(core_url, simulated_chargers):
    p = await open_provider("ampeco", core_url, DRIVER, poll_interval_s=0.2)
    yield p
    await p.close()


async def free_connector(provider, *, skip: set[str] = frozenset()):
    """A free connector of a simulated charger (they connect after the core started)."""

    async def find():
        await provider.catalogue.refresh()
        page = await provider.search_stations(SearchQuery(centre=BERLIN, radius_km=20, limit=50))
        for s in page.items:
            if s.status.available:
                detail = await provider.get_station(s.id)
                for c in detail.connectors:
                    if c.status is ConnectorStatus.AVAILABLE and c.id not in skip:
                        return detail, c
        return None

    return await eventually(find)


async def active_card(provider):
    return next(c for c in await provider.list_cards() if c.status.value == "ACTIVE")


async def test_start_with_an_energy_limit_live_session_ends_at_the_limit_in_history(provider):
    card = await active_card(provider)
    station, connector = await free_connector(provider)
    stats_before = await provider.statistics()
    steps: list[StartProgress] = []
    session = await provider.start_charging(
        connector.id, card.id, progress=steps.append, timeout_s=WITHIN_S,
        limits=ChargeLimits(energy_kwh=1.0),
    )
    assert session.state is SessionState.CHARGING
    assert steps[0].step == "requested" and steps[-1].step == "charging"
    assert (session.station_id, session.connector_id, session.card_id) == (
        station.id, connector.id, card.id)
    assert session.id in {s.id for s in await provider.active_sessions()}

    async def live():
        s = await provider.get_session(session.id)
        return s if s.energy_kwh > 0 and s.power_kw and s.readings else None

    running = await eventually(live)
    assert running.readings[-1].energy_kwh is not None

    async def ended():
        s = await provider.get_session(session.id)
        return s if not s.state.is_active else None

    done = await eventually(ended)
    assert done.state is SessionState.FINISHED and done.energy_kwh >= 1.0
    assert done.ended_at is not None and done.cost is not None and done.cost.total > 0
    hist = await provider.history(limit=10)
    mine = next(s for s in hist.items if s.id == session.id)
    assert mine.energy_kwh == pytest.approx(done.energy_kwh, abs=0.01)
    assert hist.items == sorted(hist.items, key=lambda s: s.started_at, reverse=True)
    stats = await provider.statistics()
    assert stats.sessions == stats_before.sessions + 1
    # receipts and invoices as documents the driver can download
    docs = await provider.documents(limit=200)
    assert docs.total == len(docs.items) and docs.is_last
    kinds = {d.type for d in docs.items}
    assert "receipt" in kinds and kinds <= {"receipt", "invoice", "pro_forma", "credit_note"}
    assert docs.items[0].date.date() == done.ended_at.date()  # the newest is this session's
    assert all(d.download_url for d in docs.items)
    receipt = next(d for d in docs.items if d.id == f"receipt-{session.id}")
    async with httpx.AsyncClient(timeout=60) as browser:  # as a browser opens it: no token
        pdf = await browser.get(receipt.download_url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    dates = [d.date for d in docs.items if d.date]
    assert dates == sorted(dates, reverse=True)


async def test_start_live_and_stop_by_the_driver(provider):
    card = await active_card(provider)
    _station, connector = await free_connector(provider)
    session = await provider.start_charging(connector.id, card.id, timeout_s=WITHIN_S)
    try:
        first = await provider.get_session(session.id)

        async def grown():
            later = await provider.get_session(session.id)
            return later if later.energy_kwh > first.energy_kwh else None

        await eventually(grown)
    finally:
        stopped = await provider.stop_charging(session.id, timeout_s=WITHIN_S)
    assert stopped.state is SessionState.FINISHED and stopped.energy_kwh > 0
    assert session.id not in {s.id for s in await provider.active_sessions()}


async def test_reserve_shows_on_the_connector_holds_it_from_others_cancel_frees_it(
    provider, core_url
):
    station, connector = await free_connector(provider)
    with pytest.raises(NotSupported):  # the document's reserve takes no duration
        await provider.reserve(connector.id, minutes=30)
    held = await provider.reserve(connector.id)
    try:
        assert held.status is ReservationStatus.ACTIVE and held.connector_id == connector.id
        assert held.minutes and held.expires_at > held.reserved_at
        assert [r.id for r in await provider.reservations()] == [held.id]

        async def shown():
            c = next(c for c in (await provider.get_station(station.id)).connectors
                     if c.id == connector.id)
            return c if c.status is ConnectorStatus.OCCUPIED else None

        assert (await eventually(shown)).status_detail == "reserved"
        # another driver cannot start there while it is held
        stranger = Credentials(username=f"other-{uuid.uuid4().hex[:8]}@example.com",
                               api_key=DRIVER.api_key)
        other = await open_provider("ampeco", core_url, stranger, poll_interval_s=0.2)
        try:
            card = await other.add_card(uuid.uuid4().hex[:12].upper(), "Stranger")
            # refused by the core (ACCESS_RESTRICTED) or by the charger holding it
            with pytest.raises((CardRejected, ChargerRejected, ConnectorUnavailable)):
                await other.start_charging(connector.id, card.id, timeout_s=WITHIN_S)
        finally:
            await other.close()
    finally:
        cancelled = await provider.cancel_reservation(held.id)
    assert cancelled.status is ReservationStatus.CANCELLED
    assert await provider.reservations() == []

    async def freed():
        c = next(c for c in (await provider.get_station(station.id)).connectors
                 if c.id == connector.id)
        return c if c.status is ConnectorStatus.AVAILABLE else None

    await eventually(freed)


async def test_charge_on_the_reserved_connector_then_unlock_the_cable(
    provider, simulated_chargers
):
    card = await active_card(provider)
    _station, connector = await free_connector(provider)
    held = await provider.reserve(connector.id)
    session = await provider.start_charging(connector.id, card.id, timeout_s=WITHIN_S)
    try:
        assert session.state is SessionState.CHARGING and session.connector_id == connector.id
        assert held.id not in {r.id for r in await provider.reservations()}  # used
    finally:
        stopped = await provider.stop_charging(session.id, timeout_s=WITHIN_S)
    assert stopped.state is SessionState.FINISHED
    await provider.unlock_connector(connector.id)  # the charger answers Unlocked
    # the unlock reaches the simulated charger: with its lock stuck, the driver is told
    evse = await provider.api.data(f"/resources/evses/v2.1/{connector.id}")
    point = await provider.api.data(f"/resources/charge-points/v2.0/{evse['chargePointId']}")
    faults = f"{simulated_chargers}/stations/{point['network']['id']}/faults"
    async with httpx.AsyncClient(timeout=30) as control:
        (await control.post(faults, json={"action": "unlock_fails"})).raise_for_status()
        try:
            with pytest.raises(ChargerRejected):
                await provider.unlock_connector(connector.id)
        finally:
            await control.post(faults, json={"action": "unlock_fails", "on": False})
