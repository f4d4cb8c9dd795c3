"""A start through the merged provider on the cheapest account able to start, at a real
simulated charger (OCPP) of the real core: the session runs, stops, and is in the merged
history under that account."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from services.credentials import MemoryStore
from services.models import Coordinates, SearchQuery, SessionState, StationFilters
from services.multi.accounts import AccountBook
from services.multi.ids import split
from tests.core_launcher import stop_process
from tests.waits import WITHIN_S, eventually

BERLIN = Coordinates(latitude=52.5200, longitude=13.4050)
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def simulated_chargers(core_url):
    """Ten simulated stations around Berlin centre, no background drivers, fast clock;
    yields the URL of the simulator's control API."""
    cmd = [sys.executable, "-m", "services.hardware", "--core", core_url,
           "--near", "52.5200,13.4050", "--radius", "2", "--count", "10",
           "--speed", "60", "--no-drivers", "--seed", "13"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
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


class _Remembered(MemoryStore):
    remembered = True


@pytest.fixture
async def book(core_url, tmp_path):
    b = AccountBook(_Remembered(), tmp_path / "accounts.json",
                    provider_options={"gpjoule": {"poll_interval_s": 0.2}})
    await b.demo_accounts(core_url)
    yield b
    await b.close()


def _online(control: str) -> set[str]:
    stations = httpx.get(control.rstrip("/") + "/stations", timeout=30).json()
    return {s["id"] for s in stations if s["online"]}


async def _target(merged, control):
    """A free connector of a simulated station that some account can start at."""

    async def find():
        online = _online(control)
        query = SearchQuery(centre=BERLIN, radius_km=3, limit=200,
                            filters=StationFilters(available_only=True))
        for s in (await merged.search_stations(query)).items:
            natives = set(merged.links.stations[s.id].values())
            if not natives & online:
                continue
            detail = await merged.get_station(s.id)
            for c in detail.connectors:
                if c.status.value == "AVAILABLE" and any(o.can_start for o in c.offers):
                    return detail, c
        return None

    return await eventually(find)


async def test_start_on_the_cheapest_account_shows_in_merged_history(book, simulated_chargers):
    merged = book.merged()
    _station, connector = await _target(merged, simulated_chargers)
    account_id, card_id = await merged.cheapest_start(connector.id)
    capable = [o for o in connector.offers if o.can_start]
    assert account_id == capable[0].account_id
    assert card_id is not None and split(card_id)[0] == account_id

    session = await merged.start_charging(connector.id, card_id, timeout_s=WITHIN_S)
    try:
        assert session.state is SessionState.CHARGING
        assert session.account_id == account_id and split(session.id)[0] == account_id
        assert session.id in {s.id for s in await merged.active_sessions()}
    finally:
        stopped = await merged.stop_charging(session.id, timeout_s=WITHIN_S)
    assert stopped.state is SessionState.FINISHED and stopped.account_id == account_id

    history = await merged.history(limit=20)
    mine = next(s for s in history.items if s.id == session.id)
    assert mine.account_id == account_id
    assert mine.cost is not None and mine.cost.total == stopped.cost.total
    # the account it was started with shows it, whichever other account also sees it
    assert sum(1 for s in history.items if s.started_at == mine.started_at) == 1
