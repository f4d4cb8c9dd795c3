"""Running an API document's own examples against the core: the template every API's
contract folder uses (``tests/contract/<api>/test_document_examples.py``).

An API document shows example requests. A client written from the document alone must work
unchanged, so each example is sent as written to the running core, and every answer is
checked against the document's own types. One API supplies an :class:`ApiDocument`: its
examples (:func:`examples_between` cuts them out of the document text), how an example
becomes a request, how a request is sent, and how an answer is validated. GraphQL APIs
validate with :func:`check_graphql_result`, which walks the selection of the query against
the schema generated from the document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
)

INT_MIN, INT_MAX = -(2**31), 2**31 - 1


# ------------------------------------------------------------------ examples in a document


def examples_between(lines: list[str], start: str, first_line: str,
                     ends: Iterable[str]) -> dict[str, str]:
    """Examples of a document laid out as ``start`` on its own line, then the request whose
    first line matches ``first_line`` (a regex whose group 1 is the operation name), up to
    a line in ``ends``. The first example of each name wins."""
    stop = set(ends)
    out: dict[str, str] = {}
    i = 0
    while i < len(lines):
        m = re.match(first_line, lines[i + 1]) if lines[i] == start and i + 1 < len(lines) else None
        if m:
            j = i + 1
            while j < len(lines) and lines[j] not in stop:
                j += 1
            out.setdefault(m.group(1), "\n".join(lines[i + 1 : j]))
            i = j
        i += 1
    return out


# ------------------------------------------------------------------ one API's document


@dataclass(frozen=True)
class ApiDocument:
    """What the contract tests need to know about one API document."""

    name: str
    examples: Callable[[], dict[str, str]]  # operation name -> example as the document has it
    request: Callable[[str], str]  # operation name -> the request ready to send
    validate: Callable[[str, Any], None]  # (request, answer) -> AssertionError if off-document


@dataclass
class ExampleRunner:
    """Sends a document's examples to the core: ``send(request, variables, token)`` returns
    the whole answer; :meth:`run` validates it against the document before handing it back."""

    document: ApiDocument
    send: Callable[[str, dict[str, Any], str | None], dict[str, Any]]

    def run(self, name: str, variables: dict[str, Any] | None = None,
            token: str | None = None) -> dict[str, Any]:
        request = self.document.request(name)
        answer = self.send(request, variables or {}, token)
        self.document.validate(request, answer)
        return answer


def assert_every_example_has_a_case(document: ApiDocument, covered: Iterable[str]) -> None:
    """Every example of the document is run by some test, and no test names a missing one."""
    covered, examples = set(covered), set(document.examples())
    assert covered == examples, (
        f"{document.name}: not run: {examples - covered}; unknown: {covered - examples}"
    )


# ------------------------------------------------------------------ GraphQL answers


def check_graphql_result(schema: GraphQLSchema, query: str, data: dict[str, Any]) -> None:
    """Assert ``data`` (a response's ``data``) fits ``schema`` along ``query``: nullability,
    list-ness, scalar kinds, enum values, and exactly the selected keys."""
    op = next(d for d in parse(query).definitions if isinstance(d, OperationDefinitionNode))
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[op.operation.value]
    _check_selection(root, data, op.selection_set.selections, op.operation.value)


def graphql_validator(schema: Callable[[], GraphQLSchema]) -> Callable[[str, Any], None]:
    """An :attr:`ApiDocument.validate` for GraphQL over HTTP: a body with ``data``, whose
    non-null ``data`` conforms (with errors, failed nullable fields are null)."""

    def validate(query: str, body: Any) -> None:
        assert "data" in body, body
        if body["data"] is not None:
            check_graphql_result(schema(), query, body["data"])

    return validate


def check_graphql_value(t: Any, value: Any, path: str) -> None:
    """One value against one type (no selection: scalars and enums)."""
    _check(t, value, None, path)  # type: ignore[arg-type]


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_scalar(t: GraphQLScalarType, value: Any, path: str) -> None:
    name = t.name
    if name in ("String", "ID"):
        assert isinstance(value, str), f"{path}: {name} expected, got {value!r}"
    elif name == "Int":
        assert isinstance(value, int) and not isinstance(value, bool), f"{path}: {value!r}"
        assert INT_MIN <= value <= INT_MAX, f"{path}: Int out of 32-bit range: {value}"
    elif name == "Float":
        assert isinstance(value, int | float) and not isinstance(value, bool), (
            f"{path}: Float expected, got {value!r}"
        )
    elif name == "Boolean":
        assert isinstance(value, bool), f"{path}: Boolean expected, got {value!r}"
    elif name in ("DateTime", "Date"):
        assert isinstance(value, str) and _is_datetime(value), f"{path}: {name} {value!r}"
    elif name == "Email":
        assert isinstance(value, str) and "@" in value, f"{path}: Email {value!r}"
    else:  # pragma: no cover - a document declaring another scalar needs a rule here
        raise AssertionError(f"{path}: unknown scalar {name}")


def _check(t: Any, value: Any, node: FieldNode, path: str) -> None:
    if isinstance(t, GraphQLNonNull):
        assert value is not None, f"{path}: null for non-null {t}"
        t = t.of_type
    if value is None:
        return
    if isinstance(t, GraphQLList):
        assert isinstance(value, list), f"{path}: list expected, got {type(value).__name__}"
        for i, item in enumerate(value):
            _check(t.of_type, item, node, f"{path}[{i}]")
    elif isinstance(t, GraphQLEnumType):
        assert value in t.values, f"{path}: {value!r} is not a value of enum {t.name}"
    elif isinstance(t, GraphQLScalarType):
        _check_scalar(t, value, path)
    else:
        assert isinstance(t, GraphQLObjectType | GraphQLInterfaceType), t
        assert isinstance(value, dict), f"{path}: object expected, got {value!r}"
        _check_selection(t, value, node.selection_set.selections, path)  # type: ignore[union-attr]


def _check_selection(parent: Any, value: dict[str, Any], selections: Any, path: str) -> None:
    keys = set()
    for sel in selections:
        assert isinstance(sel, FieldNode), f"{path}: unexpanded {sel}"
        key = sel.alias.value if sel.alias else sel.name.value
        keys.add(key)
        assert key in value, f"{path}.{key}: missing from the response"
        if sel.name.value == "__typename":
            continue
        fdef = parent.fields[sel.name.value]
        _check(fdef.type, value[key], sel, f"{path}.{key}")
    assert set(value) == keys, f"{path}: unexpected keys {set(value) - keys}"
