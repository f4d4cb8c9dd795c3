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
from tests.contract.document_examples import examples_between


@lru_cache(maxsize=1)
def _schema() -> GraphQLSchema:
    return build_schema(SDL_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _examples() -> dict[str, str]:
    # The document shows each example as a "Query" line, the operation, then its
    # "Variables" and/or "Response".
    return examples_between(DOC.read_text(encoding="utf-8").splitlines(), "Query",
                            r"^(?:query|mutation|subscription) (\w+)", ("Variables", "Response"))


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
