"""An executable schema from an SDL file and the bindables of a facade's resolver modules.

Each resolver module exposes ``bindables: list`` of ariadne bindables (``QueryType()``,
``ObjectType("Cp")``, ...); several modules may bind fields of the same type. A module that
cannot be imported fails the build: a facade without its resolvers must not start. Any root
field no module resolves answers NOT_IMPLEMENTED instead of a silent ``null``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ariadne import make_executable_schema
from graphql import GraphQLSchema

from services.core.api.graphql import errors


def collect_bindables(modules: Iterable[str]) -> list[Any]:
    bindables: list[Any] = []
    for name in modules:
        bindables.extend(importlib.import_module(name).bindables)
    return bindables


def _not_served(field_name: str):  # type: ignore[no-untyped-def]
    def resolve(*_args: Any, **_kw: Any) -> Any:
        raise errors.error(errors.NOT_IMPLEMENTED,
                           f"{field_name} is not served by this core yet")

    return resolve


def guard_unresolved(schema: GraphQLSchema) -> None:
    for root in (schema.query_type, schema.mutation_type, schema.subscription_type):
        if root is None:
            continue
        for name, field in root.fields.items():
            if root is schema.subscription_type:
                if field.subscribe is None:
                    field.subscribe = _not_served(name)
            elif field.resolve is None:
                field.resolve = _not_served(name)


def schema_from_sdl(sdl: str | Path, modules: Iterable[str], *extra: Any) -> GraphQLSchema:
    """``sdl``: the SDL text or a path to it; ``modules``: resolver module names;
    ``extra``: further bindables (e.g. the facade's scalars)."""
    text = sdl.read_text(encoding="utf-8") if isinstance(sdl, Path) else sdl
    schema = make_executable_schema(text, *extra, *collect_bindables(modules))
    guard_unresolved(schema)
    return schema
