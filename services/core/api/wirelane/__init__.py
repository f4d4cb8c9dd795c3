"""The Wirelane API 2.0 (an organisation's fleet API) at ``/wirelane/``: the OAuth2 token
endpoint ``/wirelane/token`` and the operations under
``/wirelane/apis/emc/organizations/id/{organizationId}/``. A facade the server mounts
(``PREFIX``, ``routes``, ``error_response``)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from services.core.api.rest.app import mount
from services.core.api.wirelane.errors import envelope, error_response

PREFIX = "/wirelane/"
ORGANISATION = "/apis/emc/organizations/id/{organizationId}"

__all__ = ["PREFIX", "error_response", "routes"]


def routes(core: Any) -> list[BaseRoute]:
    from services.core.api.wirelane import members, points, sessions, token, webhooks
    from services.core.api.wirelane.access import bearer
    from services.core.api.wirelane.webhook_dispatch import Dispatch

    auth = bearer(core)
    point = points.handlers(core, auth)
    member = members.handlers(core, auth)
    session = sessions.handlers(core, auth)
    dispatch = Dispatch(core)
    core.on_startup.append(dispatch.start)
    core.on_shutdown.append(dispatch.stop)
    hook = webhooks.handlers(core, auth, dispatch.wake)
    o = ORGANISATION
    inner = [
        Route("/token", token.endpoint(core), methods=["POST"]),
        Route(f"{o}/points", point["list"], methods=["GET"]),
        Route(f"{o}/points", point["create"], methods=["POST"]),
        Route(f"{o}/points/{{pointTypeId}}/{{pointId}}", point["get"], methods=["GET"]),
        Route(f"{o}/points/{{pointTypeId}}/{{pointId}}", point["update"], methods=["PUT"]),
        Route(f"{o}/members", member["list"], methods=["GET"]),
        Route(f"{o}/members/{{accountId}}", member["get"], methods=["GET"]),
        Route(f"{o}/members/{{accountId}}/payments", member["payments"], methods=["GET"]),
        Route(f"{o}/members/{{accountId}}/subscriptions", member["subscriptions"],
              methods=["GET"]),
        Route(f"{o}/sessions", session["list"], methods=["GET"]),
        Route(f"{o}/sessions/{{sessionId}}", session["get"], methods=["GET"]),
        Route(f"{o}/webhooks", hook["list"], methods=["GET"]),
        Route(f"{o}/webhooks", hook["create"], methods=["POST"]),
        Route(f"{o}/webhooks/{{webhookId}}", hook["get"], methods=["GET"]),
        Route(f"{o}/webhooks/{{webhookId}}", hook["delete"], methods=["DELETE"]),
    ]
    return [mount(PREFIX, inner, envelope)]
