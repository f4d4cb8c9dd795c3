"""``feedStatusUpdate``: live connector status over graphql-transport-ws.

Every status change of a listed connector (published by
``services.core.domain.status.publish_connector_status``) is pushed as a ``ConnectorStatus``.
Nothing is sent on subscribe: clients read the current status with ``connector``/``cp`` and
then follow the changes. Unknown connector ids are NOT_FOUND (the subscription is refused,
so a typo does not wait forever); at most ``MAX_CONNECTORS`` per subscription. Public, like
all station data. A slow client loses the oldest queued changes, never blocks the core
(see services/core/events.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ariadne import SubscriptionType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised.context import core
from services.core.api.graphql import errors
from services.core.events import ConnectorStatusEvent, connector_topic
from services.core.services import lookups

MAX_CONNECTORS = 500

subscription = SubscriptionType()


def _ids(connectors: list[Any]) -> list[int]:
    ids = []
    for value in connectors:
        try:
            ids.append(int(str(value).strip()))
            if not 0 < ids[-1] < 2**63:  # SQLite INTEGER range
                raise ValueError(value)
        except ValueError:
            raise errors.bad_input("connectors", f"'{value}' is not a connector id") from None
    return list(dict.fromkeys(ids))


@subscription.source("feedStatusUpdate")
async def feed_source(_obj: Any, info: GraphQLResolveInfo,
                      connectors: list[Any]) -> AsyncIterator[ConnectorStatusEvent]:
    ids = _ids([c for c in connectors if c is not None])
    if not ids:
        raise errors.bad_input("connectors", "at least one connector id is required")
    if len(ids) > MAX_CONNECTORS:
        raise errors.bad_input("connectors", f"at most {MAX_CONNECTORS} connectors per "
                               "subscription")
    the_core = core(info)
    missing = await the_core.db(lookups.missing_connectors, ids)
    if missing:
        raise errors.not_found("Connector", missing[0], field="connectors")
    return _events(the_core.bus.subscribe([connector_topic(i) for i in ids]))


async def _events(sub: Any) -> AsyncIterator[ConnectorStatusEvent]:
    async with sub:
        async for event in sub:
            yield event.payload


@subscription.field("feedStatusUpdate")
def feed_resolve(event: ConnectorStatusEvent, _info: GraphQLResolveInfo,
                 **_kw: Any) -> dict[str, Any]:
    return {"connectorId": str(event.connector_id), "ocpp": event.ocpp,
            "calculated": event.calculated, "simple": event.simple}


bindables = [subscription]
