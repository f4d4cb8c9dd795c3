"""Search areas: APIs take either a circle (centre + radius) or a bounding box, and the map
asks with either; these convert one into the other."""

from __future__ import annotations

from services import models as m
from services.geo import bbox_around, circle_of


def search_circle(
    query: m.SearchQuery, max_radius_km: float | None = None
) -> tuple[m.Coordinates, float]:
    """Centre and radius for a radius-only API. A viewport becomes the circle covering it,
    capped at ``max_radius_km``: a whole-continent viewport would exceed what back ends
    accept, and the nearest stations to the centre are what a page shows anyway."""
    if query.bbox is not None:
        centre, radius = circle_of(query.bbox)
        if max_radius_km is not None:
            radius = min(radius, max_radius_km)
        return centre, radius
    return query.centre, query.radius_km


def search_box(query: m.SearchQuery) -> m.BoundingBox:
    """The bounding box for a box-only API: the viewport itself, or the box around the
    circle (stations in its corners are dropped again by local filtering)."""
    if query.bbox is not None:
        return query.bbox
    return bbox_around(query.centre, query.radius_km)
