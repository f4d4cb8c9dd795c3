"""station-get-surface, station-get-by-ids, station-get-usage, company-get-images.

Readings of station-get-surface's filters (all optional; an empty list restricts nothing):
- ``connector-types``: stations with a connector of one of the types; types the core has no
  plug for (only Type2, Combo, Chademo, Schuko exist here) match nothing.
- ``connector-speeds-greater`` / ``-less``: a connector whose power is at least / at most
  the value (kW), both on the same connector.
- ``operator-ids``: company ids as station-get-by-ids reports them (the operators).
- ``company-types``: the core knows no owner types, so a list of them matches nothing.
- ``payable``: every station here takes the app and charging keys: ``PSA_EU``/``app`` and
  ``PSC_EU``/``rfid`` match all, a list with none of those matches nothing.
- ``excludes``: station ids left out.
At most ``MAX_SURFACE_STATIONS`` stations are returned, ordered by id (the document: "the
total number of stations returned per request is limited").
"""

from __future__ import annotations

from typing import Any

from services.core.api.plugsurfing import renderers
from services.core.api.plugsurfing import results as r
from services.core.api.plugsurfing.endpoint import Call
from services.core.api.plugsurfing.parsers import (
    CompanyGetImages,
    StationGetByIds,
    StationGetSurface,
    StationGetUsage,
    parse,
)
from services.core.services import station_views
from services.core.store.station_filter import FilterError, StationFilter

MAX_SURFACE_STATIONS = 500
PAYABLE = {"PSA_EU", "PSC_EU", "app", "rfid"}


def _filter(req: StationGetSurface) -> StationFilter | None:
    """The index filter, or None when the filters can match no station here."""
    f = req.filters
    plugs: list[str] = []
    if f.connector_types:
        plugs = [renderers.PLUG_OF_NAME[t] for t in f.connector_types
                 if t in renderers.PLUG_OF_NAME]
        if not plugs:
            return None
    if f.company_types:
        return None
    if f.payable and not PAYABLE.intersection(f.payable):
        return None
    try:
        return StationFilter.build(plug_types=plugs, operator_ids=f.operator_ids or ())
    except FilterError as exc:  # pragma: no cover - the values above are all known
        raise r.bad_format(f"filters.{exc.field}", exc.reason) from None


async def station_get_surface(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(StationGetSurface, fields, call.kind)
    if req.min_lat > req.max_lat:
        raise r.bad_format("min-lat", "must not be greater than max-lat")
    f = req.filters
    flt = _filter(req)
    if flt is None:
        return {"stations": []}
    found = await call.core.db(
        station_views.in_box, req.min_lat, req.min_long, req.max_lat, req.max_long, flt=flt,
        exclude=set(f.excludes), min_kw=f.connector_speeds_greater,
        max_kw=f.connector_speeds_less, limit=MAX_SURFACE_STATIONS, offer=await call.offer())
    return {"stations": [renderers.station_surface(s, found.connectors[s["id"]])
                         for s in found.stations]}


async def station_get_by_ids(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(StationGetByIds, fields, call.kind)
    found = await call.core.db(station_views.by_ids, req.station_ids, await call.offer())
    return {
        "stations": [renderers.station_full(s, found.connectors[s["id"]])
                     for s in found.stations],
        "companies": [renderers.company(op) for op in found.operators.values()],
    }


async def station_get_usage(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(StationGetUsage, fields, call.kind)
    usage = await call.core.db(station_views.usage, req.station_id, offer=await call.offer())
    if usage is None:
        raise r.OioiError(r.EVSE_NOT_FOUND, f"station-id: no station {req.station_id}")
    return {"station-usage": {
        "last-7-days-usage-count": usage.last_7_days,
        "last-30-days-usage-count": usage.last_30_days,
        "last-station-usage-date": renderers.rfc3339(usage.last_used),
    }}


async def company_get_images(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(CompanyGetImages, fields, call.kind)
    op = await call.core.db(station_views.operator, req.company_id)
    if op is None:
        raise r.OioiError(r.COMPANY_NOT_FOUND, f"company-id: no company {req.company_id}")
    # The core keeps no company images: the list is empty.
    return {"company": op["name"], "urls": []}
