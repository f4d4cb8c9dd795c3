"""schema.graphql against the GP JOULE CONNECT document: every operation, argument, return
type, type, field and enum value the document shows is in the schema as the document shows
it, and the schema adds no operation, type or field of its own beyond the readings of
types the document names without defining (README lists them)."""

from __future__ import annotations

import pytest
from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLScalarType, validate
from graphql import parse as parse_graphql

from tests.contract.gpjoule import document as doc

# Types the document uses but never defines, and what the schema reads them as.
READINGS = {"ConnectorStatus": GraphQLObjectType, "Location": GraphQLObjectType,
            "PriceInfo": GraphQLObjectType, "Date": GraphQLScalarType,
            "Email": GraphQLScalarType}  # fmt: skip
# Operations the document shows without a return type: the schema's reading.
RETURN_READINGS = {"getChargingSession": "Session!", "getContact": "Contact!",
                   "remoteStart": "RemoteStartResponse!", "remoteStop": "RemoteStartResponse!"}
DOCUMENTED_SCALARS = {"DateTime", "Float", "ID", "Int"}


def _root(kind: str) -> GraphQLObjectType:
    s = doc.schema()
    root = s.query_type if kind == "query" else s.mutation_type
    assert root is not None
    return root


def test_the_document_reads_as_expected() -> None:
    """The reader finds all twelve operations and every type table (so the comparisons
    below compare something)."""
    assert set(doc.operations()) == {
        "getCard", "getCards", "getChargepoint", "getChargepoints", "getChargingSession",
        "getChargingSessions", "getContact", "getContacts", "getPrice", "remoteStart",
        "remoteStop", "updateCard",
    }
    assert len(doc.types()) == 12
    assert doc.types()["Status"].enum_descriptions is not None
    assert len(doc.types()["Status"].enum_descriptions or ()) == 5


def test_every_operation_and_no_other() -> None:
    ops = doc.operations()
    for kind in ("query", "mutation"):
        documented = {name for name, op in ops.items() if op.kind == kind}
        assert set(_root(kind).fields) == documented, kind


@pytest.mark.parametrize("name", sorted(doc.operations()))
def test_arguments_and_return_type(name: str) -> None:
    op = doc.operations()[name]
    fdef = _root(op.kind).fields[name]
    served = {arg: str(a.type) for arg, a in fdef.args.items()}
    # The example's variable declarations name every argument with its type; the table,
    # where there is one, says the same.
    assert served == op.variables
    if op.arguments:
        assert served == op.arguments
    assert str(fdef.type) == (op.returns or RETURN_READINGS[name])


@pytest.mark.parametrize("name", sorted(doc.types()))
def test_documented_type(name: str) -> None:
    documented = doc.types()[name]
    t = doc.schema().get_type(name)
    if documented.enum_descriptions is not None:
        assert isinstance(t, GraphQLEnumType), name
        descriptions = [v.description for v in t.values.values()]
        assert [d.split(" Reading")[0] for d in descriptions] == \
            documented.enum_descriptions  # fmt: skip
        return
    assert isinstance(t, GraphQLObjectType), name
    assert t.description == documented.description
    assert {f: str(d.type) for f, d in t.fields.items()} == documented.fields


def test_no_type_beyond_the_document_and_its_readings() -> None:
    own = {n for n in doc.schema().type_map if not n.startswith("__")}
    builtin = {"String", "Boolean", "Query", "Mutation"}
    assert own == set(doc.types()) | set(READINGS) | DOCUMENTED_SCALARS | builtin
    for name, kind in READINGS.items():
        t = doc.schema().get_type(name)
        assert isinstance(t, kind), name
        assert "Reading" in (t.description or ""), f"{name}: say it is a reading"


@pytest.mark.parametrize("name", sorted(doc.operations()))
def test_every_example_validates(name: str) -> None:
    query = doc.doc_query(name)
    assert "..." not in query
    assert validate(doc.schema(), parse_graphql(query)) == []
