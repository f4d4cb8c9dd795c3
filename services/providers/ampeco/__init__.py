"""AMPECO Public API 3.165 (an operator's locations, users, id tags, sessions and
reservations, with an operator API token)."""

from .provider import AmpecoProvider

__all__ = ["AmpecoProvider"]
