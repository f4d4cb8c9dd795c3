"""How store rows render as the document's station types: Cp, Connector, ConnectorType,
Site, CpInfo / OpeningTimes.

Objects passed around are the station/site/connector rows the store returns (plain dicts).
Root resolvers that return many stations pre-attach what the page needs in one store call
(``prepare_cps``): ``_connectors`` (a station's connector rows), ``is_favoured``, and for
sites ``_cps``. Child-to-parent links (connector -> its Cp, Cp -> its Site) are NOT stored
on the rows: they go through the operation's :class:`Parents` registry, so the objects
form no reference cycles and are freed by reference counting as soon as the response is
built (cyclic garbage cost ~10% of a station search in the garbage collector). Rows that
arrive without these parts (e.g. from another module's resolver) are completed through
per-operation batch loaders, so the result is the same.

Readings of the document (it does not say):
- ``ignoreMarketingConfiguration`` is accepted and has no effect: Voltra has no marketing
  configuration, so ``CpInfo.marketingDisplay`` is null either way.
- ``OperatingHours`` begin/end use ``hh:mm:ss`` (the document writes 'hh/mm/ss' but
  describes clock times); a 24/7 station lists every weekday 00:00:00-23:59:59.
- ``Site.company`` is the operator's name, ``Site.scope`` the site's location type.
- ``ConnectorType`` values follow OCPI words: ``standard`` IEC_62196_T2 /
  IEC_62196_T2_COMBO / CHADEMO / DOMESTIC_F, ``plugType`` SOCKET / CABLE,
  ``chargingFacilityType`` AC_1_PHASE / AC_3_PHASE / DC, ``chargingModeType`` the IEC 61851
  mode (MODE_2 / MODE_3 / MODE_4).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised.context import absolute_url, optional_viewer
from services.core.api.graphql.execution import context_only, plain_leaf
from services.core.api.graphql.loaders import loader
from services.core.domain.favourites import favoured_among
from services.core.domain.offers import Offer
from services.core.domain.status import simple_connector, simple_cp
from services.core.domain.tariffs import price_summary
from services.core.services import lookups, offers

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

PLUGS: dict[str, dict[str, str]] = {
    "TYPE2": {"label": "Type 2", "standard": "IEC_62196_T2", "plugType": "SOCKET",
              "chargingModeType": "MODE_3"},
    "CCS": {"label": "CCS", "standard": "IEC_62196_T2_COMBO", "plugType": "CABLE",
            "chargingModeType": "MODE_4"},
    "CHADEMO": {"label": "CHAdeMO", "standard": "CHADEMO", "plugType": "CABLE",
                "chargingModeType": "MODE_4"},
    "SCHUKO": {"label": "Schuko", "standard": "DOMESTIC_F", "plugType": "SOCKET",
               "chargingModeType": "MODE_2"},
}


# ------------------------------------------------------------------ bulk preparation


@dataclass
class Parents:
    """Per operation: station rows by id and site rows by id, for connector.cp / cp.site."""

    cps: dict[int, dict[str, Any]] = field(default_factory=dict)
    sites: dict[int, dict[str, Any]] = field(default_factory=dict)
    offer: Offer | None = None  # prices connectors as this API sells them


def parents_of(info: GraphQLResolveInfo) -> Parents:
    found = info.context.get("_parents")
    if found is None:
        found = info.context["_parents"] = Parents()
    return found


def prepare_cps(conn: sqlite3.Connection, rows: list[dict[str, Any]], user_id: int | None,
                parents: Parents) -> list[dict[str, Any]]:
    """Attach connectors and isFavoured to station rows and register them (and their
    sites) as parents: at most three queries per page."""
    ids = [r["id"] for r in rows]
    connectors = lookups.connectors_of_stations(conn, ids)
    missing = list({r["site_id"] for r in rows} - parents.sites.keys())
    if missing:
        parents.sites.update((s["id"], s) for s in lookups.sites_by_ids(conn, missing))
    favoured = favoured_among(conn, user_id, ids) if user_id is not None else set()
    for row in rows:
        row["_connectors"] = offers.priced(parents.offer, connectors.get(row["id"], []))
        row.setdefault("is_favoured", row["id"] in favoured)
        parents.cps[row["id"]] = row
    return rows


def prepare_sites(conn: sqlite3.Connection, sites: list[dict[str, Any]],
                  user_id: int | None, parents: Parents) -> list[dict[str, Any]]:
    """Attach each site's stations (prepared as above) as ``_cps``."""
    parents.sites.update((s["id"], s) for s in sites)
    by_site = {site: [cp for cp in cps if offers.covers(parents.offer, cp)] for site, cps in
               lookups.stations_of_sites(conn, [s["id"] for s in sites]).items()}
    prepare_cps(conn, [cp for s in sites for cp in by_site.get(s["id"], [])], user_id, parents)
    for site in sites:
        site["_cps"] = by_site.get(site["id"], [])
    return sites


# ------------------------------------------------------------------ batch functions


def _connectors_batch(conn: sqlite3.Connection, station_ids: Sequence[int]) -> dict:
    return lookups.connectors_of_stations(conn, station_ids)


def _stations_batch(conn: sqlite3.Connection, station_ids: Sequence[int]) -> dict:
    return {r["id"]: r for r in lookups.stations_by_ids(conn, station_ids)}


def _sites_batch(conn: sqlite3.Connection, site_ids: Sequence[int]) -> dict:
    return {r["id"]: r for r in lookups.sites_by_ids(conn, site_ids)}


def _site_stations_batch(conn: sqlite3.Connection, site_ids: Sequence[int]) -> dict:
    return lookups.stations_of_sites(conn, site_ids)


def _favoured_batch(conn: sqlite3.Connection, station_ids: Sequence[int], user_id: int) -> dict:
    found = favoured_among(conn, user_id, station_ids)
    return {sid: sid in found for sid in station_ids}


# ------------------------------------------------------------------ Cp

cp_type = ObjectType("Cp")


@cp_type.field("id")
@plain_leaf
def resolve_cp_id(row: dict, _info: GraphQLResolveInfo) -> str:
    return row["uuid"]


@cp_type.field("connectors")
@context_only
def resolve_cp_connectors(row: dict, info: GraphQLResolveInfo) -> Any:
    if "_connectors" in row:
        return row["_connectors"]
    return _load_connectors(row, info)


async def _load_connectors(row: dict, info: GraphQLResolveInfo) -> list[dict]:
    found = await loader(info, "connectors_of_station", _connectors_batch).load(row["id"])
    row["_connectors"] = offers.priced(parents_of(info).offer, found or [])
    parents_of(info).cps.setdefault(row["id"], row)
    return row["_connectors"]


@cp_type.field("information")
@context_only
def resolve_cp_information(row: dict, info: GraphQLResolveInfo) -> Any:
    if "_connectors" in row:
        return cp_information(row, row["_connectors"])
    return _information_later(row, info)


async def _information_later(row: dict, info: GraphQLResolveInfo) -> dict:
    return cp_information(row, await _load_connectors(row, info))


@cp_type.field("additionalFields")
@context_only
def resolve_cp_additional(row: dict, _info: GraphQLResolveInfo) -> list[dict]:
    fields = [("operator", row.get("operator_name")),
              ("operatorId", _operator_id(row)),
              ("website", row.get("operator_website"))]
    return [{"name": n, "value": v} for n, v in fields if v]


@cp_type.field("contact")
@context_only
def resolve_cp_contact(row: dict, _info: GraphQLResolveInfo) -> dict | None:
    if not row.get("operator_phone") and not row.get("operator_email"):
        return None
    return {"phone": row.get("operator_phone"), "email": row.get("operator_email")}


@cp_type.field("images")
@context_only
def resolve_cp_images(row: dict, info: GraphQLResolveInfo) -> list[dict]:
    names = _json(row.get("images")) or []
    out = []
    for name in names:
        if not isinstance(name, str):
            continue
        url = name if name.startswith(("http://", "https://")) else absolute_url(
            info, "/images/" + name)
        out.append({"url": url})
    return out


@cp_type.field("status")
@context_only
def resolve_cp_status(row: dict, _info: GraphQLResolveInfo) -> dict:
    return {"ocpp": row.get("ocpp_status"), "calculated": row.get("calculated_status"),
            "simple": simple_cp(row.get("simple_status"))}


@cp_type.field("siteId")
@plain_leaf
def resolve_cp_site_id(row: dict, _info: GraphQLResolveInfo) -> str | None:
    return row.get("site_uuid")


@cp_type.field("site")
@context_only
def resolve_cp_site(row: dict, info: GraphQLResolveInfo) -> Any:
    site = parents_of(info).sites.get(row["site_id"])
    if site is not None:
        return site
    return loader(info, "sites", _sites_batch).load(row["site_id"])


@cp_type.field("accessType")
@plain_leaf
def resolve_cp_access(row: dict, _info: GraphQLResolveInfo) -> str:
    return row.get("access_type") or "INTERNAL"


@cp_type.field("publicName")
@plain_leaf
def resolve_cp_public_name(row: dict, _info: GraphQLResolveInfo) -> str | None:
    return row.get("public_name")


@cp_type.field("isFavoured")
@context_only
def resolve_cp_favoured(row: dict, info: GraphQLResolveInfo) -> Any:
    if "is_favoured" in row:
        return bool(row["is_favoured"])
    return _favoured_later(row, info)


async def _favoured_later(row: dict, info: GraphQLResolveInfo) -> bool:
    me = await optional_viewer(info)
    if me is None:
        return False  # anonymous: nothing is favoured
    return bool(await loader(info, "favoured", _favoured_batch, me.user_id).load(row["id"]))


def _operator_id(row: dict) -> str | None:
    country, party = row.get("operator_country"), row.get("operator_party_id")
    return f"{country}*{party}" if country and party else None


# ------------------------------------------------------------------ CpInfo / opening times


def cp_information(row: dict, connectors: list[dict]) -> dict:
    return {
        "openingTimes": _opening_times_of(row.get("opening_hours")),
        "payment": payment_text(connectors),
        "additional": f"Operated by {row['operator_name']}" if row.get("operator_name") else None,
        "marketingDisplay": None,
    }


def _opening_times_of(stored: Any) -> dict | None:
    if isinstance(stored, str):
        return _opening_times_text(stored)
    return opening_times(_json(stored))


@lru_cache(maxsize=4096)
def _opening_times_text(stored: str) -> dict | None:
    # Stations share a few dozen opening-hour patterns: parse and shape each once. The
    # result is shared and only ever read (the executor builds its own output).
    return opening_times(_json(stored))


def payment_text(connectors: list[dict]) -> str | None:
    if not connectors:
        return None
    prices: list[str] = []
    for c in connectors:
        if c.get("free_of_charge"):
            text = "Free of charge"
        elif c.get("tariff_name") is not None:
            text = _price_text(
                c["tariff_name"], c.get("tariff_currency") or "EUR", c.get("start_fee") or 0,
                c.get("per_kwh") or 0, c.get("per_minute") or 0,
                c.get("parking_per_minute") or 0, c.get("parking_grace_minutes") or 0,
                c.get("tax_rate") or 0)
        else:
            continue
        if text not in prices:
            prices.append(text)
    if prices == ["Free of charge"]:
        return "Free of charge"
    return "Charge card (RFID) or app: " + "; ".join(prices) if prices else None


@lru_cache(maxsize=1024)
def _price_text(name: str, currency: str, start_fee: float, per_kwh: float,
                per_minute: float, parking: float, grace: int, tax_rate: float) -> str:
    # A few distinct tariffs serve thousands of connectors: format each once.
    return price_summary({"name": name, "currency": currency, "start_fee": start_fee,
                          "per_kwh": per_kwh, "per_minute": per_minute,
                          "parking_per_minute": parking, "parking_grace_minutes": grace,
                          "tax_rate": tax_rate})


def _hms(value: Any) -> str | None:
    if value is None:
        return None
    parts = str(value).replace("/", ":").split(":")
    parts = [*parts, "00", "00"][:3]
    return ":".join(p.zfill(2) for p in parts)


def opening_times(hours: Any) -> dict | None:
    """The stored opening hours JSON as ``OpeningTimes``.

    Stored form: ``{"twentyfourseven": bool, "regular": [{"weekday": 1..7 (1 = Monday),
    "begin": "08:00", "end": "20:00"}], "exceptional": [{"begin": ISO, "end": ISO,
    "closed": bool}]}``; OCPI-style ``period_begin``/``period_end`` and separate
    ``exceptional_openings`` / ``exceptional_closings`` lists are accepted too.
    """
    if not isinstance(hours, dict):
        return None
    regular: list[dict] = []
    if hours.get("twentyfourseven"):
        regular = [{"weekday": d, "operatingHours": {"begin": "00:00:00", "end": "23:59:59"}}
                   for d in range(1, 8)]
        description = "Open 24/7"
    else:
        for item in hours.get("regular") or []:
            begin = item.get("begin", item.get("period_begin"))
            end = item.get("end", item.get("period_end"))
            regular.append({"weekday": int(item["weekday"]),
                            "operatingHours": {"begin": _hms(begin), "end": _hms(end)}})
        regular.sort(key=lambda r: (r["weekday"], r["operatingHours"]["begin"] or ""))
        description = _describe(regular)
    openings: list[dict] = []
    closings: list[dict] = []
    for item in hours.get("exceptional") or []:
        period = {"begin": item.get("begin", item.get("period_begin")),
                  "end": item.get("end", item.get("period_end"))}
        closed = item.get("closed", str(item.get("kind", "")).lower() == "closing")
        (closings if closed else openings).append(period)
    for key, target in (("exceptional_openings", openings), ("exceptional_closings", closings)):
        for item in hours.get(key) or []:
            target.append({"begin": item.get("begin", item.get("period_begin")),
                           "end": item.get("end", item.get("period_end"))})
    return {"description": description, "regularHours": regular,
            "exceptionalOpenings": openings, "exceptionalClosings": closings}


def _describe(regular: list[dict]) -> str:
    if not regular:
        return "Closed"
    per_day: dict[int, list[str]] = {}
    for r in regular:
        h = r["operatingHours"]
        span = f"{(h['begin'] or '')[:5]}-{(h['end'] or '')[:5]}"
        per_day.setdefault(r["weekday"], []).append(span)
    spans: list[tuple[int, int, str]] = []
    for day in range(1, 8):
        text = ", ".join(per_day[day]) if day in per_day else None
        if text is None:
            continue
        if spans and spans[-1][1] == day - 1 and spans[-1][2] == text:
            spans[-1] = (spans[-1][0], day, text)
        else:
            spans.append((day, day, text))
    out = []
    for a, b, text in spans:
        days = WEEKDAYS[a - 1] if a == b else f"{WEEKDAYS[a - 1]}-{WEEKDAYS[b - 1]}"
        out.append(f"{days} {text}")
    return "; ".join(out)


def _json(value: Any) -> Any:
    if value is None or isinstance(value, dict | list):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------ Connector

connector_type = ObjectType("Connector")


@connector_type.field("id")
@plain_leaf
def resolve_connector_id(row: dict, _info: GraphQLResolveInfo) -> str:
    return str(row["id"])


@connector_type.field("evseId")
@plain_leaf
def resolve_connector_evse(row: dict, _info: GraphQLResolveInfo) -> str:
    return row["evse_id"]


@connector_type.field("connectorType")
@context_only
def resolve_connector_type(row: dict, _info: GraphQLResolveInfo) -> dict:
    return connector_type_of(row["plug_type"], row["current_type"], float(row["max_power_kw"]))


@lru_cache(maxsize=256)
def connector_type_of(plug_type: str, current: str, max_power_kw: float) -> dict:
    # Few distinct combinations exist; the shared dict is only ever read.
    plug = PLUGS.get(plug_type, {"label": plug_type, "standard": plug_type,
                                 "plugType": None, "chargingModeType": None})
    if current == "DC":
        facility = "DC"
    elif plug_type == "SCHUKO":
        facility = "AC_1_PHASE"
    else:
        facility = "AC_3_PHASE"
    return {
        "id": f"{plug_type}_{current}",
        "label": plug["label"],
        "standard": plug["standard"],
        "chargingFacilityType": facility,
        "plugType": plug["plugType"],
        "chargingModeType": plug["chargingModeType"],
        "chargePointType": current,
        "maxPowerRating": max_power_kw,
    }


def connector_status(row: dict) -> dict:
    return {"connectorId": str(row["id"]), "ocpp": row.get("ocpp_status"),
            "calculated": row.get("calculated_status"),
            "simple": simple_connector(row.get("simple_status"))}


@connector_type.field("status")
@context_only
def resolve_connector_status(row: dict, _info: GraphQLResolveInfo) -> dict:
    return connector_status(row)


@connector_type.field("cp")
@context_only
def resolve_connector_cp(row: dict, info: GraphQLResolveInfo) -> Any:
    cp = parents_of(info).cps.get(row["station_id"])
    if cp is not None:
        return cp
    return loader(info, "stations", _stations_batch).load(row["station_id"])


@connector_type.field("sortOrder")
@plain_leaf
def resolve_connector_sort(row: dict, _info: GraphQLResolveInfo) -> str:
    return str(row["sort_order"])


@connector_type.field("freeOfCharge")
@plain_leaf
def resolve_connector_free(row: dict, _info: GraphQLResolveInfo) -> bool:
    return bool(row.get("free_of_charge"))


# ------------------------------------------------------------------ Site

site_type = ObjectType("Site")


@site_type.field("id")
@plain_leaf
def resolve_site_id(row: dict, _info: GraphQLResolveInfo) -> str:
    return row["uuid"]


@site_type.field("company")
@plain_leaf
def resolve_site_company(row: dict, _info: GraphQLResolveInfo) -> str | None:
    return row.get("operator_name")


@site_type.field("scope")
@plain_leaf
def resolve_site_scope(row: dict, _info: GraphQLResolveInfo) -> str | None:
    return row.get("location_type")


@site_type.field("label")
@plain_leaf
def resolve_site_label(row: dict, _info: GraphQLResolveInfo) -> str:
    return row["name"]


@site_type.field("cps")
@context_only
def resolve_site_cps(row: dict, info: GraphQLResolveInfo) -> Any:
    if "_cps" in row:
        return row["_cps"]
    return _site_cps_later(row, info)


async def _site_cps_later(row: dict, info: GraphQLResolveInfo) -> list[dict]:
    cps = await loader(info, "site_stations", _site_stations_batch).load(row["id"]) or []
    parents = parents_of(info)
    cps = [cp for cp in cps if offers.covers(parents.offer, cp)]
    parents.sites.setdefault(row["id"], row)
    row["_cps"] = cps
    return cps


bindables = [cp_type, connector_type, site_type]
