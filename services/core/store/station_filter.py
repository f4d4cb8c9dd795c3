"""What a station search keeps: feature bits per station (kept in ``station_rtree.features``
by triggers) and ``StationFilter``.

Criteria within one group are OR-ed, groups are AND-ed, and each is matched at station
level: a station matches current type DC and plug type CCS when it has a DC connector and a
CCS connector (in practice the same one, since CCS is DC-only). ``free_of_charge`` keeps
stations with at least one free connector; ``available_only`` keeps stations with at least
one connector whose simple status is ``Available``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from services.core.domain.offers import Coverage
from services.core.store.migrations import FEATURES_SQL_V3
from services.core.store.offers import coverage_sql

# Station feature bits (station_rtree.features), derived from its connectors.
BIT_AC = 1 << 0
BIT_DC = 1 << 1
BIT_P_UP_TO_22 = 1 << 2  # max power <= 22 kW
BIT_P_22_150 = 1 << 3  # 22 < p < 150 kW (e.g. 50 kW)
BIT_P_150_300 = 1 << 4  # 150 <= p < 300 kW
BIT_P_300 = 1 << 5  # >= 300 kW
BIT_TYPE2 = 1 << 6
BIT_CCS = 1 << 7
BIT_CHADEMO = 1 << 8
BIT_SCHUKO = 1 << 9
BIT_FREE = 1 << 10
BIT_AVAILABLE = 1 << 11

PLUG_BITS = {"TYPE2": BIT_TYPE2, "CCS": BIT_CCS, "CHADEMO": BIT_CHADEMO, "SCHUKO": BIT_SCHUKO}
CURRENT_BITS = {"AC": BIT_AC, "DC": BIT_DC}

# Power classes a search may ask for: "at least" classes except the slow one, as drivers
# pick them.
POWER_CLASS_BITS = {
    "up_to_22_kw": BIT_P_UP_TO_22,
    "from_50_kw": BIT_P_22_150 | BIT_P_150_300 | BIT_P_300,
    "from_150_kw": BIT_P_150_300 | BIT_P_300,
    "from_300_kw": BIT_P_300,
}
# What a criterion may name, per kind.
CRITERIA: dict[str, dict[str, int]] = {
    "current_type": CURRENT_BITS,
    "plug_type": PLUG_BITS,
    "power_class": POWER_CLASS_BITS,
}


def connector_features(
    current_type: str, max_power_kw: float, plug_type: str, free_of_charge: Any, simple_status: Any
) -> int:
    """The feature bits one connector contributes (same rule as the SQL triggers)."""
    bits = CURRENT_BITS.get(current_type, 0) | PLUG_BITS.get(plug_type, 0)
    p = float(max_power_kw)
    if p <= 22:
        bits |= BIT_P_UP_TO_22
    elif p < 150:
        bits |= BIT_P_22_150
    elif p < 300:
        bits |= BIT_P_150_300
    else:
        bits |= BIT_P_300
    if free_of_charge:
        bits |= BIT_FREE
    if simple_status == "Available":
        bits |= BIT_AVAILABLE
    return bits


# SQL twin of connector_features(), OR-ed over a station's connectors (migration 3's
# triggers use it; bulk loaders call refresh_features()).
FEATURES_SQL = FEATURES_SQL_V3


class FilterError(ValueError):
    """A filter argument the store cannot apply; ``field`` names it for the API's error."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class StationFilter:
    """What a search keeps. Empty filter: everything."""

    masks: tuple[int, ...] = ()  # each group: station must have at least one of these bits
    operator_ids: tuple[int, ...] = ()
    free_of_charge: bool = False
    available_only: bool = False
    coverage: Coverage | None = None  # only the stations an offer covers

    @property
    def all_masks(self) -> tuple[int, ...]:
        extra = ()
        if self.free_of_charge:
            extra += (BIT_FREE,)
        if self.available_only:
            extra += (BIT_AVAILABLE,)
        return self.masks + extra

    @property
    def is_empty(self) -> bool:
        return not self.all_masks and not self.operator_ids and self.coverage_sql is None

    @property
    def coverage_only(self) -> bool:
        """Whether the offer's coverage is all this filter restricts."""
        return not self.all_masks and not self.operator_ids

    @property
    def coverage_sql(self) -> str | None:
        """The coverage as a condition on ``station_rtree`` columns; None: every station."""
        if self.coverage is None or self.coverage.is_everything:
            return None
        return coverage_sql(self.coverage, id_col="id", operator_col="operator_id",
                            lat_col="min_lat", lon_col="min_lon")

    def covering(self, coverage: Coverage | None) -> StationFilter:
        """This filter, keeping only what ``coverage`` covers as well."""
        return replace(self, coverage=coverage)

    @classmethod
    def build(
        cls,
        groups: Iterable[tuple[str, Iterable[str]]] = (),
        *,
        free_of_charge: bool | None = None,
        available_only: bool = False,
        operator_ids: Iterable[int] = (),
        current_types: Iterable[str] = (),
        plug_types: Iterable[str] = (),
        power_classes: Iterable[str] = (),
    ) -> StationFilter:
        """From groups of (kind, values) (kinds: ``CRITERIA``) and/or keywords, each one
        more group. A group with no values restricts nothing; ``free_of_charge`` False or
        None restricts nothing either. Unknown kinds/values raise FilterError."""
        all_groups = [*groups]
        if current_types:
            all_groups.append(("current_type", current_types))
        if plug_types:
            all_groups.append(("plug_type", plug_types))
        if power_classes:
            all_groups.append(("power_class", power_classes))
        masks = []
        for kind, values in all_groups:
            known = CRITERIA.get(kind)
            if known is None:
                raise FilterError(kind, f"unknown criterion; expected one of {sorted(CRITERIA)}")
            mask = 0
            for value in values:
                if value not in known:
                    raise FilterError(
                        kind, f"unknown value {value!r}; expected one of {sorted(known)}")
                mask |= known[value]
            if mask:
                masks.append(mask)
        return cls(
            masks=tuple(masks),
            operator_ids=tuple(sorted({int(o) for o in operator_ids})),
            free_of_charge=bool(free_of_charge),
            available_only=available_only,
        )


def filter_sql(flt: StationFilter | None, params: dict[str, Any]) -> str:
    if flt is None or flt.is_empty:
        return ""
    parts = []
    for i, mask in enumerate(flt.all_masks):
        params[f"m{i}"] = mask
        parts.append(f"(features & :m{i}) != 0")
    if flt.operator_ids:
        names = []
        for i, op in enumerate(flt.operator_ids):
            params[f"op{i}"] = op
            names.append(f":op{i}")
        parts.append(f"operator_id IN ({', '.join(names)})")
    if flt.coverage_sql is not None:
        parts.append(flt.coverage_sql)
    return " AND " + " AND ".join(parts)


