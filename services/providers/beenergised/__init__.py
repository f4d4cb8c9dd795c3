"""be.ENERGISED driver GraphQL API: wire models, queries, client, adapter."""

from .provider import BeEnergisedProvider

__all__ = ["BeEnergisedProvider"]
