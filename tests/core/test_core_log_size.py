"""Whatever a client sends, the running core's log grows by kilobytes at most: 500 kB OCPP
frames (valid JSON with a huge value, and garbage) are clipped in the log records
(services.core.logs on the core's handlers)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from pathlib import Path

import httpx
import websockets

from services.hardware.credentials import demo_password

FRAMES = [
    '[2, "1", "BootNotification", {"chargePointVendor": "' + "A" * 500_000 + '"}]',
    "garbage" * 70_000,
]


async def test_huge_client_input_leaves_the_log_small(core_url: str, core_db: Path) -> None:
    log = core_db.with_suffix(".log")
    async with httpx.AsyncClient(base_url=core_url, timeout=30) as client:
        r = await client.post("/graphql/", json={
            "query": "{ cpsPaged(pagination: {limit: 1}) { data { id } } }"})
        station = r.json()["data"]["cpsPaged"]["data"][0]["id"]
        before = log.stat().st_size
        ws_url = core_url.replace("http", "ws", 1) + f"/ocpp/{station}"
        # the demo charger's own credentials: only an authenticated charger gets to send frames
        basic = base64.b64encode(f"{station}:{demo_password(station)}".encode()).decode()
        for frame in FRAMES:
            async with websockets.connect(ws_url, subprotocols=["ocpp1.6"],
                                          additional_headers={"Authorization": f"Basic {basic}"},
                                          max_size=1 << 21) as ws:
                await ws.send(frame)
                # a CallError, silence or a close: by then the core has handled the frame
                with contextlib.suppress(TimeoutError, websockets.ConnectionClosed):
                    await asyncio.wait_for(ws.recv(), 3)
        # and the server is still fine
        assert (await client.get("/healthz")).status_code == 200
    grown = log.stat().st_size - before
    assert grown < 40_000, f"the log grew by {grown} bytes for {len(''.join(FRAMES))} sent"
