"""Generate ``schema.graphql`` from the be.ENERGISED driver GraphQL reference document.

Run: ``python -m services.core.api.beenergised.sdl_from_doc [DOC] [OUT]``.
Not imported at runtime: the generated SDL is committed and loaded by ``schema.py``.

The document is a rendered API reference (plain text). Its layout:
- ``Queries`` / ``Mutations`` / ``Subscriptions``: per operation its name, optionally
  ``No longer supported`` (-> ``@deprecated``), ``Description``, ``Response`` with
  ``Returns a X`` / ``Returns [X]`` / ``Returns an X!``, ``Arguments`` with a
  ``Name Description`` table of ``name - Type description`` lines, then ``Example``.
- ``Types``: per type its name, ``Description``, then ``Fields`` with a ``Field Name
  Description`` table (object type), an ``Input Field Description`` table (input type),
  ``Values`` with an ``Enum Value Description`` table (enum), ``Possible Types`` (interface),
  or nothing (scalar).

Where the document is silent the readings below (``RETURN_OVERRIDES``, ``MISSING_TYPES``)
apply; each is explained next to it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from services.settings import get_settings

DOC_NAME = "beenergised-driver-graphql.txt"


def find_doc() -> Path:
    """The document: $VOLTRA_SEEDS_DIR, else ../shared/seeds next to the repository (where
    the team keeps the API documents), else the verbatim copy in tests/data (so a fresh
    checkout, e.g. CI, can still check the schema against it)."""
    repo = Path(__file__).resolve().parents[4]
    candidates = [repo.parent / "shared" / "seeds" / DOC_NAME, repo / "tests" / "data" / DOC_NAME]
    if seeds := get_settings().seeds_dir:
        candidates.insert(0, seeds / DOC_NAME)
    return next((c for c in candidates if c.exists()), candidates[-1])


DOC = find_doc()
OUT = Path(__file__).resolve().parent / "schema.graphql"

BUILTIN_SCALARS = {"Boolean", "Float", "ID", "Int", "String"}
DEPRECATED = "No longer supported"
SECTIONS = ("Queries", "Mutations", "Subscriptions", "Types")
ROOTS = {"Queries": "Query", "Mutations": "Mutation", "Subscriptions": "Subscription"}

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_TYPE_REF = r"\[?" + _IDENT + r"!?\]?!?"
_ROW = re.compile(rf"^({_IDENT}) - ({_TYPE_REF})(?: (.*))?$")
_RETURNS = re.compile(rf"^Returns (?:an? )?({_TYPE_REF})$")
_NAME = re.compile(rf"^{_IDENT}$")

# additionalRegistrationFields has no "Response" paragraph; its example response is a list
# of objects with exactly the AdditionalRegistrationField fields.
RETURN_OVERRIDES = {("Query", "additionalRegistrationFields"): "[AdditionalRegistrationField]"}

# PaymentMethod.links is typed PaymentLink, which the document never defines. The payment
# provider the API wraps (Optile / payoneer LIST) returns links as named URLs; these fields
# are our reading: all nullable Strings, so a client that asks for none of them is unaffected.
MISSING_TYPES = {
    "PaymentLink": (
        '"""Links of a payment method. Not defined by the document; fields are named URLs\n'
        'as the payment service returns them (our reading)."""\n'
        "type PaymentLink {\n"
        '  "URL of this payment method resource"\n  self: String\n'
        '  "URL to submit the operation (charge / register) to"\n  operation: String\n'
        '  "URL of the payment network logo"\n  logo: String\n'
        '  "URL of the localisation file"\n  lang: String\n'
        "}\n"
    ),
}


@dataclass
class Row:
    name: str
    type: str
    description: str = ""
    deprecated: bool = False


@dataclass
class Operation:
    root: str
    name: str
    returns: str
    description: str = ""
    deprecated: bool = False
    args: list[Row] = field(default_factory=list)


@dataclass
class TypeDef:
    name: str
    kind: str  # object | input | enum | interface | scalar
    description: str = ""
    fields: list[Row] = field(default_factory=list)
    values: list[Row] = field(default_factory=list)  # enum values; type unused
    possible: list[str] = field(default_factory=list)  # interface implementations


def _sections(lines: list[str]) -> dict[str, list[str]]:
    idx = {name: lines.index(name) for name in SECTIONS}
    order = sorted(idx.items(), key=lambda kv: kv[1])
    out = {}
    for i, (name, start) in enumerate(order):
        end = order[i + 1][1] if i + 1 < len(order) else len(lines)
        out[name] = lines[start + 1 : end]
    return out


def _blocks(lines: list[str], starters: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """Split a section into (name, body) blocks. A name is an identifier line followed by a
    blank line and one of ``starters``, and only after the previous block's ``Example``:
    an enum's last value followed by ``Example`` looks like a head otherwise."""
    heads: list[int] = []
    open_block = False
    for i, line in enumerate(lines):
        if line == "Example":
            open_block = False
        elif (
            not open_block
            and _NAME.match(line)
            and i + 2 < len(lines)
            and lines[i + 1] == ""
            and lines[i + 2] in starters
        ):
            heads.append(i)
            open_block = True
    return [
        (lines[h], lines[h + 1 : (heads[k + 1] if k + 1 < len(heads) else len(lines))])
        for k, h in enumerate(heads)
    ]


def _until_example(body: list[str]) -> list[str]:
    return body[: body.index("Example")] if "Example" in body else body


def _text(lines: list[str]) -> str:
    return " ".join(x.strip() for x in lines if x.strip())


def _rows(lines: list[str]) -> list[Row]:
    """Parse ``name - Type description`` rows; other lines continue the last description."""
    rows: list[Row] = []
    for line in lines:
        if not line.strip():
            continue
        m = _ROW.match(line)
        if m:
            desc = (m.group(3) or "").strip()
            deprecated = desc.startswith(DEPRECATED)
            if deprecated:
                desc = desc[len(DEPRECATED) :].strip()
            rows.append(Row(m.group(1), m.group(2), desc, deprecated))
        elif rows:
            rows[-1].description = (rows[-1].description + " " + line.strip()).strip()
        else:
            raise ValueError(f"unparsed table line: {line!r}")
    return rows


def parse_operations(section: str, lines: list[str]) -> list[Operation]:
    root = ROOTS[section]
    ops = []
    for name, body in _blocks(lines, ("Description", "Response", DEPRECATED, "Example")):
        body = _until_example(body)
        deprecated = DEPRECATED in body
        returns = RETURN_OVERRIDES.get((root, name))
        desc_lines: list[str] = []
        arg_lines: list[str] = []
        mode = None
        for line in body:
            if line in ("Description", "Response", "Arguments"):
                mode = line
                continue
            if line in (DEPRECATED, "Name Description"):
                continue
            m = _RETURNS.match(line)
            if m and mode == "Response":
                returns = m.group(1)
            elif mode == "Description":
                desc_lines.append(line)
            elif mode == "Arguments":
                arg_lines.append(line)
        if returns is None:
            raise ValueError(f"{root}.{name}: no return type in the document and no override")
        ops.append(
            Operation(root, name, returns, _text(desc_lines), deprecated, _rows(arg_lines))
        )
    return ops


def parse_types(lines: list[str]) -> list[TypeDef]:
    types = []
    for name, body in _blocks(lines, ("Description", "Fields", "Values", "Example")):
        body = _until_example(body)
        desc_lines: list[str] = []
        kind = "scalar"
        table: list[str] = []
        possible: list[str] = []
        mode = None
        for line in body:
            if line == "Description":
                mode = "desc"
            elif line == "Fields":
                mode = "fields"
            elif line == "Field Name Description":
                kind = "object"
            elif line == "Input Field Description":
                kind = "input"
            elif line == "Values":
                mode = "values"
                kind = "enum"
            elif line == "Enum Value Description":
                continue
            elif line == "Possible Types":
                mode = "possible"
                kind = "interface"
            elif mode == "possible":
                if line.strip() and line != f"{name} Types":
                    possible.append(line.strip())
            elif mode == "desc":
                desc_lines.append(line)
            elif mode in ("fields", "values"):
                table.append(line)
        t = TypeDef(name, kind, _text(desc_lines), possible=possible)
        if kind == "enum":
            t.values = _enum_values(table)
        elif kind != "scalar":
            t.fields = _rows(table)
        types.append(t)
    return types


def _enum_values(lines: list[str]) -> list[Row]:
    # Values are single identifiers; any other non-blank line describes the value above it.
    values: list[Row] = []
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if _NAME.match(s):
            values.append(Row(s, ""))
        elif values:
            values[-1].description = (values[-1].description + " " + s).strip()
    return values


def parse(doc: str) -> tuple[list[Operation], list[TypeDef]]:
    lines = [line.rstrip() for line in doc.splitlines()]
    sections = _sections(lines)
    ops = [op for sec in ROOTS for op in parse_operations(sec, sections[sec])]
    return ops, parse_types(sections["Types"])


# ------------------------------------------------------------------ SDL output


def _doc(text: str, indent: str = "") -> str:
    if not text:
        return ""
    text = text.replace('"""', '\\"""')
    if text.endswith('"'):  # a quote right before the closing delimiter would end it early
        text += " "
    return f'{indent}"""{text}"""\n'


def _deprecated(flag: bool) -> str:
    return f' @deprecated(reason: "{DEPRECATED}")' if flag else ""


def render(ops: list[Operation], types: list[TypeDef]) -> str:
    out = [
        "# Generated by services/core/api/beenergised/sdl_from_doc.py from\n"
        "# shared/seeds/beenergised-driver-graphql.txt. Do not edit by hand: change the\n"
        "# generator (its readings of ambiguous passages are documented there) and rerun it.\n"
    ]
    implements: dict[str, list[str]] = {}
    for t in types:
        for p in t.possible:
            implements.setdefault(p, []).append(t.name)
    for root in ROOTS.values():
        members = [op for op in ops if op.root == root]
        body = []
        for op in members:
            args = ""
            if op.args:
                args = "(\n" + "".join(
                    _doc(a.description, "    ") + f"    {a.name}: {a.type}\n" for a in op.args
                ) + "  )"
            body.append(
                _doc(op.description, "  ")
                + f"  {op.name}{args}: {op.returns}{_deprecated(op.deprecated)}\n"
            )
        out.append(f"type {root} {{\n" + "".join(body) + "}\n")
    for t in sorted(types, key=lambda t: t.name):
        if t.kind == "scalar":
            if t.name not in BUILTIN_SCALARS:
                out.append(_doc(t.description) + f"scalar {t.name}\n")
            continue
        if t.kind == "enum":
            body = "".join(_doc(v.description, "  ") + f"  {v.name}\n" for v in t.values)
            out.append(_doc(t.description) + f"enum {t.name} {{\n{body}}}\n")
            continue
        keyword = {"object": "type", "input": "input", "interface": "interface"}[t.kind]
        impl = ""
        if t.name in implements:
            impl = " implements " + " & ".join(implements[t.name])
        body = "".join(
            _doc(f.description, "  ") + f"  {f.name}: {f.type}{_deprecated(f.deprecated)}\n"
            for f in t.fields
        )
        out.append(_doc(t.description) + f"{keyword} {t.name}{impl} {{\n{body}}}\n")
    defined = {t.name for t in types}
    for name, sdl in MISSING_TYPES.items():
        if name not in defined:
            out.append(sdl)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    doc = Path(argv[0]) if argv else DOC
    out = Path(argv[1]) if len(argv) > 1 else OUT
    ops, types = parse(doc.read_text(encoding="utf-8"))
    sdl = render(ops, types)
    # Validate before writing: an SDL that does not build must never be committed.
    from graphql import build_schema

    build_schema(sdl)
    out.write_text(sdl, encoding="utf-8")
    print(f"wrote {out}: {len(ops)} operations, {len(types)} types")
    return 0


if __name__ == "__main__":
    sys.exit(main())
