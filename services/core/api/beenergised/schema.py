"""The executable be.ENERGISED schema: the generated SDL plus every resolver module's
``bindables``.

Resolver modules (``RESOLVER_MODULES``) each expose ``bindables: list`` of ariadne bindables
(``QueryType()``, ``MutationType()``, ``ObjectType("Cp")``, ...). Several modules may bind
fields of the same type. A module that does not exist yet is skipped. Any root operation no
module resolves answers NOT_IMPLEMENTED instead of a silent ``null``.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ariadne import ScalarType, make_executable_schema
from graphql import GraphQLError, GraphQLSchema

from services.core.api.beenergised import errors

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


def collect_bindables(modules: list[str] | None = None) -> list[Any]:
    bindables: list[Any] = [date_time]
    for name in RESOLVER_MODULES if modules is None else modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue
            raise
        bindables.extend(module.bindables)
    return bindables


def _not_served(field_name: str):  # type: ignore[no-untyped-def]
    def resolve(*_args: Any, **_kw: Any) -> Any:
        raise errors.error(errors.NOT_IMPLEMENTED,
                           f"{field_name} is not served by this core yet")

    return resolve


def _guard_unresolved(schema: GraphQLSchema) -> None:
    for root in (schema.query_type, schema.mutation_type, schema.subscription_type):
        if root is None:
            continue
        for name, field in root.fields.items():
            if root is schema.subscription_type:
                if field.subscribe is None:
                    field.subscribe = _not_served(name)
            elif field.resolve is None:
                field.resolve = _not_served(name)


@lru_cache(maxsize=1)
def sdl() -> str:
    return SDL_PATH.read_text(encoding="utf-8")


def build_schema(modules: list[str] | None = None) -> GraphQLSchema:
    schema = make_executable_schema(sdl(), *collect_bindables(modules))
    _guard_unresolved(schema)
    return schema
