"""Plugs the OCPP central system into the core's server (``services.core.server``).

``routes(core)`` is called once by ``create_app``: it creates the central system, makes it
the core's charger gateway (``core.gateway``: the charging service commands chargers through
it) and registers its start/stop with the core's lifecycle hooks.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, WebSocketRoute

from services.core.ocpp.central import CentralSystem


def routes(core: Any) -> list[BaseRoute]:
    central = CentralSystem(core)
    core.gateway = central
    core.on_startup.append(central.start)
    core.on_shutdown.append(central.stop)
    # {rest:path} so identities with encoded slashes still reach us; the endpoint takes the
    # last raw path segment and URL-decodes it.
    return [WebSocketRoute("/ocpp/{rest:path}", central.endpoint)]
