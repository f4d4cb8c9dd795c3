"""The GP JOULE CONNECT document as data: its example operations (fragments expanded), its
operation tables (arguments, return types) and its type tables (fields, enum values).

tests/data holds a verbatim copy of the document. Its layout: under "Queries" and
"Mutations" each operation is its name, then (for most) its return type and a
``Name | Description |`` table of arguments (``name -`` line, type line, ``|``, description),
then "Example", "Query", the operation, "Variables", "Response". Under "Types" each type is
its name, a description, and a ``Field Name | Description |`` or ``Enum Value |
Description |`` table (enum value names are blank there), then "Example".

The examples spread fragments the document never defines (``...ConnectorFragment``):
expanding a ``...XFragment`` means X's fields, object-typed ones with their own fields,
``depth`` levels down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
    is_leaf_type,
)

from services.core.api.gpjoule.schema import SDL_PATH
from tests.contract.document_examples import examples_between

DOC = Path(__file__).resolve().parents[2] / "data" / "gpjoule-connect-graphql.txt"
_ARG_TABLE = "Name | Description |"
_FIELD_TABLE = "Field Name | Description |"
_ENUM_TABLE = "Enum Value | Description |"
_RULE = "---|---|---|"
_NAMED = re.compile(r"^(\w+) -$")


@dataclass
class Operation:
    name: str
    kind: str  # query | mutation
    returns: str | None  # as the table shows it, None where the document gives none
    arguments: dict[str, str]  # name -> type, from the table
    variables: dict[str, str]  # name -> type, from the example's declaration


@dataclass
class DocType:
    name: str
    description: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> type
    enum_descriptions: list[str] | None = None  # one per (blank) enum value


@lru_cache(maxsize=1)
def lines() -> list[str]:
    return DOC.read_text(encoding="utf-8").splitlines()


@lru_cache(maxsize=1)
def schema() -> GraphQLSchema:
    return build_schema(SDL_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def examples() -> dict[str, str]:
    return examples_between(lines(), "Query", r"^(?:query|mutation) (\w+)", ("Variables",))


def _table(rows: list[str], start: int) -> tuple[dict[str, str], int]:
    """``name -`` / type pairs of the table whose rule line is at ``start``, up to
    "Example"; returns them and the index of "Example"."""
    out: dict[str, str] = {}
    i = start + 1
    while i < len(rows) and rows[i] != "Example":
        m = _NAMED.match(rows[i])
        if m:
            out[m.group(1)] = rows[i + 1].strip()
            i += 2
            continue
        i += 1
    return out, i


@lru_cache(maxsize=1)
def operations() -> dict[str, Operation]:
    rows = lines()
    types_at = rows.index("Types")
    out: dict[str, Operation] = {}
    for name, text in examples().items():
        kind = text.split()[0]
        declared = dict(re.findall(r"\$(\w+): ([\w!\[\]]+)", text.splitlines()[0]))
        at = rows.index(name, 0, types_at)
        returns, arguments = None, {}
        if rows[at + 1] != "Example":
            returns = rows[at + 1].strip()
            if rows[at + 2] == _ARG_TABLE:
                arguments, _ = _table(rows, at + 3)
        out[name] = Operation(name, kind, returns, arguments, declared)
    return out


@lru_cache(maxsize=1)
def types() -> dict[str, DocType]:
    rows = lines()
    out: dict[str, DocType] = {}
    i = rows.index("Types") + 1
    while i + 2 < len(rows):
        header = rows[i + 2]
        if header == _FIELD_TABLE:
            fields, end = _table(rows, i + 3)
            out[rows[i]] = DocType(rows[i], rows[i + 1], fields)
            i = end
        elif header == _ENUM_TABLE:
            j, descriptions = i + 4, []
            while j < len(rows) and rows[j] == "|":
                descriptions.append(rows[j + 1].rstrip(" |").strip())
                j += 2
            out[rows[i]] = DocType(rows[i], rows[i + 1], {}, descriptions)
            i = j
        else:
            i += 1
    return out


def selection(type_name: str, depth: int) -> str:
    t = schema().get_type(type_name)
    assert isinstance(t, GraphQLObjectType), type_name
    parts = []
    for name, fdef in t.fields.items():
        inner = get_named_type(fdef.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif depth > 1:
            parts.append(f"{name} {{ {selection(inner.name, depth - 1)} }}")
    return " ".join(parts) or "__typename"


def doc_query(operation: str, depth: int = 3) -> str:
    """The document's example for ``operation`` with every ``...XFragment`` expanded."""
    return re.sub(r"\.\.\.(\w+)Fragment", lambda m: selection(m.group(1), depth),
                  examples()[operation])
