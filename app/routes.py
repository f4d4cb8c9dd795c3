"""Routes that carry an id: ids of a merged provider hold a ':' (account:id), which the web
client's router does not take in a path segment, so ids travel percent-encoded."""

from __future__ import annotations

from urllib.parse import quote, unquote


def station_route(station_id: str) -> str:
    return f"/station/{quote(station_id, safe='')}"


def history_route(session_id: str) -> str:
    return f"/history/{quote(session_id, safe='')}"


def route_id(segment: str) -> str:
    return unquote(segment)
