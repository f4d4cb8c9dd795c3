"""The ASGI app of a REST facade: its routes with its error envelope, to mount at the
facade's prefix."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount

from services.core.api.rest.errors import Envelope, Unexpected, error_handlers


def rest_app(routes: Sequence[BaseRoute], envelope: Envelope) -> Starlette:
    """Unknown paths (404) and methods (405) under the facade answer in its format too."""
    return Starlette(routes=list(routes), exception_handlers=error_handlers(envelope),
                     middleware=[Middleware(Unexpected, envelope=envelope)])


def mount(prefix: str, routes: Sequence[BaseRoute], envelope: Envelope) -> Mount:
    """``prefix`` as the facade declares it (``"/wirelane/"``)."""
    return Mount(prefix.rstrip("/"), app=rest_app(routes, envelope))
