"""Plugsurfing OIOI v4, OEM role: wire models, requests, client, adapter, provider."""

from .provider import PlugsurfingProvider

__all__ = ["PlugsurfingProvider"]
