"""What an operation will cost the core, computed from its document before it runs.

Cost = the number of field values the core would produce, estimated from the document:
every selected field (aliases count separately) costs 1 for each object it is resolved on;
a root field (a store query or a domain operation of its own) costs ``root_field_cost``.
Inside a list, everything is multiplied by the list's size: a paging argument
(``limit``/``first``/``last`` or ``pagination.limit``) gives it, capped at the facade's page
size maximum, its default page size when omitted; lists without such an argument count
``default_list_size`` items (``list_sizes`` names exceptions, ``"Type.field": n``;
introspection lists count what the schema holds). A paged field that returns an object
(``cpsPaged { data }``) hands its size to the list fields directly inside it.

Each fragment is costed once per (fragment, pending page size) and reused at every spread,
so nested spreads cannot make the analysis itself expensive. The analysis reads the
document as sent, before validation (it is what protects validation, too): unknown fields
cost 1, fragment cycles cost nothing (validation refuses them afterwards).

ariadne ships ``ariadne.validation.cost_validator``; it is not used here because it counts a
field without its own cost entry once whatever list it sits in (a page of 100 stations with
30 fields each costs 30, not 3,000), and as a validation rule built per request from the
request's variables it would defeat the validation cache.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"


@dataclass(frozen=True)
class CostBudget:
    maximum: int
    root_field_cost: int = 5_000
    default_page_size: int = 20
    max_page_size: int = 100
    default_list_size: int = 5
    size_args: Sequence[str] = ("limit", "first", "last", "pagination.limit")
    list_sizes: Mapping[str, int] = field(default_factory=dict)


def _is_list(type_: Any) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _value(node: Any, variables: Mapping[str, Any]) -> Any:
    """An argument value as far as the cost needs it: ints, and objects holding ints."""
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        try:
            return int(node.value)
        except ValueError:
            return None
    if isinstance(node, ObjectValueNode):
        return {f.name.value: _value(f.value, variables) for f in node.fields}
    return None


class _Analysis:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode,
                 variables: Mapping[str, Any], budget: CostBudget) -> None:
        self.schema = schema
        self.budget = budget
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        self._fragment_cost: dict[tuple[str, int | None], int] = {}
        self._in_progress: set[str] = set()
        self._paged_args = {path.split(".")[0] for path in budget.size_args}
        self.list_sizes = {**introspection_sizes(schema), **budget.list_sizes}
        self.roots = {t for t in (schema.query_type, schema.mutation_type,
                                  schema.subscription_type) if t is not None}

    def page_size(self, field_def: Any, node: FieldNode) -> int | None:
        """The size a paging argument asks for; None when the field takes none."""
        if not self._paged_args.intersection(field_def.args):
            return None
        given = {a.name.value: _value(a.value, self.variables) for a in node.arguments}
        for path in self.budget.size_args:
            value: Any = given
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, int) and not isinstance(value, bool):
                return max(0, min(value, self.budget.max_page_size))
        return self.budget.default_page_size

    def selection_cost(self, selection_set: SelectionSetNode | None, parent: Any,
                       pending: int | None) -> int:
        if selection_set is None:
            return 0
        total = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                total += self.field_cost(sel, parent, pending)
                if parent in self.roots:
                    total += self.budget.root_field_cost - 1
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                target = self.schema.get_type(cond.name.value) if cond else parent
                total += self.selection_cost(sel.selection_set, target, pending)
            elif isinstance(sel, FragmentSpreadNode):
                total += self.fragment_cost(sel.name.value, pending)
        return total

    def fragment_cost(self, name: str, pending: int | None) -> int:
        key = (name, pending)
        found = self._fragment_cost.get(key)
        if found is not None:
            return found
        fragment = self.fragments.get(name)
        if fragment is None or name in self._in_progress:
            return 0
        self._in_progress.add(name)
        try:
            target = self.schema.get_type(fragment.type_condition.name.value)
            cost = self.selection_cost(fragment.selection_set, target, pending)
        finally:
            self._in_progress.discard(name)
        self._fragment_cost[key] = cost
        return cost

    def field_cost(self, node: FieldNode, parent: Any, pending: int | None) -> int:
        fields = (parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
                  else {})
        name = node.name.value
        field_def = fields.get(name)
        if field_def is None and parent is self.schema.query_type:
            field_def = _META.get(name)
        if field_def is None or node.selection_set is None:
            return 1
        size = self.page_size(field_def, node)
        if _is_list(field_def.type):
            items = size if size is not None else (
                pending if pending is not None else self.list_sizes.get(
                    f"{parent.name}.{name}", self.budget.default_list_size))
            inner = self.selection_cost(node.selection_set, get_named_type(field_def.type),
                                        None)
            return 1 + items * inner
        return 1 + self.selection_cost(node.selection_set, get_named_type(field_def.type),
                                       size)


_META = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


def _mean(counts: list[int]) -> int:
    return max(1, math.ceil(sum(counts) / max(1, len(counts))))


def introspection_sizes(schema: GraphQLSchema) -> dict[str, int]:
    """The introspection lists' sizes as this schema has them (all types; per type or field
    the mean over the schema), so an introspection query costs what it produces."""
    sizes = _INTROSPECTION_SIZES.get(schema)
    if sizes is None:
        types = list(schema.type_map.values())
        fields = [f for t in types for f in (getattr(t, "fields", None) or {}).values()]
        sizes = _INTROSPECTION_SIZES[schema] = {
            "__Schema.types": len(types),
            "__Schema.directives": len(schema.directives),
            "__Type.fields": _mean([len(getattr(t, "fields", None) or {}) for t in types]),
            "__Type.inputFields": _mean([len(t.fields) if isinstance(t, GraphQLInputObjectType)
                                         else 0 for t in types]),
            "__Type.enumValues": _mean([len(t.values) if isinstance(t, GraphQLEnumType) else 0
                                        for t in types]),
            "__Type.interfaces": _mean([len(getattr(t, "interfaces", None) or ())
                                        for t in types]),
            "__Type.possibleTypes": _mean([len(schema.get_possible_types(t))
                                           if is_abstract_type(t) else 0 for t in types]),
            "__Field.args": _mean([len(getattr(f, "args", None) or {}) for f in fields]),
            "__Directive.args": _mean([len(d.args) for d in schema.directives]),
        }
    return sizes


_INTROSPECTION_SIZES: weakref.WeakKeyDictionary[GraphQLSchema, dict[str, int]] = (
    weakref.WeakKeyDictionary())


def _root(schema: GraphQLSchema, operation: OperationDefinitionNode) -> Any:
    if operation.operation is OperationType.MUTATION:
        return schema.mutation_type
    if operation.operation is OperationType.SUBSCRIPTION:
        return schema.subscription_type
    return schema.query_type


def operation_cost(schema: GraphQLSchema, document: DocumentNode,
                   variables: Mapping[str, Any] | None, operation_name: str | None,
                   budget: CostBudget) -> int:
    """The cost of the operation that would run (the named one; the costliest when the
    name matches none, so a wrong name cannot hide a costly operation)."""
    analysis = _Analysis(schema, document, variables if isinstance(variables, dict) else {},
                         budget)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if o.name and o.name.value == operation_name]
    return max((analysis.selection_cost(o.selection_set, _root(schema, o), None)
                for o in (chosen or operations)), default=0)


def check_cost(schema: GraphQLSchema, document: DocumentNode, data: Mapping[str, Any],
               budget: CostBudget) -> None:
    """Raise a GraphQL error when the request in ``data`` (the GraphQL-over-HTTP body) is
    over ``budget``."""
    cost = operation_cost(schema, document, data.get("variables"),
                          data.get("operationName"), budget)
    if cost > budget.maximum:
        raise GraphQLError(
            f"query cost {cost} exceeds the limit of {budget.maximum}: ask for fewer "
            "items per page, fewer aliases or fewer fields",
            extensions={"code": COST_LIMIT_EXCEEDED,
                        "cost": {"requestedQueryCost": cost,
                                 "maximumAvailable": budget.maximum}})
