"""Chargepoints (the core's stations with their connectors and live status counts):
getChargepoints, getChargepoint (by id or EVSE ID), getPrice."""

from __future__ import annotations

from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from services.core.api.gpjoule import parsers, renderers
from services.core.api.gpjoule.context import as_partner, core, offer
from services.core.api.graphql import errors
from services.core.services import lookups, partner_data

query = QueryType()


@query.field("getChargepoints")
async def resolve_chargepoints(_obj: Any, info: GraphQLResolveInfo, offset: int | None = None,
                               limit: int | None = None) -> dict[str, Any]:  # fmt: skip
    off, lim = parsers.page(offset, limit)
    chargepoints, total = await core(info).db(_rendered_page, off, lim, await offer(info))
    return {"chargepoints": chargepoints, "count": total}


def _rendered_page(conn: Any, offset: int, limit: int, sold: Any
                   ) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    # Rendered on the database thread: a page of 1,000 is too much work for the event loop.
    stations, total = lookups.stations_with_connectors(conn, offset=offset, limit=limit,
                                                       offer=sold)  # fmt: skip
    return [renderers.chargepoint(s) for s in stations], total


@query.field("getChargepoint")
async def resolve_chargepoint(_obj: Any, info: GraphQLResolveInfo, id: str | None = None,
                              evse: str | None = None) -> dict[str, Any]:  # fmt: skip
    station_uuid = (id or "").strip() or None
    evse_id = (evse or "").strip() or None
    if station_uuid is None and evse_id is None:
        raise errors.bad_input("id", "give the chargepoint's id or the EVSE ID of one of "
                               "its connectors (evse)")  # fmt: skip
    if station_uuid is not None:
        found = await core(info).db(lookups.station_with_connectors, station_uuid=station_uuid,
                                    offer=await offer(info))  # fmt: skip
        if found is None:
            raise errors.not_found("chargepoint", station_uuid, "id")
        if evse_id is not None and not any(
            c["evse_id"].upper() == evse_id.upper() for c in found["connectors"]
        ):
            raise errors.not_found("chargepoint with EVSE ID", evse_id, "evse")
    else:
        found = await core(info).db(lookups.station_with_connectors, evse_id=evse_id,
                                    offer=await offer(info))  # fmt: skip
        if found is None:
            raise errors.not_found("chargepoint with EVSE ID", evse_id, "evse")
    return renderers.chargepoint(found)


@query.field("getPrice")
async def resolve_price(_obj: Any, info: GraphQLResolveInfo, chargepoint: str,
                        tagId: str | None = None) -> dict[str, Any]:  # fmt: skip
    return await as_partner(info, partner_data.station_price, chargepoint, tagId,
                            station_field="chargepoint", tag_field="tagId",
                            offer=await offer(info))  # fmt: skip


bindables = [query]
