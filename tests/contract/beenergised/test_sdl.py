"""The committed SDL is the document: checked against the document text independently of
the generator's parser, and every example operation of the document validates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    build_schema,
    get_named_type,
    parse,
    validate,
)

from services.core.api.beenergised import sdl_from_doc
from services.core.api.beenergised.schema import SDL_PATH

DOC = sdl_from_doc.DOC
pytestmark = pytest.mark.skipif(not DOC.exists(), reason="API documents not next to the repo")

STARTERS = {"Description", "Response", "No longer supported", "Example", "Fields", "Values"}
ROW = re.compile(r"^(\w+) - (\[?\w+!?\]?!?)(?: (.*))?$")


@pytest.fixture(scope="module")
def doc_lines() -> list[str]:
    return [line.rstrip() for line in DOC.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def schema():  # type: ignore[no-untyped-def]
    return build_schema(SDL_PATH.read_text(encoding="utf-8"))


def _section(lines: list[str], name: str, end: str | None) -> list[str]:
    return lines[lines.index(name) + 1 : lines.index(end) if end else len(lines)]


def _heads(lines: list[str]) -> list[int]:
    """Block starts: an identifier line followed by a blank line, only after an Example."""
    out, open_ = [], False
    for i, line in enumerate(lines):
        if line == "Example":
            open_ = False
        elif (not open_ and re.fullmatch(r"\w+", line) and i + 2 < len(lines)
              and lines[i + 1] == "" and lines[i + 2] in STARTERS):
            out.append(i)
            open_ = True
    return out


def _blocks(lines: list[str]) -> dict[str, list[str]]:
    heads = _heads(lines)
    return {lines[h]: lines[h + 1 : (heads[k + 1] if k + 1 < len(heads) else None)]
            for k, h in enumerate(heads)}


def test_document_was_parsed_at_all(doc_lines: list[str]) -> None:
    ops = sum(len(_blocks(_section(doc_lines, s, e))) for s, e in
              (("Queries", "Mutations"), ("Mutations", "Subscriptions"),
               ("Subscriptions", "Types")))
    assert ops == 71
    assert len(_blocks(_section(doc_lines, "Types", None))) > 100


@pytest.mark.parametrize("section,end,root", [
    ("Queries", "Mutations", "query_type"),
    ("Mutations", "Subscriptions", "mutation_type"),
    ("Subscriptions", "Types", "subscription_type"),
])
def test_operations_match_document(doc_lines, schema, section, end, root) -> None:  # type: ignore[no-untyped-def]
    fields = getattr(schema, root).fields
    blocks = _blocks(_section(doc_lines, section, end))
    assert set(blocks) == set(fields)
    for name, body in blocks.items():
        body = body[: body.index("Example")]
        field = fields[name]
        after = body[body.index("Response") :] if "Response" in body else []
        returns = [ln for ln in after if ln.startswith("Returns ")]
        if returns:
            assert str(field.type) == returns[0].split()[-1], name
        deprecated = "No longer supported" in body
        assert (field.deprecation_reason is not None) == deprecated, name
        args = {}
        if "Name Description" in body:
            for ln in body[body.index("Name Description") + 1 :]:
                m = ROW.match(ln)
                if m:
                    args[m.group(1)] = m.group(2)
        assert {a: str(t.type) for a, t in field.args.items()} == args, name


def test_types_match_document(doc_lines, schema) -> None:  # type: ignore[no-untyped-def]
    blocks = _blocks(_section(doc_lines, "Types", None))
    for name, body in blocks.items():
        body = body[: body.index("Example")] if "Example" in body else body
        t = schema.get_type(name)
        assert t is not None, name
        if "Values" in body:
            assert isinstance(t, GraphQLEnumType), name
            table = body[body.index("Enum Value Description") + 1 :]
            values = [ln for ln in table if re.fullmatch(r"\w+", ln)]
            assert list(t.values) == values, name
        elif "Possible Types" in body:
            assert isinstance(t, GraphQLInterfaceType), name
            for impl in body[body.index("Possible Types") + 2 :]:
                if impl:
                    assert t in schema.get_type(impl).interfaces, (name, impl)
        elif "Fields" in body:
            is_input = "Input Field Description" in body
            assert isinstance(t, GraphQLInputObjectType if is_input else GraphQLObjectType), name
            rows = {}
            for ln in body[body.index("Fields") + 2 :]:
                m = ROW.match(ln)
                if m:
                    rows[m.group(1)] = (m.group(2), (m.group(3) or "").startswith(
                        "No longer supported"))
            assert {f: str(v.type) for f, v in t.fields.items()} == {
                f: ty for f, (ty, _d) in rows.items()}, name
            if not is_input:
                for f, (_ty, dep) in rows.items():
                    assert (t.fields[f].deprecation_reason is not None) == dep, (name, f)
        else:
            assert isinstance(t, GraphQLScalarType), name


def _examples(lines: list[str]) -> list[tuple[str, str]]:
    out = []
    for section, end in (("Queries", "Mutations"), ("Mutations", "Subscriptions"),
                         ("Subscriptions", "Types")):
        for name, body in _blocks(_section(lines, section, end)).items():
            start = body.index("Query") + 1
            stop = next(i for i in range(start, len(body)) if body[i] in ("Variables", "Response"))
            out.append((name, "\n".join(body[start:stop])))
    return out


def _fragments(schema) -> str:  # type: ignore[no-untyped-def]
    """The document's examples spread ``...XFragment`` without defining them; define each as
    the type's leaf fields (enough for validation of the operation itself)."""
    parts = []
    for name, t in schema.type_map.items():
        if name.startswith("__") or not isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
            continue
        leaves = [f for f, v in t.fields.items()
                  if isinstance(get_named_type(v.type), GraphQLScalarType | GraphQLEnumType)]
        leaves = leaves or ["__typename"]
        parts.append(f"fragment {name}Fragment on {name} {{ {' '.join(leaves)} }}")
    return "\n".join(parts)


def test_every_document_example_validates(doc_lines, schema) -> None:  # type: ignore[no-untyped-def]
    fragments = _fragments(schema)
    examples = _examples(doc_lines)
    assert len(examples) == 71
    for name, query in examples:
        used = set(re.findall(r"\.\.\.(\w+)", query))
        defs = "\n".join(ln for ln in fragments.splitlines()
                         if ln.split()[1] in used)
        errors = validate(schema, parse(query + "\n" + defs))
        assert not errors, (name, [e.message for e in errors])


def test_generator_is_reproducible(tmp_path: Path) -> None:
    out = tmp_path / "schema.graphql"
    sdl_from_doc.main([str(DOC), str(out)])
    assert out.read_text() == SDL_PATH.read_text(), "rerun sdl_from_doc and commit the result"


def test_vendored_copy_matches_the_shared_document() -> None:
    copy = Path(__file__).resolve().parents[2] / "data" / sdl_from_doc.DOC_NAME
    assert copy.exists()
    if copy != DOC:  # the team's shared seeds are present: the copy must be verbatim
        assert copy.read_bytes() == DOC.read_bytes()
