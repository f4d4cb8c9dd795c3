"""``feedStatusUpdate`` over WebSocket with the graphql-transport-ws protocol
(https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md).

The stream survives dropped connections: it reconnects with backoff and subscribes again,
because a map screen can stay open for hours.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from services.http import RedactingFilter
from services.provider import BackendUnavailable, ProviderError

from . import queries as Q
from .errors import from_graphql_error

log = logging.getLogger("voltra.http.beenergised.ws")
log.addFilter(RedactingFilter())  # tokens must not reach any log handler

SUBPROTOCOL = "graphql-transport-ws"

# websockets logs frames at DEBUG, connection_init (with the bearer token) included
_frames_log = logging.getLogger("voltra.http.beenergised.ws.frames")
_frames_log.addFilter(RedactingFilter())


def ws_url(base_url: str) -> str:
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :] + "/graphql/"
    if base.startswith("http://"):
        return "ws://" + base[len("http://") :] + "/graphql/"
    return base + "/graphql/"


async def feed_status_updates(
    base_url: str,
    connector_ids: list[str],
    *,
    token: Callable[[], Awaitable[str | None]],
    max_reconnects: int | None = None,
    ack_timeout_s: float = 10.0,
) -> AsyncIterator[dict]:
    """Yield raw ``ConnectorStatus`` dicts. ``token`` is awaited on each (re)connect so a
    renewed session token is used."""
    url = ws_url(base_url)
    failures = 0
    while True:
        try:
            async with websockets.connect(
                url,
                subprotocols=[SUBPROTOCOL],
                open_timeout=10,
                ping_interval=20,
                max_size=2**20,
                logger=_frames_log,
            ) as ws:
                bearer = await token()
                payload = {"Authorization": f"Bearer {bearer}"} if bearer else {}
                await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
                ack = json.loads(await asyncio.wait_for(ws.recv(), ack_timeout_s))
                if ack.get("type") != "connection_ack":
                    raise BackendUnavailable(detail=f"no connection_ack: {ack.get('type')}")
                await ws.send(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {
                                "query": Q.SUBSCRIBE_STATUS,
                                "variables": {"connectors": connector_ids},
                            },
                        }
                    )
                )
                failures = 0
                async for raw in ws:
                    msg = json.loads(raw)
                    kind = msg.get("type")
                    if kind == "next":
                        payload = msg.get("payload") or {}
                        if payload.get("errors"):
                            raise from_graphql_error(payload["errors"][0])
                        item = (payload.get("data") or {}).get("feedStatusUpdate")
                        if item:
                            yield item
                    elif kind == "ping":
                        await ws.send(json.dumps({"type": "pong"}))
                    elif kind == "error":
                        errs = msg.get("payload") or [{}]
                        raise from_graphql_error(errs[0] if isinstance(errs, list) else errs)
                    elif kind == "complete":
                        return
        except ProviderError:
            raise
        except (TimeoutError, OSError, ConnectionClosed, InvalidStatus) as exc:
            failures += 1
            if max_reconnects is not None and failures > max_reconnects:
                raise BackendUnavailable(detail=f"status feed: {type(exc).__name__}") from exc
            delay = random.uniform(0, min(30.0, 0.5 * 2**failures))
            log.info("status feed dropped (%s); reconnecting in %.1fs", type(exc).__name__, delay)
            await asyncio.sleep(delay)
