"""Requests generated from the document's own parameter declarations for an operation:
valid values for every query parameter it lists (each enum value's first and last, examples,
the types' plain values) and invalid ones (wrong types, out-of-range paging, unknown enum
values, unknown filters and includes, foreign cursors). The contract tests send each and
check the answer against the document; they never assert which of the documented statuses
comes back, only that it is documented and well-formed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tests.contract.ampeco.openapi_check import document, operation

DATE_TIME = "2025-01-01T00:00:00Z"


@dataclass(frozen=True)
class Case:
    label: str
    params: list[tuple[str, str]]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def parameters(method: str, template: str) -> list[dict[str, Any]]:
    path_item = document()["paths"][template]
    found = [_resolve(p) for p in [*path_item.get("parameters", []),
                                   *operation(method, template).get("parameters", [])]]
    return [p for p in found if p.get("in") == "query"]


def _valid(schema: dict[str, Any]) -> list[str]:
    """A few values the schema accepts, as query text."""
    schema = _resolve(schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return _valid(schema[key][0])
    if "enum" in schema:
        values = [str(v).lower() if isinstance(v, bool) else str(v) for v in schema["enum"]]
        return list(dict.fromkeys([values[0], values[-1]]))
    kind, fmt = schema.get("type"), schema.get("format")
    if "example" in schema and not isinstance(schema["example"], dict | list):
        return [str(schema["example"])]
    if fmt in ("date-time", "datetime"):
        return [DATE_TIME]
    if fmt == "date":
        return ["2025-01-01"]
    if kind == "integer" or fmt in ("integer", "number"):
        return ["1"]
    if kind == "number":
        return ["1"]
    if kind == "boolean" or fmt == "boolean":
        return ["true", "false"]
    if kind == "array":
        return _valid(schema.get("items", {}))[:1]
    return ["x"]


def _invalid(schema: dict[str, Any]) -> list[str]:
    schema = _resolve(schema)
    kind, fmt = schema.get("type"), schema.get("format")
    if "enum" in schema:
        return ["no-such-value"]
    if fmt in ("date-time", "datetime", "date"):
        return ["not-a-date"]
    if kind in ("integer", "number", "boolean") or fmt in ("integer", "number", "boolean"):
        return ["not-a-number"]
    if kind == "string":
        return ["x" * 300]
    return []


def cases(method: str, template: str) -> Iterator[Case]:
    yield Case("no parameters", [])
    for p in parameters(method, template):
        name, schema = p["name"], _resolve(p.get("schema", {}))
        if name == "filter":
            for key, sub in schema.get("properties", {}).items():
                field = f"filter[{key}]"
                for value in _valid(sub):
                    yield Case(f"{field}={value}", [(field, value)])
                for value in _invalid(sub):
                    yield Case(f"invalid {field}", [(field, value)])
            yield Case("unknown filter", [("filter[noSuchFilter]", "1")])
        elif name == "include":
            for value in schema.get("items", {}).get("enum", []):
                yield Case(f"include {value}", [("include[]", value)])
            yield Case("unknown include", [("include[]", "noSuchInclude")])
        elif name == "per_page":
            for value in ("1", "100", "0", "101", "many"):
                yield Case(f"per_page={value}", [("per_page", value)])
        elif name == "page":
            for value in ("1", "2", "0", "first"):
                yield Case(f"page={value}", [("page", value)])
        elif name == "cursor":
            for value in ("", "not-a-cursor", "eyJhIjoiMSJ9"):
                yield Case(f"cursor={value!r}", [("cursor", value)])
        else:
            for value in [*_valid(schema), *_invalid(schema)]:
                yield Case(f"{name}={value}", [(name, value)])
