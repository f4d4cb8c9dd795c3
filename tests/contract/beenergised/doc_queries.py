"""The be.ENERGISED document's own example operations, with their fragments expanded.

The document's examples spread fragments it never defines (``...CpFragment``). Expanding
means: a ``...XFragment`` inside a selection on type X becomes X's fields as the document
lists them (schema.graphql is generated from it); object-typed fields nest their own
fragment, down to ``depth`` levels (the types are cyclic: Cp -> Connector -> Cp).
"""

from __future__ import annotations

import re
from functools import lru_cache

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
    is_leaf_type,
)

from services.core.api.beenergised.schema import SDL_PATH
from services.core.api.beenergised.sdl_from_doc import DOC


@lru_cache(maxsize=1)
def _schema() -> GraphQLSchema:
    return build_schema(SDL_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _examples() -> dict[str, str]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    out: dict[str, str] = {}
    i = 0
    while i < len(lines):
        if lines[i] == "Query" and i + 1 < len(lines) and re.match(
                r"^(query|mutation|subscription) \w+", lines[i + 1]):
            name = re.match(r"^\w+ (\w+)", lines[i + 1]).group(1)  # type: ignore[union-attr]
            j = i + 1
            while lines[j] not in ("Variables", "Response"):
                j += 1
            out.setdefault(name, "\n".join(lines[i + 1 : j]))
            i = j
        i += 1
    return out


def selection(type_name: str, depth: int) -> str:
    t = _schema().get_type(type_name)
    assert isinstance(t, GraphQLObjectType), type_name
    parts = []
    for name, field in t.fields.items():
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif depth > 1:
            parts.append(f"{name} {{ {selection(inner.name, depth - 1)} }}")
    return " ".join(parts) or "__typename"


def doc_query(operation: str, depth: int = 2) -> str:
    """The document's example for ``operation`` with every ``...XFragment`` expanded."""
    text = _examples()[operation]
    return re.sub(r"\.\.\.(\w+)Fragment", lambda m: selection(m.group(1), depth), text)
