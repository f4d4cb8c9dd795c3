"""Does a GraphQL response's ``data`` match the schema for the document that asked for it?
Every selected response key present and no other, nulls only where the type is nullable,
lists as lists, scalars of their type (Int in 32 bits, Float finite, ...), enum values of
their enum, objects of a possible type."""

from __future__ import annotations

import math
import re
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    is_abstract_type,
)

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def _scalar_ok(name: str, value: Any) -> bool:
    if name == "Int":
        return type(value) is int and INT_MIN <= value <= INT_MAX
    if name == "Float":
        return type(value) in (int, float) and math.isfinite(value)
    if name == "Boolean":
        return type(value) is bool
    if name in ("String", "ID"):
        return type(value) is str
    if name == "DateTime":
        return type(value) is str and bool(DATETIME.match(value))
    return True  # a custom scalar without a known wire form


class ShapeCheck:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        self.operation = next(d for d in document.definitions
                              if isinstance(d, OperationDefinitionNode))
        self.problems: list[str] = []

    def run(self, data: Any) -> list[str]:
        root = (self.schema.mutation_type if self.operation.operation is OperationType.MUTATION
                else self.schema.query_type)
        if not isinstance(data, dict):
            return [f"data: expected an object, got {type(data).__name__}"]
        self.object(root, [self.operation.selection_set], data, "data")
        return self.problems

    def value(self, type_: Any, selections: list[SelectionSetNode], value: Any,
              path: str) -> None:
        if isinstance(type_, GraphQLNonNull):
            if value is None:
                self.problems.append(f"{path}: null in non-null {type_}")
                return
            type_ = type_.of_type
        if value is None:
            return
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                self.problems.append(f"{path}: expected a list, got {value!r:.80}")
                return
            for i, item in enumerate(value):
                self.value(type_.of_type, selections, item, f"{path}[{i}]")
        elif isinstance(type_, GraphQLScalarType):
            if not _scalar_ok(type_.name, value):
                self.problems.append(f"{path}: {value!r:.80} is not a {type_.name}")
        elif isinstance(type_, GraphQLEnumType):
            if value not in type_.values:
                self.problems.append(f"{path}: {value!r:.80} is not a {type_.name} value")
        elif not isinstance(value, dict):
            self.problems.append(f"{path}: expected a {type_.name} object, got {value!r:.80}")
        else:
            self.object(type_, selections, value, path)

    def _applies(self, condition: Any, runtime: GraphQLObjectType | None) -> bool | None:
        """Whether a fragment on ``condition`` applies to an object of ``runtime`` type (None
        when the runtime type is unknown)."""
        if condition is None:
            return True
        if runtime is None:
            return None
        if condition is runtime:
            return True
        return is_abstract_type(condition) and self.schema.is_sub_type(condition, runtime)

    def _collect(self, parent: Any, runtime: GraphQLObjectType | None,
                 selection_set: SelectionSetNode, optional: bool,
                 out: dict[str, tuple[Any, list[FieldNode], bool]]) -> None:
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                key = (sel.alias or sel.name).value
                owner = runtime or parent
                fdef = (None if sel.name.value == "__typename"
                        else getattr(owner, "fields", {}).get(sel.name.value))
                prev = out.get(key)
                nodes = (prev[1] if prev else []) + [sel]
                out[key] = (fdef, nodes, optional and (prev[2] if prev else True))
                continue
            if isinstance(sel, InlineFragmentNode):
                cond = (self.schema.get_type(sel.type_condition.name.value)
                        if sel.type_condition else None)
                body = sel.selection_set
            else:
                assert isinstance(sel, FragmentSpreadNode)
                frag = self.fragments[sel.name.value]
                cond = self.schema.get_type(frag.type_condition.name.value)
                body = frag.selection_set
            applies = self._applies(cond, runtime)
            if applies is False:
                continue
            self._collect(cond if cond is not None and runtime is None else parent, runtime,
                          body, optional or applies is None, out)

    def object(self, type_: Any, selections: list[SelectionSetNode], value: dict,
               path: str) -> None:
        runtime = type_ if isinstance(type_, GraphQLObjectType) else None
        typename = next((value[(s.alias or s.name).value] for sel in selections
                         for s in sel.selections if isinstance(s, FieldNode)
                         and s.name.value == "__typename"
                         and (s.alias or s.name).value in value), None)
        if typename is not None:
            found = self.schema.get_type(typename)
            if not isinstance(found, GraphQLObjectType) or (
                    runtime is None and not self.schema.is_sub_type(type_, found)) or (
                    runtime is not None and found is not runtime):
                self.problems.append(f"{path}: __typename {typename!r} is not a {type_}")
                return
            runtime = found
        expected: dict[str, tuple[Any, list[FieldNode], bool]] = {}
        for selection_set in selections:
            self._collect(type_, runtime, selection_set, False, expected)
        for key in value:
            if key not in expected:
                self.problems.append(f"{path}.{key}: not asked for")
        for key, (fdef, nodes, optional) in expected.items():
            if key not in value:
                if not optional:
                    self.problems.append(f"{path}.{key}: missing")
                continue
            if fdef is None:
                if nodes[0].name.value == "__typename" and type(value[key]) is not str:
                    self.problems.append(f"{path}.{key}: __typename not a string")
                continue
            subs = [n.selection_set for n in nodes if n.selection_set is not None]
            self.value(fdef.type, subs, value[key], f"{path}.{key}")


def shape_problems(schema: GraphQLSchema, document: DocumentNode, data: Any) -> list[str]:
    return ShapeCheck(schema, document).run(data)
