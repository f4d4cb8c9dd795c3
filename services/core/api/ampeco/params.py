"""``filter[...]`` and ``include[]`` query parameters (deepObject style, as the document
declares them).

A listing declares its filters as ``{name: parser}``; a parser turns the raw text (or list of
texts, for ``filter[name][]=``) into a value or raises ``ValueError`` with the reason.
Unknown filters and invalid values are refused with ``refuse`` (422 naming
``filter[name]``); operations that document no such status get the lenient reading:
unknown filters are ignored and an invalid value matches nothing (``NoMatch``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from services.core.api.ampeco.errors import invalid
from services.core.api.rest.errors import ApiError

Parser = Callable[[str | list[str]], Any]
_FILTER = re.compile(r"^filter\[([A-Za-z0-9_.]+)\](\[[0-9]*\])?$")
_INCLUDE = re.compile(r"^include(\[[0-9]*\])?$")
_MAX_VALUES = 100


class NoMatch(Exception):
    """A filter value no record can have: the listing is empty."""


def _refuse(refuse: int | None, field: str, reason: str) -> ApiError | None:
    if refuse is None:
        return None
    return invalid(field, reason) if refuse == 422 else ApiError(refuse, f"The {field} {reason}")


def filters(request: Request, spec: dict[str, Parser], refuse: int | None = 422
            ) -> dict[str, Any]:  # fmt: skip
    """The request's filters as ``{name: parsed value}``."""
    raw: dict[str, list[str]] = {}
    arrays: set[str] = set()
    for key, value in request.query_params.multi_items():
        found = _FILTER.match(key)
        if found is None:
            if key.startswith("filter"):
                error = _refuse(refuse, key[:60], "is not a filter this operation knows.")
                if error:
                    raise error
            continue
        name = found.group(1)
        raw.setdefault(name, []).append(value)
        if found.group(2):
            arrays.add(name)
    parsed: dict[str, Any] = {}
    # every filter is checked before a value that selects nothing ends the listing
    nothing = False
    for name, values in raw.items():
        field = f"filter[{name}]"
        parser = spec.get(name)
        if parser is None:
            error = _refuse(refuse, field, "is not a filter this operation knows.")
            if error:
                raise error
            continue
        if len(values) > _MAX_VALUES:
            error = _refuse(refuse, field, f"may have at most {_MAX_VALUES} values.")
            if error:
                raise error
            nothing = True
            continue
        try:
            parsed[name] = parser(values if name in arrays else values[-1])
        except NoMatch:
            nothing = True
        except ValueError as exc:
            error = _refuse(refuse, field, str(exc))
            if error:
                raise error from None
            nothing = True
    if nothing:
        raise NoMatch
    return parsed


def includes(request: Request, allowed: Collection[str], refuse: int | None = 422
             ) -> frozenset[str]:  # fmt: skip
    """``include[]=a&include[]=b`` (also ``include=a,b``), each one of ``allowed``."""
    chosen: set[str] = set()
    for key, value in request.query_params.multi_items():
        if not _INCLUDE.match(key):
            continue
        for item in filter(None, (v.strip() for v in value.split(","))):
            if item not in allowed:
                error = _refuse(refuse, "include", f"must be one of {', '.join(sorted(allowed))}.")
                if error:
                    raise error
                continue
            chosen.add(item)
    return frozenset(chosen)


# ------------------------------------------------------------------ value parsers


def _single(raw: str | list[str]) -> str:
    if isinstance(raw, list):
        raise ValueError("must be a single value.")
    return raw


def text(raw: str | list[str]) -> str:
    value = _single(raw)
    if len(value) > 255:
        raise ValueError("may not be greater than 255 characters.")
    return value


def integer(raw: str | list[str]) -> int:
    value = _single(raw)
    if not re.fullmatch(r"[0-9]{1,18}", value):
        raise ValueError("must be an integer.")
    return int(value)


def integers(raw: str | list[str]) -> tuple[int, ...]:
    """One id or a list of them (``filter[x]=1`` or ``filter[x][]=1&filter[x][]=2``)."""
    values = raw if isinstance(raw, list) else [raw]
    return tuple(integer(v) for v in values)


def boolean(raw: str | list[str]) -> bool:
    value = _single(raw).lower()
    if value in ("1", "true"):
        return True
    if value in ("0", "false"):
        return False
    raise ValueError("must be true or false.")


def one_of(*allowed: str) -> Parser:
    def parse(raw: str | list[str]) -> str:
        value = _single(raw)
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}.")
        return value

    return parse


def moment(raw: str | list[str]) -> str:
    """An ISO-8601 date-time (a date alone means its midnight, UTC) as the core's stored
    timestamps are written (UTC, milliseconds, ``Z``), so it compares with them as text."""
    value = _single(raw).strip()
    # a "+" of an offset arrives as a space when the client did not encode it
    value = value.replace(" ", "+") if "T" in value else value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S.") + f"{parsed.microsecond // 1000:03d}Z"
