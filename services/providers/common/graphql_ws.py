"""GraphQL subscriptions over WebSocket with the graphql-transport-ws protocol
(https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md).

A subscription survives dropped connections: it reconnects with backoff and subscribes
again, because a map screen can stay open for hours.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import cache

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from services.http import RedactingFilter
from services.provider import BackendUnavailable, ProviderError

from .graphql import ErrorMapper, from_graphql_error

SUBPROTOCOL = "graphql-transport-ws"


@cache
def _logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.addFilter(RedactingFilter())  # tokens must not reach any log handler
    return logger


def ws_url(http_url: str) -> str:
    """The WebSocket URL of an HTTP(S) endpoint (same host, path and port)."""
    if http_url.startswith("https://"):
        return "wss://" + http_url[len("https://") :]
    if http_url.startswith("http://"):
        return "ws://" + http_url[len("http://") :]
    return http_url


async def subscribe(
    url: str,
    query: str,
    variables: dict,
    *,
    init_payload: Callable[[], Awaitable[dict]],
    errors: ErrorMapper = from_graphql_error,
    max_reconnects: int | None = None,
    ack_timeout_s: float = 10.0,
    log_name: str = "voltra.http.graphql.ws",
) -> AsyncIterator[dict]:
    """Yield the ``data`` of every ``next`` message. ``init_payload`` is awaited on each
    (re)connect, so renewed credentials are sent. Frames are logged (DEBUG) on
    ``<log_name>.frames`` with secrets redacted."""
    log = _logger(log_name)
    frames_log = _logger(log_name + ".frames")
    failures = 0
    while True:
        try:
            async with websockets.connect(
                url,
                subprotocols=[SUBPROTOCOL],
                open_timeout=10,
                ping_interval=20,
                max_size=2**20,
                logger=frames_log,
            ) as ws:
                payload = await init_payload()
                await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
                ack = json.loads(await asyncio.wait_for(ws.recv(), ack_timeout_s))
                if ack.get("type") != "connection_ack":
                    raise BackendUnavailable(detail=f"no connection_ack: {ack.get('type')}")
                await ws.send(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {"query": query, "variables": variables},
                        }
                    )
                )
                failures = 0
                async for raw in ws:
                    msg = json.loads(raw)
                    kind = msg.get("type")
                    if kind == "next":
                        result = msg.get("payload") or {}
                        if result.get("errors"):
                            raise errors(result["errors"][0])
                        yield result.get("data") or {}
                    elif kind == "ping":
                        await ws.send(json.dumps({"type": "pong"}))
                    elif kind == "error":
                        errs = msg.get("payload") or [{}]
                        raise errors(errs[0] if isinstance(errs, list) else errs)
                    elif kind == "complete":
                        return
        except ProviderError:
            raise
        except (TimeoutError, OSError, ConnectionClosed, InvalidStatus) as exc:
            failures += 1
            if max_reconnects is not None and failures > max_reconnects:
                raise BackendUnavailable(detail=f"subscription: {type(exc).__name__}") from exc
            delay = random.uniform(0, min(30.0, 0.5 * 2**failures))
            log.info("subscription dropped (%s); reconnecting in %.1fs", type(exc).__name__, delay)
            await asyncio.sleep(delay)
