"""Filters applied on the device, for what an API's search cannot express."""

from __future__ import annotations

from services import models as m
from services.geo import contains


def needs_local_filtering(query: m.SearchQuery) -> bool:
    """Whether :func:`keep` may drop stations from a page: then pages can hold fewer than
    ``limit`` items and the back end's total no longer applies."""
    f = query.filters
    return bool(
        f.available_only
        or f.favourites_only
        or f.operator
        or f.min_power_kw
        or f.plug_types
        or query.bbox is not None
    )


def matching_connectors(s: m.Station, f: m.StationFilters) -> list[m.Connector]:
    conns = s.connectors
    if f.plug_types:
        conns = [c for c in conns if c.plug_type in f.plug_types]
    if f.current_type is not None:
        conns = [c for c in conns if c.current_type in (None, f.current_type)]
    if f.min_power_kw:
        conns = [c for c in conns if (c.max_power_kw or 0) >= f.min_power_kw]
    return conns


def keep(s: m.Station, q: m.SearchQuery) -> bool:
    """Whether station ``s`` answers query ``q``: inside the viewport, and the plug, current
    and power filters met by one and the same connector, which must also be available
    when only available stations are asked for (a free Schuko socket does not make a
    station with a busy CCS connector useful to a CCS driver)."""
    f = q.filters
    if q.bbox is not None and not contains(q.bbox, s.coordinates):
        return False
    if f.available_only and s.status.available == 0:
        return False
    if f.favourites_only and not s.favourite:
        return False
    if f.operator and (s.operator or "").casefold() != f.operator.casefold():
        return False
    if not (f.plug_types or f.min_power_kw or f.current_type):
        return True
    conns = matching_connectors(s, f)
    if f.available_only:
        conns = [c for c in conns if c.status is m.ConnectorStatus.AVAILABLE]
    return bool(conns)
