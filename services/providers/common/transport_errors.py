"""The typed error for a request that got no answer from the charging service."""

from __future__ import annotations

import httpx

from services.provider import BackendUnavailable


def unreachable(exc: httpx.TransportError) -> BackendUnavailable:
    """A timeout tells the driver the service was slow; any other failure to connect or
    read keeps the default message."""
    if isinstance(exc, httpx.TimeoutException):
        return BackendUnavailable(
            "The charging service did not answer in time.", detail=type(exc).__name__
        )
    return BackendUnavailable(detail=type(exc).__name__)
