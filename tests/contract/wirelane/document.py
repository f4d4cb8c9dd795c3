"""What the Wirelane document itself says the answers look like, read from its text
(``../shared/seeds/wirelane-api-2.0.txt``): the keys of each response sample with the type
of their example value, the documented enums, and the example requests.

The samples collapse nested objects (``{ }``), so nested objects are checked as objects
only. Where a sample's example value contradicts the schema or the sample of another
operation, the reading the core chose is listed in ``READINGS`` and checked instead.
"""

from __future__ import annotations

import itertools
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

DOC_NAME = "wirelane-api-2.0.txt"
_REPO = Path(__file__).resolve().parents[3]
# $VOLTRA_SEEDS_DIR, the team's shared seeds beside the repository, else the verbatim copy
# in tests/data (a fresh checkout)
_CANDIDATES = [*([Path(os.environ["VOLTRA_SEEDS_DIR"]) / DOC_NAME]
                 if os.environ.get("VOLTRA_SEEDS_DIR") else []),
               _REPO.parent / "shared" / "seeds" / DOC_NAME, _REPO / "tests" / "data" / DOC_NAME]
DOCUMENT = next((c for c in _CANDIDATES if c.exists()), _CANDIDATES[-1])

# Response samples in document order, by the operation they answer.
SAMPLES = ("member", "subscription", "create_point", "point", "update_point", "session")
# field -> the type the core answers instead of the sample's (see README):
READINGS = {
    # the points' schema types these as strings (the sample shows a number); a post code
    # may start with 0
    "service_hotline": "string", "zip_code": "string", "house_number": "string",
    # number <double> / <float> in the schema; whole values are still numbers
    "power": "number", "distance": "number", "price": "number", "kwh": "number",
    "tax_rate": "number", "latitude": "number", "longitude": "number",
}
_KEY = re.compile(r'^\s*• "([a-z_]+)": (.*?),?$')


@cache
def text() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


def _kind(example: str) -> str:
    example = example.strip().rstrip(",")
    if example.startswith('"'):
        return "string"
    if example in ("true", "false"):
        return "boolean"
    if example.startswith("{"):
        return "object"
    if example.startswith("["):
        return "array"
    return "integer" if re.fullmatch(r"-?\d+", example) else "number"


@cache
def samples() -> dict[str, dict[str, str]]:
    """Operation -> {field: type} of its JSON object response sample."""
    lines = text().splitlines()
    found: list[dict[str, str]] = []
    for i, line in enumerate(lines):
        if line != "Response samples" or lines[i + 4] != "{":
            continue
        fields: dict[str, str] = {}
        depth = 0
        for row in lines[i + 5:]:
            if depth == 0 and row == "}":
                break
            m = _KEY.match(row) if depth == 0 else None
            if m:
                fields[m.group(1)] = _kind(m.group(2))
                if m.group(2).strip() in ("{", "["):
                    depth += 1
            elif row.strip() in ("},", "],", "}", "]"):
                depth -= 1
        found.append(fields)
    assert len(found) == len(SAMPLES), f"{len(found)} object samples in the document"
    return dict(zip(SAMPLES, found, strict=True))


def enum_after(heading: str, label: str = "Enum:") -> tuple[str, ...]:
    """The values of the first ``Enum:``/``Items Enum:`` line after ``heading``."""
    body = text()
    start = body.index(heading)
    line = next(ln for ln in body[start:].splitlines() if label in ln)
    return tuple(v for v in re.findall(r'"([^"]*)"', line) if v)


def _type_ok(kind: str, value: Any) -> bool:
    if value is None:
        return True  # a field without a value
    return {
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
    }[kind](value)


def check(operation: str, item: Any, extra: tuple[str, ...] = ()) -> None:
    """``item`` has exactly the sample's fields (plus ``extra``, documented in the schema
    but missing from the sample), each of the documented type."""
    fields = samples()[operation]
    assert isinstance(item, dict), item
    assert set(item) == set(fields) | set(extra), (
        f"{operation}: missing {set(fields) | set(extra) - set(item)},"
        f" unexpected {set(item) - set(fields) - set(extra)}")
    for name, kind in fields.items():
        kind = READINGS.get(name, kind)
        assert _type_ok(kind, item[name]), (
            f"{operation}.{name}: {kind} expected, got {item[name]!r}")


def query_parameters(operation: str) -> list[str]:
    """The query parameter names the document lists for the operation titled ``operation``."""
    body = text()
    start = body.index("query Parameters", body.index(operation))
    lines = body[start:body.index("Responses", start)].splitlines()[1:]
    return [name for name, kind in itertools.pairwise(lines)
            if re.fullmatch(r"[a-z_]+", name)
            and kind.startswith(("string", "integer", "Array"))]
