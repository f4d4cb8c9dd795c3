"""Wirelane API 2.0 (an organisation's charge points, members and sessions over OAuth2)."""

from .provider import WirelaneProvider

__all__ = ["WirelaneProvider"]
