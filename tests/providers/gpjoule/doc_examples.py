"""The GP JOULE CONNECT document's own examples: its example operations, and its example
responses with the placeholders it writes for values (``ID``, ``DateTime``, ``Location``,
``[Connector]``, ...) filled in from the document's type examples, or, for the types it never
defines, from the minimum reading its examples imply."""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

DOC_NAME = "gpjoule-connect-graphql.txt"
REPO = Path(__file__).resolve().parents[3]

# Types the document names but never defines: the minimum its examples imply.
UNDEFINED = {
    "ConnectorStatus": {"status": "AVAILABLE", "updatedAt": "2021-01-28T12:12:12.420Z"},
    "Status": "AVAILABLE",
    "SessionStatus": "STOPPED",
    "Email": "driver@example.com",
    "Location": {
        "street": "Alexanderplatz 1",
        "postalCode": "10178",
        "city": "Berlin",
        "country": "DE",
        "latitude": 52.5219,
        "longitude": 13.4132,
    },
}
# Scalars, by the document's own examples of them.
SCALARS = {"ID": "9d5566fa-9ad6-4bf9-9fc8-35cc3a308be7", "DateTime": "2021-01-28T12:12:12.420Z"}
TYPES = (
    "Card",
    "Chargepoint",
    "Connector",
    "ConnectorType",
    "Contact",
    "PaginatedChargepoints",
    "RemoteStartResponse",
    "Session",
    "SessionConnector",
)
_PLACEHOLDER = re.compile(r"(?<=: )(\[?)([A-Z][A-Za-z]*)(\]?)(?=\s*[,}\]]|\s*$)", re.M)


def doc_path() -> Path:
    candidates = [
        REPO.parent / "shared" / "seeds" / DOC_NAME,
        REPO / "tests" / "data" / DOC_NAME,  # a verbatim copy, for a fresh checkout
    ]
    if os.environ.get("VOLTRA_SEEDS_DIR"):
        candidates.insert(0, Path(os.environ["VOLTRA_SEEDS_DIR"]) / DOC_NAME)
    return next((c for c in candidates if c.exists()), candidates[-1])


@cache
def _lines() -> tuple[str, ...]:
    return tuple(doc_path().read_text(encoding="utf-8").splitlines())


def _json_block(lines: tuple[str, ...], start: int) -> str:
    """The balanced ``{...}`` starting at line ``start``."""
    depth, out = 0, []
    for line in lines[start:]:
        out.append(line)
        depth += line.count("{") - line.count("}")
        if depth == 0:
            break
    return "\n".join(out)


@cache
def operations() -> dict[str, str]:
    """Operation name -> the example operation text."""
    lines, out = _lines(), {}
    for i, line in enumerate(lines):
        m = re.match(r"^(query|mutation) (\w+)", line)
        if m and lines[i - 1] == "Query":
            j = i
            while lines[j] != "Variables":
                j += 1
            out[m.group(2)] = "\n".join(lines[i:j])
    return out


@cache
def _raw_responses() -> dict[str, str]:
    lines, out = _lines(), {}
    name = None
    for i, line in enumerate(lines):
        m = re.match(r"^(query|mutation) (\w+)", line)
        if m and lines[i - 1] == "Query":
            name = m.group(2)
        if line == "Response" and name and lines[i + 1].startswith("{"):
            out[name] = _json_block(lines, i + 1)
            name = None
    return out


@cache
def _raw_type_examples() -> dict[str, str]:
    lines = _lines()
    types_at = lines.index("Types")
    out = {}
    for name in TYPES:
        # the type's own heading: its name, a description, then its field table
        i = next(
            i
            for i in range(types_at, len(lines) - 2)
            if lines[i] == name and lines[i + 2].startswith("Field Name")
        )
        while lines[i] != "Example":
            i += 1
        out[name] = _json_block(lines, i + 1)
    return out


def _fill(text: str) -> object:
    def value(m: re.Match) -> str:
        name = m.group(2)
        if name in SCALARS:
            v: object = SCALARS[name]
        elif name in UNDEFINED:
            v = UNDEFINED[name]
        else:
            v = type_example(name)
        return json.dumps([v] if m.group(1) else v)

    return json.loads(_PLACEHOLDER.sub(value, text))


def type_example(name: str) -> dict:
    return _fill(_raw_type_examples()[name])  # type: ignore[return-value]


def response(operation: str) -> dict:
    """The example response of ``operation``: ``{"data": {...}}``."""
    return _fill(_raw_responses()[operation])  # type: ignore[return-value]
