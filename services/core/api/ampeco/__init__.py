"""The AMPECO Public API 3.165.0 at ``/public-api/...``, exactly the document's paths, for an
operator's API token (``Authorization: Bearer``). A facade the server mounts (``PREFIX``,
``routes``, ``error_response``).

Each group of operations is a sibling module with ``routes(core) -> list[BaseRoute]`` (full
paths under ``/public-api/``), named in ``ROUTE_MODULES``: adding a group is one line.
"""

from __future__ import annotations

import importlib
from typing import Any

from starlette.routing import BaseRoute, Route

from services.core.api.ampeco.errors import envelope, error_response
from services.core.api.rest.app import mount

PREFIX = "/public-api/"

ROUTE_MODULES: list[str] = [
    "locations",
    "charge_points",
    "evses",
    "tariffs",
    "reference",
    "offer",
    "fleet",
    "routes_id_tags",
    "routes_users",
    "routes_sessions",
    "routes_actions",
    "routes_reservations",
    "routes_notifications",
    "routes_billing",
    "receipt_download",
]

__all__ = ["PREFIX", "ROUTE_MODULES", "error_response", "routes"]


def routes(core: Any) -> list[BaseRoute]:
    inner: list[BaseRoute] = []
    for name in ROUTE_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for route in module.routes(core):
            if not isinstance(route, Route) or not route.path.startswith(PREFIX):
                raise ValueError(f"AMPECO route {route!r} of {name} is not a Route under {PREFIX}")
            # The group modules write the document's full paths; the facade's app is mounted
            # at the prefix, so it matches the rest of each path.
            inner.append(Route(route.path[len(PREFIX) - 1:], route.endpoint,
                               methods=sorted(route.methods or ()), name=route.name))
    return [mount(PREFIX, inner, envelope)]
