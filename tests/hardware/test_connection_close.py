"""A simulated charger whose connection closes ends its background work quietly (no task
left holding an exception nobody retrieves) and, once reconnected, runs it again."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from typing import Any

import pytest
from ocpp.v16 import call

from services.hardware import charger
from tests.core.charging.served import World, served
from tests.waits import eventually

# The core's BootNotification answer sets the chargers' heartbeat: one a second keeps a
# heartbeat in flight often enough to meet a closing connection.
HEARTBEAT_S = "1"
DROPS = 3  # connections per station dropped at their first heartbeat


@pytest.fixture
async def world(tmp_path: Any) -> AsyncIterator[World]:
    async with served(tmp_path / "core.sqlite3", stations=5, speed=60,
                      env={"VOLTRA_OCPP_HEARTBEAT": HEARTBEAT_S}) as w:
        yield w


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """What reaches the loop's exception handler (where asyncio reports a task whose
    exception was never retrieved)."""
    loop = asyncio.get_running_loop()
    seen: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    yield seen
    loop.set_exception_handler(previous)


def _unretrieved(errors: list[dict[str, Any]]) -> list[str]:
    gc.collect()  # a forgotten failed task reports itself when it is collected
    return [f"{e.get('message')}: {e.get('exception')!r}" for e in errors]


async def test_heartbeat_meeting_a_closed_connection_ends_quietly_and_restarts(
        world: World, loop_errors: list[dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    stations = list(world.sim.stations.values())
    first_boot = {st.identity: st.boots for st in stations}
    beats: dict[str, list[int]] = {st.identity: [] for st in stations}  # boot count per beat
    sent = charger._Client.call

    async def network_drops_with_heartbeats(self: Any, payload: Any, *a: Any,
                                            **kw: Any) -> Any:
        if isinstance(payload, call.Heartbeat):
            st = self.station
            beats[st.identity].append(st.boots)
            if st.boots < first_boot[st.identity] + DROPS:
                # The link goes down just as the heartbeat leaves: the reader and the
                # heartbeat meet the closed connection at once (which of them the station
                # notices first varies, hence a few drops on several stations).
                await self._connection.close()
        return await sent(self, payload, *a, **kw)

    monkeypatch.setattr(charger._Client, "call", network_drops_with_heartbeats)

    async def beating_after_the_drops() -> bool:
        return all(st.online.is_set() and any(b >= first_boot[st.identity] + DROPS
                                              for b in beats[st.identity])
                   for st in stations)

    await eventually(beating_after_the_drops)
    for st in stations:
        # every connection but the last was dropped at its first heartbeat
        assert beats[st.identity][:DROPS] == [first_boot[st.identity] + i for i in range(DROPS)]
    assert _unretrieved(loop_errors) == []


async def test_connection_closed_by_the_core_ends_quietly_and_restarts(
        world: World, loop_errors: list[dict[str, Any]]) -> None:
    identity = world.seeded.stations[1]
    station = world.sim.station(identity)
    boots = station.boots
    link = world.core.gateway.links[identity]
    await link._connection.ws.close(code=1011)

    async def back_online() -> bool:
        return station.boots > boots and station.online.is_set()

    await eventually(back_online)
    tasks = station._tasks | {station._main}
    assert all(not t.done() or t.cancelled() or t.exception() is None for t in tasks)
    assert _unretrieved(loop_errors) == []


def _tasks_of(station: charger.SimStation) -> list[asyncio.Task]:
    """The running tasks whose coroutine is a method of ``station``."""
    out = []
    for t in asyncio.all_tasks():
        frame = getattr(t.get_coro(), "cr_frame", None)
        if frame is not None and frame.f_locals.get("self") is station:
            out.append(t)
    return out


async def test_a_stopped_station_leaves_no_task_behind(
        world: World, loop_errors: list[dict[str, Any]]) -> None:
    station = world.sim.station(world.seeded.stations[2])
    assert _tasks_of(station), "a connected station runs its reader, sender and heartbeat"
    await station.stop()

    async def all_ended() -> bool:
        return not _tasks_of(station)

    await eventually(all_ended)
    # a heartbeat interval later nothing of it fails on the closed connection either
    await asyncio.sleep(2 * float(HEARTBEAT_S))
    assert _unretrieved(loop_errors) == []
