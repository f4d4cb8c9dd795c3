"""Offers: what one API (or one partner of it) sells, station by station.

The core serves several APIs over one network. Each API's audience sees its own offer:
which stations it covers and what a connector costs there, derived from the station's own
tariff (the operator's base price). A driver comparing accounts on different back ends
thus sees real differences in coverage and price, and a session started through an API is
billed with that API's price; so is one started by tapping a card the API issued, or on a
hosted payment page the API opened (``offer_audiences``).

Coverage: a station is covered when the offer covers everything, or names the station's
operator, a region (box) it lies in, or the station itself; and its operator is not
excluded. Pricing: every unit price of the station's tariff is raised by
``markup_percent``; a fixed price given in the offer (start fee, per kWh, per minute,
parking per minute) replaces the station's instead, where the station bills in the offer's
currency (elsewhere the marked-up station price applies, since a fixed amount in one
currency means nothing in another). Derived unit prices are rounded half-up to cents, so
the price an API shows is exactly the price it bills. Free connectors stay free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from services.core.domain.errors import BadInput
from services.core.domain.tariffs import Tariff, tariff_from

APIS = ("beenergised", "gpjoule", "wirelane", "ampeco", "plugsurfing")
PRICE_FIELDS = ("start_fee", "per_kwh", "per_minute", "parking_per_minute")
Box = tuple[float, float, float, float]  # (south, west, north, east)


@dataclass(frozen=True)
class Coverage:
    everything: bool = False
    operator_ids: frozenset[int] = frozenset()
    regions: tuple[Box, ...] = ()
    station_ids: frozenset[int] = frozenset()
    excluded_operator_ids: frozenset[int] = frozenset()

    @property
    def is_everything(self) -> bool:
        return self.everything and not self.excluded_operator_ids

    def covers(self, station_id: int, operator_id: int, latitude: float, longitude: float
               ) -> bool:  # fmt: skip
        if operator_id in self.excluded_operator_ids:
            return False
        return (self.everything or operator_id in self.operator_ids
                or station_id in self.station_ids
                or any(s <= latitude <= n and w <= longitude <= e
                       for s, w, n, e in self.regions))  # fmt: skip

    def covers_station(self, station: Mapping[str, Any]) -> bool:
        """``covers`` for a station row (``id``, ``operator_id``, ``latitude``,
        ``longitude``)."""
        return self.covers(int(station["id"]), int(station["operator_id"]),
                           float(station["latitude"]), float(station["longitude"]))


@dataclass(frozen=True)
class Pricing:
    markup_percent: float = 0.0
    currency: str = "EUR"  # of the fixed prices below
    start_fee: float | None = None
    per_kwh: float | None = None
    per_minute: float | None = None
    parking_per_minute: float | None = None

    @property
    def is_base(self) -> bool:
        return not self.markup_percent and all(
            getattr(self, f) is None for f in PRICE_FIELDS)


@dataclass(frozen=True)
class Offer:
    api: str
    name: str
    partner_id: int | None = None  # None: the API's offer for every audience without its own
    coverage: Coverage = field(default_factory=lambda: Coverage(everything=True))
    pricing: Pricing = field(default_factory=Pricing)
    id: int | None = None

    def covers_station(self, station: Mapping[str, Any]) -> bool:
        return self.coverage.covers_station(station)

    def price(self, base: Tariff | Mapping[str, Any] | str) -> Tariff:
        """The tariff this offer bills where the station bills ``base``."""
        t = tariff_from(base)
        p = self.pricing
        if p.is_base:
            return t
        factor = 1 + _dec(p.markup_percent) / 100
        values: dict[str, float] = {}
        for name in PRICE_FIELDS:
            fixed = getattr(p, name)
            if fixed is not None and t.currency == p.currency:
                values[name] = float(_cents(_dec(fixed)))
            else:
                values[name] = float(_cents(_dec(getattr(t, name)) * factor))
        return replace(t, name=self.name, **values)


def with_own_operator(offer: Offer, operator_id: int | None) -> Offer:
    """``offer`` as a partner linked to ``operator_id`` sees it: a partner always covers its
    own infrastructure, whatever its offer lists."""
    if operator_id is None or offer.coverage.is_everything:
        return offer
    cov = offer.coverage
    return replace(offer, coverage=replace(
        cov, operator_ids=cov.operator_ids | {operator_id},
        excluded_operator_ids=cov.excluded_operator_ids - {operator_id}))


# The columns a connector row carries its tariff's prices in (store/connectors.py).
_ROW_COLUMNS = {"name": "tariff_name", "currency": "tariff_currency", "start_fee": "start_fee",
                "per_kwh": "per_kwh", "per_minute": "per_minute",
                "parking_per_minute": "parking_per_minute",
                "parking_grace_minutes": "parking_grace_minutes", "tax_rate": "tax_rate"}


def priced_connector(offer: Offer | None, row: dict[str, Any]) -> dict[str, Any]:
    """A connector row with its prices as ``offer`` sells them (the row itself when the offer
    changes nothing, the connector is free or has no tariff)."""
    if offer is None or offer.pricing.is_base or row.get("free_of_charge") \
            or row.get("tariff_name") is None:
        return row
    base = {k: row.get(col) for k, col in _ROW_COLUMNS.items()}
    t = offer.price(base)
    return {**row, **{col: getattr(t, k) for k, col in _ROW_COLUMNS.items()}}


def check(offer: Offer) -> None:
    """Refuse an offer that cannot mean anything, naming the field."""
    if offer.api not in APIS:
        raise BadInput("api", f"unknown API {offer.api!r}; expected one of {list(APIS)}")
    if not offer.name.strip():
        raise BadInput("name", "is required")
    p = offer.pricing
    if not -100 < p.markup_percent <= 1000:
        raise BadInput("markup_percent", "must be above -100 and at most 1000")
    for name in PRICE_FIELDS:
        value = getattr(p, name)
        if value is not None and not 0 <= value <= 1000:
            raise BadInput(name, "must be between 0 and 1000")
    for s, w, n, e in offer.coverage.regions:
        if not (-90 <= s <= n <= 90 and -180 <= w <= e <= 180):
            raise BadInput("regions", "each region is south <= north, west <= east in degrees")


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value or 0)))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
