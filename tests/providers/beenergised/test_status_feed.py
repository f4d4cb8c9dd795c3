"""watch_status over a real local WebSocket server speaking graphql-transport-ws that
misbehaves: it drops the connection after one update; the feed reconnects, subscribes again
with a current token, answers pings, and keeps delivering."""

from __future__ import annotations

import asyncio
import contextlib
import json

import httpx
import pytest
import respx
from websockets.asyncio.server import serve

from services.models import ConnectorStatus
from services.provider import Forbidden
from services.providers.beenergised import BeEnergisedProvider
from tests.waits import WITHIN_S


class FeedServer:
    def __init__(self, drop_after_first: bool = True, error: bool = False) -> None:
        self.connections = 0
        self.inits: list[dict] = []
        self.subscriptions: list[dict] = []
        self.pongs = 0
        self.drop_after_first = drop_after_first
        self.error = error

    async def handler(self, ws):
        assert ws.request.headers.get("Sec-WebSocket-Protocol") == "graphql-transport-ws"
        self.connections += 1
        init = json.loads(await ws.recv())
        assert init["type"] == "connection_init"
        self.inits.append(init.get("payload") or {})
        await ws.send(json.dumps({"type": "connection_ack"}))
        sub = json.loads(await ws.recv())
        assert sub["type"] == "subscribe"
        self.subscriptions.append(sub["payload"]["variables"])
        if self.error:
            await ws.send(
                json.dumps(
                    {
                        "id": sub["id"],
                        "type": "error",
                        "payload": [
                            {"message": "not allowed", "extensions": {"code": "FORBIDDEN"}}
                        ],
                    }
                )
            )
            return
        await ws.send(json.dumps({"type": "ping"}))
        pong = json.loads(await ws.recv())
        if pong["type"] == "pong":
            self.pongs += 1
        status = "Occupied" if self.connections == 1 else "Faulted"
        await ws.send(
            json.dumps(
                {
                    "id": sub["id"],
                    "type": "next",
                    "payload": {
                        "data": {
                            "feedStatusUpdate": {
                                "connectorId": "11",
                                "ocpp": status,
                                "calculated": status,
                                "simple": status,
                            }
                        }
                    },
                }
            )
        )
        if self.drop_after_first and self.connections == 1:
            await ws.close()  # the misbehaviour: connection lost mid-stream
            return
        await ws.wait_closed()


@respx.mock(assert_all_mocked=False)
async def test_feed_reconnects_after_a_drop_and_keeps_the_stream(respx_mock):
    server = FeedServer()
    async with serve(server.handler, "127.0.0.1", 0, subprotocols=["graphql-transport-ws"]) as srv:
        port = srv.sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        respx_mock.post(base + "/graphql/").mock(
            return_value=httpx.Response(
                200,
                json={
                    "data": {
                        "initAnonymousSession": {
                            "sessionToken": "anon-tok-1",
                            "refreshToken": "anon-ref-1",
                        }
                    }
                },
            )
        )
        p = BeEnergisedProvider(base)
        seen = []

        async def consume():
            # aclosing: leaving the loop closes the WebSocket at once, not at GC time
            async with contextlib.aclosing(p.watch_status(["11"])) as changes:
                async for change in changes:
                    seen.append(change)
                    if len(seen) == 2:
                        return

        await asyncio.wait_for(consume(), WITHIN_S)
        await p.close()
    assert [c.status for c in seen] == [ConnectorStatus.OCCUPIED, ConnectorStatus.OUT_OF_ORDER]
    assert seen[1].status_detail == "Faulted" and seen[0].at is not None
    assert server.connections == 2 and server.pongs == 2
    assert server.subscriptions == [{"connectors": ["11"]}] * 2
    assert server.inits[0] == {"Authorization": "Bearer anon-tok-1"}


@respx.mock(assert_all_mocked=False)
async def test_feed_error_message_is_raised_as_typed_error(respx_mock):
    server = FeedServer(error=True)
    async with serve(server.handler, "127.0.0.1", 0, subprotocols=["graphql-transport-ws"]) as srv:
        port = srv.sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        respx_mock.post(base + "/graphql/").mock(
            return_value=httpx.Response(
                200,
                json={
                    "data": {
                        "initAnonymousSession": {
                            "sessionToken": "anon-tok-2",
                            "refreshToken": "anon-ref-2",
                        }
                    }
                },
            )
        )
        p = BeEnergisedProvider(base)
        with pytest.raises(Forbidden):
            async for _ in p.watch_status(["11"]):
                pass
        await p.close()


@respx.mock(assert_all_mocked=False)
async def test_frame_logs_do_not_carry_the_token(respx_mock, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    server = FeedServer(drop_after_first=False)
    async with serve(server.handler, "127.0.0.1", 0, subprotocols=["graphql-transport-ws"]) as srv:
        port = srv.sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        respx_mock.post(base + "/graphql/").mock(
            return_value=httpx.Response(
                200,
                json={
                    "data": {
                        "initAnonymousSession": {
                            "sessionToken": "anon-secret-token-3",
                            "refreshToken": "anon-ref-3",
                        }
                    }
                },
            )
        )
        p = BeEnergisedProvider(base)
        async with contextlib.aclosing(p.watch_status(["11"])) as feed:
            async for _ in feed:
                break
        await p.close()
    # (the test server's own "websockets.server" log does show it: that is not our code)
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("voltra"))
    assert "connection_init" in text  # our frames were logged...
    assert "anon-secret-token-3" not in text  # ...without the token
