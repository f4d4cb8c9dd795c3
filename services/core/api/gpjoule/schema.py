"""The executable GP JOULE CONNECT schema: schema.graphql (written from the document), its
scalars and the ``bindables`` of every module in ``RESOLVER_MODULES``; and the request
budget with this API's paging (``limit`` defaults to 100, at most 1,000)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ariadne import ScalarType
from graphql import GraphQLError, GraphQLSchema

from services.core.api.gpjoule.parsers import DEFAULT_LIMIT, MAX_LIMIT
from services.core.api.graphql import errors
from services.core.api.graphql.cost import CostBudget
from services.core.api.graphql.schema import schema_from_sdl

SDL_PATH = Path(__file__).with_name("schema.graphql")

RESOLVER_MODULES = [
    "services.core.api.gpjoule.resolvers_chargepoints",
    "services.core.api.gpjoule.resolvers_contacts",
    "services.core.api.gpjoule.resolvers_sessions",
    "services.core.api.gpjoule.resolvers_charging",
]

# A full page of 1,000 chargepoints with every documented field (connectors, their status
# and type, the location) costs about 78,000: it fits, two such pages in one request do not.
BUDGET = CostBudget(maximum=100_000, default_page_size=DEFAULT_LIMIT, max_page_size=MAX_LIMIT)


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def iso_millis(value: Any) -> str:
    """The document's DateTime form: YYYY-MM-DDThh:mm:ss.sssZ, UTC."""
    dt = _as_datetime(value).astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _parse_with(name: str, example: str) -> Any:
    def parse(value: Any) -> Any:
        if not isinstance(value, str):
            raise GraphQLError(f"{name}: expected a string like {example}",
                               extensions={"code": errors.BAD_USER_INPUT})  # fmt: skip
        try:
            return _as_datetime(value.strip()) if name != "Email" else value.strip()
        except ValueError:
            raise GraphQLError(f"{name}: '{value}' is not like {example}",
                               extensions={"code": errors.BAD_USER_INPUT}) from None  # fmt: skip

    return parse


date_time = ScalarType("DateTime", serializer=iso_millis,
                       value_parser=_parse_with("DateTime", "2021-01-28T12:12:12.420Z"))


# The document describes Date as "YYYY-MM-DD" but every example writes a date-time
# ("2021-07-06T16:01:41.120Z"): the examples win, a calendar date is that day's midnight UTC.
date_scalar = ScalarType("Date", serializer=iso_millis,
                         value_parser=_parse_with("Date", "2021-07-06T00:00:00.000Z"))
email = ScalarType("Email", serializer=str,
                   value_parser=_parse_with("Email", "driver@example.com"))


@lru_cache(maxsize=1)
def sdl() -> str:
    return SDL_PATH.read_text(encoding="utf-8")


def build_schema(modules: list[str] | None = None) -> GraphQLSchema:
    return schema_from_sdl(sdl(), RESOLVER_MODULES if modules is None else modules,
                           date_time, date_scalar, email)  # fmt: skip
