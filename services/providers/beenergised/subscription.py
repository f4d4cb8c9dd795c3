"""``feedStatusUpdate`` over WebSocket (graphql-transport-ws, at the GraphQL endpoint)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from services.providers.common.graphql_ws import subscribe
from services.providers.common.graphql_ws import ws_url as _ws_url

from . import queries as Q


def ws_url(base_url: str) -> str:
    return _ws_url(base_url.rstrip("/") + "/graphql/")


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

    async def init_payload() -> dict:
        bearer = await token()
        return {"Authorization": f"Bearer {bearer}"} if bearer else {}

    async for data in subscribe(
        ws_url(base_url),
        Q.SUBSCRIBE_STATUS,
        {"connectors": connector_ids},
        init_payload=init_payload,
        max_reconnects=max_reconnects,
        ack_timeout_s=ack_timeout_s,
        log_name="voltra.http.beenergised.ws",
    ):
        item = data.get("feedStatusUpdate")
        if item:
            yield item
