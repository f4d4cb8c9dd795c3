"""Every operation the client sends validates against the be.ENERGISED SDL the core serves
(generated from the same document): field names, arguments, types, nullability."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from services.providers.beenergised import queries as Q

SDL = Path(__file__).resolve().parents[3] / "services/core/api/beenergised/schema.graphql"
OPERATIONS = {
    name: text
    for name, text in vars(Q).items()
    if name.isupper()
    and isinstance(text, str)
    and text.lstrip().startswith(("query", "mutation", "subscription"))
}


@pytest.fixture(scope="module")
def schema():
    return build_schema(SDL.read_text())


def test_operations_were_found():
    assert len(OPERATIONS) >= 29


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_validates_against_the_documented_schema(schema, name):
    document = parse(OPERATIONS[name])
    assert validate(schema, document) == []
    assert "..." not in OPERATIONS[name]  # fragments expanded, none left to define
