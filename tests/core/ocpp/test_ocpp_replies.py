"""Replies a charger sends without being asked are dropped, not queued for the next call."""

from __future__ import annotations

import asyncio
import json

from tests.core.ocpp.ocpp_client import RawCharger, seed
from tests.core_launcher import core_in_process


async def test_unsolicited_replies_are_not_kept(tmp_path) -> None:
    store = seed(tmp_path / "core.sqlite3", stations=1)
    async with core_in_process(store.db) as (core, url):
        c = await RawCharger.connect(url, store.stations[0])
        try:
            for n in range(200):
                await c.send_raw(f'[3,"nobody-asked-{n}",{{"pad":"{"p" * 1000}"}}]')
            assert (await c.call("Heartbeat", {}))[0] == 3
            link = core.gateway.link(store.stations[0])
            assert link._response_queue.qsize() == 0
            # the reply to a call the core did make still arrives
            answer = asyncio.create_task(link.unlock(1))
            asked = json.loads(await asyncio.wait_for(c.ws.recv(), 20))
            assert asked[0] == 2 and asked[2] == "UnlockConnector", asked
            await c.send_raw(json.dumps([3, asked[1], {"status": "Unlocked"}]))
            assert await asyncio.wait_for(answer, 20) == "Unlocked"
        finally:
            await c.close()
