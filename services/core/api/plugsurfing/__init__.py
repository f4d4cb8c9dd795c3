"""Plugsurfing OIOI v4 at ``POST /api/v4/request`` (``Authorization: key=<partner key>``):
a facade the server mounts (``PREFIX``, ``routes``, ``error_response``).

Partners hold keys with a role: an OEM (an app's back end: users, stations, charging) or a
CPO (pushes stations, statuses and sessions). ``REQUEST_TYPES`` says which role may send
which request type.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from services.core.api.plugsurfing.endpoint import envelope
from services.core.api.rest.app import mount
from services.core.api.rest.errors import refusal

PREFIX = "/api/v4/"

__all__ = ["PREFIX", "error_response", "routes"]


def error_response(status: int, message: str) -> Any:
    return refusal(envelope)(status, message)


def routes(core: Any) -> list[BaseRoute]:
    from services.core.api.plugsurfing.endpoint import endpoint
    from services.core.api.plugsurfing.request_types import REQUEST_TYPES

    return [mount(PREFIX, [Route("/request", endpoint(core, REQUEST_TYPES), methods=["POST"])],
                  envelope)]
