"""Whether an answer has the shape of the document's example answer: the same keys (a few
documented extras allowed), the same JSON types, the document's formats for dates
(RFC 3339 with offset), prices ("0.36"), speeds ("22.2kW") and statuses. Lists are checked
item by item against the example's first item."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

# Fields the document marks optional or "can be null": null is a valid value for them.
NULLABLE = frozenset({
    "address", "billing-address", "billing-name", "charging-station-id", "city",
    "connector-id", "country", "description", "dynamic-status-summary", "email", "end",
    "energy-consumed", "evco-id", "external-id", "external-session-id", "fax", "first-name",
    "floor-level", "last-change", "last-dynamic-change", "last-name", "last-static-change",
    "last-station-usage-date", "locale", "notes", "open-hour-notes", "operator-logo",
    "owner-company-id", "owner-type", "phone", "prices", "request-sent", "service-providers",
    "social-security-number", "start", "street", "street-number", "streetNumber", "type",
    "vat", "web", "zip",
})  # fmt: skip
# Keys an answer may carry beyond the example: the result block (two examples omit it) and
# its detail, ``street-number`` (the field list's name where the example writes
# ``streetNumber``), and a charging key's ``status`` (an added field: the document allows
# them and has no other way to show a blocked key).
EXTRA = frozenset({"result", "error", "street-number", "status"})
# Objects keyed by ids (connector id -> status): their values are checked, not their keys.
ID_KEYED = frozenset({"connector-statuses"})
STATUSES = frozenset({"Available", "Occupied", "Reserved", "Offline", "Unknown"})
CONNECTOR_NAMES = frozenset({
    "UNKNOWN", "Type1", "Type2", "Type3", "Schuko", "Combo", "CeeBlue", "CeeRed", "Cee2Poles",
    "CeePlus", "3PinSquare", "Chademo", "Tesla", "Scame", "Nema5", "T13", "T15", "T23",
    "Marechal", "TypeE",
})  # fmt: skip
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$")
_PRICE = re.compile(r"^\d+\.\d{2}$")
_SPEED = re.compile(r"^\d+(\.\d+)?kW$")
_INT_KEYS = ("id", "count", "code", "total-parking", "processed", "floor-level")


def _is_int_key(key: str) -> bool:
    return any(key == k or key.endswith("-" + k) for k in _INT_KEYS) or key.endswith("ids")


def check_shape(documented: Any, actual: Any, path: str = "$") -> None:
    key = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if actual is None:
        assert documented is None or key in NULLABLE, f"{path}: null where the document " \
                                                      f"has {documented!r}"
        return
    if documented is None:
        return
    if isinstance(documented, dict):
        assert isinstance(actual, dict), f"{path}: object expected, got {actual!r}"
        if key in ID_KEYED:
            sample = next(iter(documented.values()))
            for k, v in actual.items():
                check_shape(sample, v, f"{path}.{k}")
            return
        missing = set(documented) - set(actual)
        assert not missing, f"{path}: missing {sorted(missing)}"
        extra = set(actual) - set(documented) - EXTRA
        assert not extra, f"{path}: keys the document does not have: {sorted(extra)}"
        for k, v in documented.items():
            check_shape(v, actual[k], f"{path}.{k}")
        return
    if isinstance(documented, list):
        assert isinstance(actual, list), f"{path}: array expected, got {actual!r}"
        if documented:
            for i, item in enumerate(actual):
                check_shape(documented[0], item, f"{path}[{i}]")
        return
    if isinstance(documented, bool):
        assert isinstance(actual, bool), f"{path}: boolean expected, got {actual!r}"
        return
    if isinstance(documented, int | float):
        assert isinstance(actual, int | float) and not isinstance(actual, bool), \
            f"{path}: number expected, got {actual!r}"
        if isinstance(documented, int) and _is_int_key(key):
            assert isinstance(actual, int), f"{path}: integer expected, got {actual!r}"
        return
    assert isinstance(documented, str), documented
    assert isinstance(actual, str), f"{path}: string expected, got {actual!r}"
    if _DATE.match(documented):
        assert _DATE.match(actual) and datetime.fromisoformat(actual).tzinfo, \
            f"{path}: RFC 3339 date with offset expected, got {actual!r}"
    elif _PRICE.match(documented):
        assert _PRICE.match(actual), f"{path}: price like '0.36' expected, got {actual!r}"
    elif _SPEED.match(documented):
        assert _SPEED.match(actual), f"{path}: speed like '22.2kW' expected, got {actual!r}"
    if key in ("status", "dynamic-status-summary") or ".connector-statuses." in path:
        assert actual in STATUSES, f"{path}: {actual!r} is not a documented status"
    if key == "name" and ".connectors[" in path:
        assert actual in CONNECTOR_NAMES, f"{path}: {actual!r} is not a documented type"
