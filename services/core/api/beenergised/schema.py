"""The executable be.ENERGISED schema: the SDL generated from the document, its DateTime
scalar and the ``bindables`` of every module in ``RESOLVER_MODULES``."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ariadne import ScalarType
from graphql import GraphQLError, GraphQLSchema

from services.core.api.graphql import errors
from services.core.api.graphql.schema import schema_from_sdl

SDL_PATH = Path(__file__).with_name("schema.graphql")

RESOLVER_MODULES = [
    "services.core.api.beenergised.station_types",
    "services.core.api.beenergised.resolvers_stations",
    "services.core.api.beenergised.resolvers_status",
    "services.core.api.beenergised.resolvers_charging",
    "services.core.api.beenergised.resolvers_account",
    "services.core.api.beenergised.resolvers_auth",
    "services.core.api.beenergised.resolvers_cards",
    "services.core.api.beenergised.resolvers_history",
    "services.core.api.beenergised.resolvers_payments",
    "services.core.api.beenergised.resolvers_contracts",
    "services.core.api.beenergised.resolvers_documents",
]

date_time = ScalarType("DateTime")


@date_time.serializer
def serialize_datetime(value: Any) -> str:
    # The document's examples use "2007-12-03T10:15:30Z": UTC, seconds, a Z.
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@date_time.value_parser
def parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise GraphQLError("DateTime: expected an ISO-8601 string like 2007-12-03T10:15:30Z",
                           extensions={"code": errors.BAD_USER_INPUT})
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise GraphQLError(
            f"DateTime: '{value}' is not ISO-8601 (e.g. 2007-12-03T10:15:30Z)",
            extensions={"code": errors.BAD_USER_INPUT},
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@lru_cache(maxsize=1)
def sdl() -> str:
    return SDL_PATH.read_text(encoding="utf-8")


def build_schema(modules: list[str] | None = None) -> GraphQLSchema:
    return schema_from_sdl(sdl(), RESOLVER_MODULES if modules is None else modules, date_time)
