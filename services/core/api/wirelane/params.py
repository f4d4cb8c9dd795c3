"""Query and path parameters as the document types them: strings with patterns, arrays
(repeated keys, and comma separated values within one key), enums whose empty value means
"any", integers with bounds. Every refusal names the parameter."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from starlette.datastructures import QueryParams

from services.core.api.wirelane.errors import bad_parameter

ID_PATTERN = re.compile(r"^[a-zA-Z0-9\-_]+$")
POINT_ID_PATTERN = re.compile(r"^[a-zA-Z0-9\-_*]+$")
SESSION_POINT_PATTERN = re.compile(r"^[a-zA-Z0-9\-_*+]+$")
NUMBER_PATTERN = re.compile(r"^[-+]?[0-9]*\.?[0-9]+$")
DIGITS_PATTERN = re.compile(r"^[0-9]*$")
FLAG_PATTERN = re.compile(r"^[0-1]$")

MAX_VALUE_LENGTH = 200
MAX_VALUES = 100
MAX_PAGE_SIZE = 1_000_000
MAX_PAGE = 1_000_000
DEFAULT_PAGE_SIZE = 50


def path_id(value: str, name: str, pattern: re.Pattern[str] = ID_PATTERN) -> str:
    if not value or len(value) > MAX_VALUE_LENGTH or not pattern.match(value):
        raise bad_parameter(name, f"must match {pattern.pattern} (at most {MAX_VALUE_LENGTH}"
                            " characters)")
    return value


def text(params: QueryParams, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise bad_parameter(name, "give it once")
    if not values or values[0] == "":
        return None
    if len(values[0]) > MAX_VALUE_LENGTH:
        raise bad_parameter(name, f"at most {MAX_VALUE_LENGTH} characters")
    return values[0]


def matching(params: QueryParams, name: str, pattern: re.Pattern[str], what: str) -> str | None:
    value = text(params, name)
    if value is not None and not pattern.match(value):
        raise bad_parameter(name, f"must be {what} (pattern {pattern.pattern}), got {value!r}")
    return value


def number(params: QueryParams, name: str, low: float, high: float) -> float | None:
    value = matching(params, name, NUMBER_PATTERN, "a decimal number")
    if value is None:
        return None
    parsed = float(value)
    if not math.isfinite(parsed) or not low <= parsed <= high:
        raise bad_parameter(name, f"must be between {low:g} and {high:g}, got {value}")
    return parsed


def flag(params: QueryParams, name: str) -> bool | None:
    value = matching(params, name, FLAG_PATTERN, "0 or 1")
    return None if value is None else value == "1"


def enum(params: QueryParams, name: str, allowed: Iterable[str]) -> str | None:
    allowed = tuple(allowed)
    value = text(params, name)
    if value is not None and value not in allowed:
        raise bad_parameter(name, f"must be one of {', '.join(allowed)}; got {value!r}")
    return value


def array(params: QueryParams, name: str, allowed: Iterable[str] | None = None,
          pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
    """Repeated keys (``a=x&a=y``), also ``a[]=x``, each possibly comma separated; empty
    values are dropped (the enums' ``""`` means no restriction)."""
    allowed = tuple(allowed) if allowed is not None else None
    out: list[str] = []
    for raw in [*params.getlist(name), *params.getlist(name + "[]")]:
        for value in raw.split(","):
            value = value.strip()
            if not value:
                continue
            if len(value) > MAX_VALUE_LENGTH:
                raise bad_parameter(name, f"values have at most {MAX_VALUE_LENGTH} characters")
            if allowed is not None and value not in allowed:
                raise bad_parameter(name, f"{value!r} is not one of {', '.join(allowed)}")
            if pattern is not None and not pattern.match(value):
                raise bad_parameter(name, f"{value!r} does not match {pattern.pattern}")
            if value not in out:
                out.append(value)
    if len(out) > MAX_VALUES:
        raise bad_parameter(name, f"at most {MAX_VALUES} values")
    return tuple(out)


def integer(params: QueryParams, name: str, default: int, low: int, high: int) -> int:
    value = text(params, name)
    if value is None:
        return default
    if not re.fullmatch(r"[-+]?[0-9]{1,19}", value):
        raise bad_parameter(name, f"must be an integer, got {value!r}")
    parsed = int(value)
    if not low <= parsed <= high:
        raise bad_parameter(name, f"must be between {low} and {high}, got {parsed}")
    return parsed


def paging(params: QueryParams) -> tuple[int, int]:
    """(offset, limit) from ``page`` (1-based) and ``page_size``."""
    page = integer(params, "page", 1, 1, MAX_PAGE)
    size = integer(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    return (page - 1) * size, size


def direction(params: QueryParams) -> bool:
    """Whether ``order_direction`` asks for descending order (``""`` is ascending)."""
    return enum(params, "order_direction", ("asc", "desc", "")) == "desc"
