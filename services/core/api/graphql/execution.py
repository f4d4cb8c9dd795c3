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
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
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
from graphql.error import GraphQLSyntaxError
from graphql.execution import ExecutionContext
from graphql.execution.execute import default_field_resolver
from graphql.language import Lexer, Source, TokenKind
from graphql.pyutils import Path, Undefined
from graphql.pyutils import is_awaitable as default_is_awaitable
from graphql.type.scalars import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    serialize_boolean,
    serialize_float,
    serialize_id,
    serialize_int,
    serialize_string,
)

MAX_CACHED = 512
# Lists longer than this are completed in slices of this many items, the event loop free
# to run other work between slices (a slice of 100 charge points takes a few ms).
LIST_SLICE = 100
MAX_QUERY_CHARS = 50_000  # longer documents are parsed every time, not cached

# Parse limits. graphql-core's parser recurses once per nesting level ({ [ (), so a few KB
# of brackets would exhaust Python's stack; the document's deepest operations nest about 12
# levels, the standard introspection query 10. The largest operations the apps send are a
# few hundred tokens, the document's examples with fragments expanded three levels about
# 3,000.
MAX_NESTING = 48
MAX_TOKENS = 15_000
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"

_OPEN = frozenset({TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L})
_CLOSE = frozenset({TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R})

_documents: OrderedDict[str, DocumentNode] = OrderedDict()
_validated: OrderedDict[tuple, tuple[DocumentNode, list[GraphQLError]]] = OrderedDict()


def _parse_failed(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": PARSE_FAILED})


def _check_shape(query: str) -> None:
    """Refuse documents over MAX_TOKENS or nested deeper than MAX_NESTING before the parser
    sees them (the lexer reads strings and comments properly, so brackets inside them do
    not count; a lexer error is left for parse() to report with its location)."""
    lexer = Lexer(Source(query))
    depth = tokens = 0
    try:
        while True:
            token = lexer.advance()
            kind = token.kind
            if kind is TokenKind.EOF:
                return
            tokens += 1
            if tokens > MAX_TOKENS:
                raise _parse_failed(f"document longer than {MAX_TOKENS} tokens")
            if kind in _OPEN:
                depth += 1
                if depth > MAX_NESTING:
                    raise _parse_failed(f"document nested deeper than {MAX_NESTING} levels "
                                        f"(at character {token.start})")
            elif kind in _CLOSE:
                depth -= 1
    except GraphQLSyntaxError:
        return


def parse_limited(query: str) -> DocumentNode:
    """``graphql.parse`` within the limits above: over them, a GraphQL error naming the
    limit (code GRAPHQL_PARSE_FAILED) instead of a stack overflow or seconds of work."""
    _check_shape(query)
    return parse(query, max_tokens=MAX_TOKENS)


def cached_parser(_context: Any, data: dict) -> DocumentNode:
    query = data["query"]
    if not isinstance(query, str) or len(query) > MAX_QUERY_CHARS:
        return parse_limited(query)
    doc = _documents.get(query)
    if doc is None:
        doc = parse_limited(query)  # a syntax error raises and is not cached
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


def context_only(resolver: Any) -> Any:
    """Mark a field resolver as ``resolver(source, info)`` that reads only its source and
    ``info.context`` and takes no arguments; it returns a plain value or, when it has to
    load something, an awaitable. The fast path calls it with a stand-in ``info`` holding
    just the context, and hands awaitables to graphql-core's normal path."""
    resolver.context_only = True
    return resolver


class _ContextInfo:
    """The part of ``GraphQLResolveInfo`` a ``context_only`` resolver may read."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


class _Slow(Exception):
    """Raised inside the fast path: something needs graphql-core's own handling.

    Always a new instance (``raise _Slow``): a raised exception keeps the frames it passed
    through on its traceback, so one shared instance would collect the frames, and through
    them the results, of every operation that ever fell back to the normal path."""

# (parent type, field name) -> (resolver or None, leaf type, non-null) or None (slow path)
_LeafPlan = tuple[Any, Any, bool] | None

# Field getters of the fast plan.
_GET_KEY, _GET_PLAIN, _GET_CONTEXT, _GET_TYPENAME = range(4)
# Value shapes of the fast plan: (LEAF, non_null, serialize, identity class or None),
# (LIST, non_null, item shape, None), (OBJECT, non_null, plan of the sub-selection, None).
_LEAF, _LIST, _OBJECT = range(3)
# Standard scalars whose serialize returns a value of this class unchanged (graphql-core
# 3.2's serialize_string / serialize_id / serialize_boolean); others always go through it.
_IDENTITY = {serialize_string: str, serialize_id: str, serialize_boolean: bool}


class FastExecutionContext(ExecutionContext):
    """graphql-core's executor with a shortcut for the bulk of a station page.

    1. Leaf fields (scalars/enums without arguments) read from a dict by the default
       resolver or by a ``plain_leaf`` resolver skip building a ResolveInfo, argument
       coercion and the generic completion; the value is serialised by the field's own type
       exactly as ``complete_leaf_value`` would.
    2. Whole sub-trees whose every field is such a leaf, a dict key, a ``plain_leaf`` or a
       ``context_only`` resolver, of object/list/leaf types without arguments, are completed
       by a compiled plan (per operation and selection): no Path, ResolveInfo or per-field
       method calls. A station page of 50 Cps with their connectors is one such tree.

    Anything unusual (null in a non-null field, a value the type cannot serialise, a
    resolver that returns an awaitable or raises, middleware) makes the field that contains
    it start again on graphql-core's normal path, which gives its exact result and errors:
    the fast path computes only from pure reads, so running a field twice changes nothing.
    """

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

    # -------------------------------------------------------------- compiled sub-trees

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any,
                       path: Path | None, fields: dict[str, list[FieldNode]]) -> Any:
        if (source_value.__class__ is not dict or self.middleware_manager is not None
                or self.field_resolver is not default_field_resolver):
            return super().execute_fields(parent_type, source_value, path, fields)
        steps = self._object_steps(parent_type, fields)
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        is_awaitable = self.is_awaitable
        run = self._run_step
        for step in steps:
            key = step[0]
            if step[2] is not None:
                if step[2] == _GET_KEY and step[4][0] == _LIST:
                    value = self._list_value(step, source_value)
                    if value is not None:
                        results[key] = self._complete_in_slices(parent_type, source_value,
                                                                path, step, value)
                        awaitable_fields.append(key)
                        continue
                try:
                    results[key] = run(step, source_value)
                    continue
                except Exception:  # noqa: S110 - _Slow, or a resolver raised: the normal
                    pass           # path below runs the field again and reports it
            result = self.execute_field(parent_type, source_value, step[1],
                                        Path(path, key, parent_type.name))
            if result is not Undefined:
                results[key] = result
                if is_awaitable(result):
                    awaitable_fields.append(key)
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            done = await asyncio.gather(*(results[k] for k in awaitable_fields))
            results.update(zip(awaitable_fields, done, strict=True))
            return results

        return get_results()

    def _list_value(self, step: tuple, source: dict) -> list | None:
        """The list a plain dict key holds, when it is long enough to be completed in
        slices; None otherwise (the ordinary fast path or the normal path completes it)."""
        value = source.get(step[3])
        if value.__class__ is list and len(value) > LIST_SLICE:
            return value
        return None

    async def _complete_in_slices(self, parent_type: GraphQLObjectType, source: dict,
                                  path: Path | None, step: tuple, value: list) -> Any:
        """A long list (a catalogue page of 1,000 charge points) completed a slice at a
        time, letting the event loop serve others in between: in one go it held the loop
        for 100-700 ms on a loaded machine. Anything the fast path cannot complete sends
        the whole field to the normal path, as in ``execute_fields``."""
        shape = step[4]
        item = shape[2]
        complete = self._complete
        fn = item[3] if item[0] == _OBJECT else None
        info = self._info()
        out: list = []
        try:
            for start in range(0, len(value), LIST_SLICE):
                if start:
                    await asyncio.sleep(0)
                out.extend(fn(v, info, complete) if fn is not None and v.__class__ is dict
                           else complete(item, v) for v in value[start:start + LIST_SLICE])
            return out
        except Exception:  # noqa: S110 - _Slow, or a resolver raised: the normal path below
            pass           # runs the field again and reports it
        result = self.execute_field(parent_type, source, step[1],
                                    Path(path, step[0], parent_type.name))
        if self.is_awaitable(result):
            return await result
        return None if result is Undefined else result

    def _object_steps(self, parent_type: GraphQLObjectType,
                      fields: dict[str, list[FieldNode]]) -> list[tuple]:
        """Per selection (the dict graphql-core's ``collect_subfields`` keeps for this
        operation): ``(response key, field nodes, getter or None, name/resolver, shape)``
        per field; getter None means the normal path."""
        cache: dict[int, tuple[Any, list[tuple]]] = self.__dict__.setdefault("_fast_steps", {})
        entry = cache.get(id(fields))
        if entry is not None and entry[0] is fields:
            return entry[1]
        steps = []
        for key, nodes in fields.items():
            steps.append((key, nodes, *self._field_step(parent_type, nodes)))
        cache[id(fields)] = (fields, steps)
        return steps

    def _field_step(self, parent_type: GraphQLObjectType, nodes: list[FieldNode]
                    ) -> tuple[Any, Any, Any]:
        node = nodes[0]
        name = node.name.value
        if name == "__typename":
            return _GET_TYPENAME, parent_type.name, None
        field_def = parent_type.fields.get(name)
        if field_def is None or field_def.args or any(n.arguments for n in nodes):
            return None, None, None
        resolve = field_def.resolve
        if resolve is None:
            getter, target = _GET_KEY, name
        elif getattr(resolve, "plain_leaf", False):
            getter, target = _GET_PLAIN, resolve
        elif getattr(resolve, "context_only", False):
            getter, target = _GET_CONTEXT, resolve
        else:
            return None, None, None
        shape = self._shape(field_def.type, nodes)
        if shape is None:
            return None, None, None
        return getter, target, shape

    def _shape(self, type_: Any, nodes: list[FieldNode]) -> tuple | None:
        non_null = isinstance(type_, GraphQLNonNull)
        if non_null:
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            item = self._shape(type_.of_type, nodes)
            return None if item is None else (_LIST, non_null, item, None)
        if is_leaf_type(type_):
            # (LEAF, non_null, serialize, the value class serialize returns unchanged)
            return (_LEAF, non_null, type_.serialize, _IDENTITY.get(type_.serialize))
        if isinstance(type_, GraphQLObjectType) and type_.is_type_of is None:
            static = self._static_document()
            if static:
                key = (type_, non_null, *map(id, nodes))
                hit = _SHAPES.get(key)
                # the entry holds its nodes, so while it exists no other node has their ids
                if hit is not None:
                    return hit[1]
            steps = self._object_steps(type_, self.collect_subfields(type_, nodes))
            shape = None
            if all(step[2] is not None for step in steps):
                # generated code pays off only when it is reused by later operations
                shape = (_OBJECT, non_null, steps, _generate(steps) if static else None)
            if static:
                if len(_SHAPES) >= MAX_CACHED * 8:
                    _SHAPES.clear()
                _SHAPES[key] = (list(nodes), shape)
            return shape
        return None  # interfaces, unions, or a sub-selection with a normal-path field

    def _static_document(self) -> bool:
        """True when this operation's sub-selections do not depend on its variables (its
        text has no directive, so no @skip/@include): then a sub-selection's plan can be
        cached by its field nodes across operations."""
        static = self.__dict__.get("_static")
        if static is None:
            loc = self.operation.loc
            static = loc is not None and "@" not in loc.source.body
            self._static = static
        return static

    def _info(self) -> _ContextInfo:
        info = self.__dict__.get("_context_info")
        if info is None:
            info = self._context_info = _ContextInfo(self.context_value)
        return info

    def _run_step(self, step: tuple, source: dict) -> Any:
        getter, target = step[2], step[3]
        if getter == _GET_KEY:
            value = source.get(target)
        elif getter == _GET_PLAIN:
            value = target(source, None)
        elif getter == _GET_CONTEXT:
            value = target(source, self._info())
        else:
            return target
        return self._complete(step[4], value)

    def _object(self, steps: list[tuple], source: dict) -> dict[str, Any]:
        """The completed sub-selection of one object: the hot loop of a station page, so
        the common leaf case (a str/bool its type returns unchanged) is handled inline."""
        out = {}
        for key, _nodes, getter, target, shape in steps:
            if getter == _GET_KEY:
                value = source.get(target)
            elif getter == _GET_PLAIN:
                value = target(source, None)
            elif getter == _GET_CONTEXT:
                value = target(source, self._info())
            else:
                out[key] = target
                continue
            if value.__class__ is shape[3] and shape[0] == _LEAF:
                out[key] = value
            else:
                out[key] = self._complete(shape, value)
        return out

    def _complete(self, shape: tuple, value: Any) -> Any:
        if value is None:
            if shape[1]:
                raise _Slow
            return None
        kind = shape[0]
        if kind == _LEAF:
            if value.__class__ not in _PLAIN and fast_is_awaitable(value):
                _discard(value)
            try:
                out = shape[2](value)
            except Exception:
                raise _Slow from None
            if out is None or out is Undefined:
                raise _Slow
            return out
        cls = value.__class__
        if kind == _OBJECT:
            if cls is not dict:
                _discard(value)
            if shape[3] is not None:
                return shape[3](value, self._info(), self._complete)
            return self._object(shape[2], value)
        if cls is not list and cls is not tuple:
            _discard(value)
        item = shape[2]
        complete = self._complete
        if item[0] == _OBJECT and item[3] is not None:
            fn, info = item[3], self._info()
            return [fn(v, info, complete) if v.__class__ is dict else complete(item, v)
                    for v in value]
        return [complete(item, v) for v in value]


# Object shapes by (type, non-null, ids of the field nodes), for operations whose plans do
# not depend on variables; the entry keeps the nodes alive so their ids stay theirs.
_SHAPES: dict[tuple, tuple[list, tuple | None]] = {}


def _generate(steps: list[tuple]) -> Any:
    """Python code for one sub-selection: ``fn(source, info, complete) -> dict`` doing what
    ``FastExecutionContext._object`` does, with the per-field decisions made once here. The
    common values (str/bool/ID as is, finite floats, 32-bit ints, dicts and lists of
    dicts) are handled in line; everything else, None included, goes through
    ``complete(shape, value)``, which serialises, checks nullability or raises _Slow.
    Names in the code are response keys and field names (GraphQL names: letters, digits,
    underscores), written with repr."""
    ns: dict[str, Any] = {}
    lines = ["def fn(src, info, complete):", "    out = {}"]
    for i, (key, _nodes, getter, target, shape) in enumerate(steps):
        k = repr(key)
        if getter == _GET_TYPENAME:
            lines.append(f"    out[{k}] = {target!r}")
            continue
        if getter == _GET_KEY:
            lines.append(f"    v = src.get({target!r})")
        else:
            ns[f"R{i}"] = target
            lines.append(f"    v = R{i}(src, {'None' if getter == _GET_PLAIN else 'info'})")
        ns[f"S{i}"] = shape
        kind, _non_null, data, extra = shape
        if kind == _LEAF and extra is not None:
            ns[f"C{i}"] = extra
            lines.append(f"    out[{k}] = v if v.__class__ is C{i} else complete(S{i}, v)")
        elif kind == _LEAF and data is serialize_float:
            # v - v == 0.0 is False for inf and nan, which Float refuses
            lines.append(f"    out[{k}] = v if v.__class__ is float and v - v == 0.0"
                         f" else complete(S{i}, v)")
        elif kind == _LEAF and data is serialize_int:
            lines.append(f"    out[{k}] = v if v.__class__ is int and"
                         f" {GRAPHQL_MIN_INT} <= v <= {GRAPHQL_MAX_INT} else complete(S{i}, v)")
        elif kind == _OBJECT and extra is not None:
            ns[f"F{i}"] = extra
            lines.append(f"    out[{k}] = F{i}(v, info, complete) if v.__class__ is dict"
                         f" else complete(S{i}, v)")
        elif kind == _LIST and data[0] == _OBJECT and data[3] is not None:
            ns[f"F{i}"], ns[f"I{i}"] = data[3], data
            lines.append(f"    out[{k}] = [F{i}(x, info, complete) if x.__class__ is dict"
                         f" else complete(I{i}, x) for x in v] if v.__class__ is list"
                         f" else complete(S{i}, v)")
        else:
            lines.append(f"    out[{k}] = complete(S{i}, v)")
    lines.append("    return out")
    exec(compile("\n".join(lines), "<graphql plan>", "exec"), ns)  # noqa: S102 - own code
    return ns["fn"]


def _discard(value: Any) -> None:
    """Not a plain value where the plan expects one: let the normal path handle the field
    (a coroutine it would have awaited is closed here unstarted; the normal path calls the
    resolver again)."""
    if value.__class__ is CoroutineType:
        value.close()
    raise _Slow


# ------------------------------------------------------------------ depth limit

# The document's types are cyclic (Cp -> connectors -> cp -> site -> cps ...), so without a
# bound one request could ask for pages nested without end. The document's own examples
# need depth 4 with fragments expanded; the standard introspection query needs 13.
MAX_DEPTH = 15


def _depth(node: Any, fragments: dict[str, Any], memo: dict[str, int],
           visiting: set[str]) -> int:
    """How many fields deep ``node``'s selection goes. A fragment's depth does not depend on
    where it is spread, so it is computed once per fragment: re-walking it at every spread
    made documents of nested spreads cost exponential time here."""
    selection_set = getattr(node, "selection_set", None)
    if selection_set is None:
        return 0
    deepest = 0
    for sel in selection_set.selections:
        if isinstance(sel, FragmentSpreadNode):
            name = sel.name.value
            depth = memo.get(name)
            if depth is None and name in fragments and name not in visiting:
                visiting.add(name)
                depth = memo[name] = _depth(fragments[name], fragments, memo, visiting)
                visiting.discard(name)
            deepest = max(deepest, depth or 0)
        elif isinstance(sel, InlineFragmentNode):
            deepest = max(deepest, _depth(sel, fragments, memo, visiting))
        else:
            deepest = max(deepest, 1 + _depth(sel, fragments, memo, visiting))
    return deepest


class MaxDepthRule(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        fragments = {d.name.value: d for d in self.context.document.definitions
                     if isinstance(d, FragmentDefinitionNode)}
        depth = _depth(node, fragments, {}, set())
        if depth > MAX_DEPTH:
            self.report_error(GraphQLError(
                f"query depth {depth} exceeds the limit of {MAX_DEPTH}", node))
