"""Per-request GraphQL overhead the core can avoid: re-parsing and re-validating the same
operation text (apps send the same few queries over and over), and graphql-core's generic
awaitable check on every field value (most values are plain dicts, strings and numbers).

Measured on the station search (50 Cps, document query): parse + validate were ~20% of the
request; see bench/ for figures.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from types import CoroutineType
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate
from graphql.execution import ExecutionContext
from graphql.pyutils import is_awaitable as default_is_awaitable

MAX_CACHED = 512
MAX_QUERY_CHARS = 50_000  # longer documents are parsed every time, not cached

_documents: OrderedDict[str, DocumentNode] = OrderedDict()
_validated: OrderedDict[tuple, tuple[DocumentNode, list[GraphQLError]]] = OrderedDict()


def cached_parser(_context: Any, data: dict) -> DocumentNode:
    query = data["query"]
    if not isinstance(query, str) or len(query) > MAX_QUERY_CHARS:
        return parse(query)
    doc = _documents.get(query)
    if doc is None:
        doc = parse(query)  # a syntax error raises and is not cached
        _documents[query] = doc
        if len(_documents) > MAX_CACHED:
            _documents.popitem(last=False)
    else:
        _documents.move_to_end(query)
    return doc


def cached_validator(schema: GraphQLSchema, document_ast: DocumentNode,
                     rules: Any = None, max_errors: int | None = None,
                     type_info: Any = None) -> list[GraphQLError]:
    """``graphql.validate`` remembered per parsed document and rule set (the schema never
    changes while the core runs)."""
    if type_info is not None:
        return validate(schema, document_ast, rules, max_errors, type_info)
    key = (id(document_ast), tuple(rules) if rules else (), max_errors)
    entry = _validated.get(key)
    if entry is not None and entry[0] is document_ast:
        return entry[1]
    errors = validate(schema, document_ast, rules, max_errors)
    _validated[key] = (document_ast, errors)
    if len(_validated) > MAX_CACHED * 2:
        _validated.popitem(last=False)
    return errors


_PLAIN = frozenset({str, int, float, bool, dict, list, tuple, type(None)})
_AWAITABLE = frozenset({CoroutineType, asyncio.Future, asyncio.Task})


def fast_is_awaitable(value: Any) -> bool:
    cls = value.__class__
    if cls in _PLAIN:
        return False
    if cls in _AWAITABLE:
        return True
    return default_is_awaitable(value)


class FastExecutionContext(ExecutionContext):
    is_awaitable = staticmethod(fast_is_awaitable)
