"""The OIOI document's example requests and responses, cut out of a verbatim copy of the
document (tests/data). The copy is a PDF-to-text rendering: code blocks are split at page
breaks, long lines are wrapped with ``↪``, and a comma may be left before a page break.
Those layout marks are undone for every example. Where the rendering also moved or dropped
brackets, ``REPAIRS`` puts them back; each repair is an exact text replacement that must
match once, so a different copy of the document fails loudly instead of being mangled.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DOC_COPY = Path(__file__).resolve().parents[2] / "data" / "plugsurfing-oioi-4.16.3.txt"

_REQUEST = re.compile(r"^(#+ )?Request:$")
_RESPONSE = re.compile(r"^(#+ )?(Stoppable )?[Rr]esponse( \(.*\))?:?$")
_KIND = re.compile(r'^\s*\{\s*"([a-z-]+)"\s*:')

# (request type, "request" | "response") -> [(text in the copy, what it was)]
REPAIRS: dict[tuple[str, str], list[tuple[str, str]]] = {
    # The token line landed behind the request's closing braces.
    ("user-get-recent-sessions", "request"): [
        ('"youridentifier"\n    }\n  }\n}\n\n    "token": "87d4e3085af04671834ebeb127df33bf"\n'
         "  }\n}", '"youridentifier",\n"token": "87d4e3085af04671834ebeb127df33bf"\n}\n}\n}'),
    ],
    # The bills array and the user object closed after the first bill.
    ("user-get-bills", "response"): [
        ("      }\n    ]\n  }\n}\n    {", "      },\n    {"),
        ('  ],\n  "result"', '  ]\n  },\n  "result"'),
    ],
    # The "vehicle-get-all" object and the body were never closed.
    ("vehicle-get-all", "response"): [
        ("]  \n,  \n\"result\"", "]\n},\n\"result\""),
        ('"message": "Success."  \n}', '"message": "Success."\n}\n}'),
    ],
    # Page footers turned brackets of station 1003, 1770 and 2057 and of a company.
    ("station-get-by-ids", "response"): [
        ('"prices": null\n    }\n}\n},', '"prices": null\n    }\n]\n},'),
        ('    }\n  ]\n\n    },\n    {\n      "id": 8614', '    },\n    {\n      "id": 8614'),
        ('    }\n  ]\n},\n  "total-parking"', '    }\n  ],\n  "total-parking"'),
        ('        "country": "Germany"\n    }\n}\n\n        },\n        "description"',
         '        "country": "Germany"\n        },\n        "description"'),
    ],
}


@dataclass(frozen=True)
class Example:
    kind: str  # the request type
    request: dict[str, Any]
    responses: list[Any]  # every documented response (e.g. plain and "stoppable")


def _blocks(lines: list[str], start: int) -> tuple[str, int]:
    """The code blocks from ``start`` on, joined across page breaks, up to the first prose
    line outside a fence; and the index of that line."""
    out: list[str] = []
    inside = False
    i = start
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("```"):
            inside = not inside
        elif inside:
            out.append(line)
        elif line.strip():
            break
        i += 1
    return "\n".join(out), i


def _unwrap(text: str) -> str:
    text = re.sub(r"\n\s*[↪↔]", "", text)  # a wrapped line's continuation
    return re.sub(r",(\s*[}\]])", r"\1", text)  # a comma left before a page break


def _parse(kind: str, part: str, text: str) -> Any:
    text = _unwrap(text)
    for broken, meant in REPAIRS.get((kind, part), []):
        assert text.count(broken) == 1, f"{kind} {part}: repair does not match {broken!r}"
        text = text.replace(broken, meant)
    return json.loads(text)


@lru_cache(maxsize=1)
def examples() -> dict[str, Example]:
    """Request type -> its example (the first one of the document)."""
    lines = DOC_COPY.read_text(encoding="utf-8").split("\n")
    out: dict[str, Example] = {}
    i = 0
    while i < len(lines):
        if not _REQUEST.match(lines[i].strip()):
            i += 1
            continue
        text, i = _blocks(lines, i + 1)
        m = _KIND.match(text)
        assert m, f"line {i}: an example request without a request type"
        kind = m.group(1)
        request = _parse(kind, "request", text)
        responses = []
        while i < len(lines) and (not lines[i].strip() or _RESPONSE.match(lines[i].strip())):
            if _RESPONSE.match(lines[i].strip()):
                body, i = _blocks(lines, i + 1)
                responses.append(_parse(kind, "response", body))
            else:
                i += 1
        out.setdefault(kind, Example(kind, request, responses))
    return out
