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

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    ValidationRule,
    is_leaf_type,
    parse,
    validate,
)
from graphql.execution import ExecutionContext
from graphql.execution.execute import default_field_resolver
from graphql.pyutils import Path, Undefined
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


def plain_leaf(resolver: Any) -> Any:
    """Mark a field resolver as ``resolver(source, None) -> plain leaf value``: it reads only
    its source object (no info, no arguments, no I/O), so the fast path may call it."""
    resolver.plain_leaf = True
    return resolver


# (parent type, field name) -> (resolver or None, leaf type, non-null) or None (slow path)
_LeafPlan = tuple[Any, Any, bool] | None


class FastExecutionContext(ExecutionContext):
    """graphql-core's executor with a shortcut for the bulk of a station page: leaf fields
    (scalars/enums without arguments) read from a dict by the default resolver or by a
    ``plain_leaf`` resolver. They skip building a ResolveInfo, argument coercion and the
    generic completion; the value is serialised by the field's own type exactly as
    ``complete_leaf_value`` would. Anything unusual (null in a non-null field, a value the
    type cannot serialise, middleware) takes the normal path and its error handling."""

    is_awaitable = staticmethod(fast_is_awaitable)
    _plans: dict[tuple[GraphQLObjectType, str], _LeafPlan] = {}  # noqa: RUF012

    def _plan(self, parent_type: GraphQLObjectType, name: str) -> _LeafPlan:
        key = (parent_type, name)
        try:
            return self._plans[key]
        except KeyError:
            pass
        plan: _LeafPlan = None
        field_def = parent_type.fields.get(name)
        if field_def is not None and not field_def.args:
            ftype, non_null = field_def.type, False
            if isinstance(ftype, GraphQLNonNull):
                ftype, non_null = ftype.of_type, True
            resolve = field_def.resolve
            if is_leaf_type(ftype) and (resolve is None or getattr(resolve, "plain_leaf", False)):
                plan = (resolve, ftype, non_null)
        self._plans[key] = plan
        return plan

    def execute_field(self, parent_type: GraphQLObjectType, source: Any,
                      field_nodes: list, path: Path) -> Any:
        if (source.__class__ is dict and self.middleware_manager is None
                and self.field_resolver is default_field_resolver):
            node = field_nodes[0]
            plan = self._plan(parent_type, node.name.value)
            if plan is not None and not node.arguments:
                resolve, leaf, non_null = plan
                value = source.get(node.name.value) if resolve is None else resolve(source, None)
                if value is None:
                    if not non_null:
                        return None
                else:
                    try:
                        out = leaf.serialize(value)
                    except Exception:  # the slow path reports it properly
                        out = Undefined
                    if out is not Undefined and out is not None:
                        return out
        return super().execute_field(parent_type, source, field_nodes, path)


# ------------------------------------------------------------------ depth limit

# The document's types are cyclic (Cp -> connectors -> cp -> site -> cps ...), so without a
# bound one request could ask for pages nested without end. The document's own examples
# need depth 4 with fragments expanded; the standard introspection query needs 13.
MAX_DEPTH = 15


def _depth(node: Any, fragments: dict[str, Any], depth: int, seen: frozenset[str]) -> int:
    selection_set = getattr(node, "selection_set", None)
    if selection_set is None:
        return depth
    deepest = depth
    for sel in selection_set.selections:
        if isinstance(sel, FragmentSpreadNode):
            name = sel.name.value
            if name in fragments and name not in seen:
                deepest = max(deepest, _depth(fragments[name], fragments, depth, seen | {name}))
        elif isinstance(sel, InlineFragmentNode):
            deepest = max(deepest, _depth(sel, fragments, depth, seen))
        else:
            deepest = max(deepest, _depth(sel, fragments, depth + 1, seen))
    return deepest


class MaxDepthRule(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        fragments = {d.name.value: d for d in self.context.document.definitions
                     if isinstance(d, FragmentDefinitionNode)}
        depth = _depth(node, fragments, 0, frozenset())
        if depth > MAX_DEPTH:
            self.report_error(GraphQLError(
                f"query depth {depth} exceeds the limit of {MAX_DEPTH}", node))
