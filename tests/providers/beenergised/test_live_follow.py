"""Following a running session through the be.ENERGISED provider: against a real core with
a simulated charger over OCPP, the first meter value is visible within seconds, reads are
paced by the charger's samples (not a tight period), and the status feed ends the follow as
soon as the charger reports the stop; without the feed, reading alone gets there too."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from services.hardware.simulator import Simulator
from services.models import ChargingSession, Credentials, MeterReading, SessionState
from services.providers.beenergised import BeEnergisedProvider
from services.providers.beenergised.live import MeterPace, follow_session
from tests.core.charging.world import PASSWORD, seed
from tests.core_launcher import core_process
from tests.waits import WITHIN_S

SPEED = 6
SAMPLE_INTERVAL_S = 10


@pytest.fixture(scope="module")
def live_core(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("live") / "core.sqlite3"
    seeded = seed(db, stations=2)
    env = {"VOLTRA_OCPP_METER_INTERVAL": str(SAMPLE_INTERVAL_S)}
    with core_process(db, stations=0, seed=None, env=env) as url:
        yield url, seeded


@pytest.fixture(scope="module")
async def sim(live_core) -> AsyncIterator[Simulator]:  # type: ignore[no-untyped-def]
    url, seeded = live_core
    s = Simulator(url, specs=seeded.specs(), speed=SPEED, seed=5)
    await s.start()
    await s.wait_online(within_s=WITHIN_S)
    yield s
    await s.stop()


async def _provider(url: str) -> BeEnergisedProvider:
    p = BeEnergisedProvider(url)
    await p.login(Credentials(username="a@example.com", password=PASSWORD))
    return p


async def _follow_until_stopped(p, session_id, read, watch):  # type: ignore[no-untyped-def]
    """Follow; once power shows, stop the session; return (seconds to first power, reads
    until then, the updates, seconds from the charger's stop to the follow's end)."""
    updates: list[ChargingSession] = []
    t0 = time.monotonic()
    first_power_s = reads_then = None
    stopped_at = None
    async with asyncio.timeout(WITHIN_S):
        async for s in follow_session(session_id, read=read, watch=watch):
            updates.append(s)
            if first_power_s is None and (s.power_kw or 0) > 0:
                first_power_s = time.monotonic() - t0
                reads_then = read.calls  # type: ignore[attr-defined]
                await p.stop_charging(session_id, timeout_s=0.01 * WITHIN_S)
                stopped_at = time.monotonic()
    return first_power_s, reads_then, updates, time.monotonic() - (stopped_at or t0)


def _counting(p: BeEnergisedProvider):  # type: ignore[no-untyped-def]
    async def read(session_id: str) -> ChargingSession:
        read.calls += 1  # type: ignore[attr-defined]
        return await p.get_session(session_id)

    read.calls = 0  # type: ignore[attr-defined]
    return read


@pytest.mark.parametrize("with_feed", [True, False], ids=["feed", "reading-only"])
async def test_follow_shows_power_within_seconds_and_ends_at_the_stop(
    live_core, sim, with_feed
) -> None:
    url, seeded = live_core
    st = seeded.stations[0 if with_feed else 1]
    card_uuid, _tag = seeded.users["a@example.com"]["cards"]["main"]
    p = await _provider(url)
    try:
        started = await p.start_charging(str(seeded.connectors[st][0]), card_uuid)
        assert started.state is SessionState.CHARGING

        async def broken_feed(_ids):  # type: ignore[no-untyped-def]
            raise ConnectionError("no feed here")
            yield  # pragma: no cover

        read = _counting(p)
        first_s, reads, updates, end_s = await _follow_until_stopped(
            p, started.id, read, p.watch_status if with_feed else broken_feed
        )
        # The triggered first value lands well before the charger's first periodic sample.
        assert first_s is not None and first_s < SAMPLE_INTERVAL_S, first_s
        assert reads <= 1 + first_s / 0.5, (reads, first_s)  # no sub-second polling
        assert updates[-1].state is SessionState.FINISHED
        assert updates[-1].energy_kwh > 0
        assert end_s < WITHIN_S
    finally:
        await p.close()


def _session(at: datetime | None) -> ChargingSession:
    readings = [MeterReading(at=at, energy_kwh=1.0)] if at else []
    return ChargingSession(id="s", state=SessionState.CHARGING, readings=readings)


def test_pace_learns_the_sample_interval_and_reads_just_after_the_next_sample() -> None:
    pace = MeterPace(longest_s=30.0, probe_s=1.0)
    t = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert pace.next_wait(t) == pace.next_wait(t) == 1.0  # nothing seen yet: look every second
    assert pace.saw(_session(t))
    assert pace.next_wait(t) == 1.0  # one reading: the pace is not known yet
    assert not pace.saw(_session(t))  # the same reading again is not news
    assert pace.saw(_session(t + timedelta(seconds=10)))
    assert pace.interval_s == 10.0
    # 2 s after the last sample: the next one lands 8 s later, read half a second after it
    assert pace.next_wait(t + timedelta(seconds=12)) == pytest.approx(8.5)
    # overdue: probe, then back off towards the longest wait
    late = t + timedelta(seconds=25)
    waits = [pace.next_wait(late) for _ in range(12)]
    assert waits[0] == 1.0 and waits == sorted(waits) and waits[-1] == 30.0


def test_pace_never_waits_longer_than_the_longest_wait() -> None:
    pace = MeterPace(longest_s=5.0)
    t = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    pace.saw(_session(t))
    pace.saw(_session(t + timedelta(seconds=120)))  # a charger sampling every 2 minutes
    assert pace.next_wait(t + timedelta(seconds=121)) == 5.0
