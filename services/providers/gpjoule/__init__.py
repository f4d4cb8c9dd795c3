"""GP JOULE CONNECT GraphQL API: wire models, queries, client, adapter, charge point
catalogue."""

from .provider import GpJouleProvider

__all__ = ["GpJouleProvider"]
