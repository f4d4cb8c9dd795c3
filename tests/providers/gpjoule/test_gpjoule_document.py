"""The provider speaks the document: every operation it sends has the name, variables and
arguments of the document's example, selects only fields the document lists, and the
document's own example responses become the neutral models they describe."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import respx
from graphql import OperationDefinitionNode, build_schema, parse, print_ast, validate

from services import models as m
from services.providers.gpjoule import adapter, wire
from services.providers.gpjoule import queries as Q
from tests.providers.gpjoule import doc_examples as doc
from tests.providers.gpjoule.fake_backend import Backend, provider

REPO = Path(__file__).resolve().parents[3]
OURS = {
    name: getattr(Q, const)
    for name, const in {
        "getCard": "GET_CARD",
        "getCards": "GET_CARDS",
        "getChargepoint": "GET_CHARGEPOINT",
        "getChargepoints": "GET_CHARGEPOINTS",
        "getChargingSession": "GET_CHARGING_SESSION",
        "getChargingSessions": "GET_CHARGING_SESSIONS",
        "getContact": "GET_CONTACT",
        "getContacts": "GET_CONTACTS",
        "getPrice": "GET_PRICE",
        "remoteStart": "REMOTE_START",
        "remoteStop": "REMOTE_STOP",
        "updateCard": "UPDATE_CARD",
    }.items()
}

# field -> the type the document gives it, for walking selections
FIELD_TYPES = {
    "connectors": "Connector",
    "location": "Location",
    "status": "ConnectorStatus",
    "type": "ConnectorType",
    "connector": "SessionConnector",
    "chargepoints": "Chargepoint",
}
ROOT_TYPES = {
    "getCard": "Card",
    "getCards": "Card",
    "updateCard": "Card",
    "getChargepoint": "Chargepoint",
    "getChargepoints": "PaginatedChargepoints",
    "getChargingSession": "Session",
    "getChargingSessions": "Session",
    "getContact": "Contact",
    "getContacts": "Contact",
    "remoteStart": "RemoteStartResponse",
    "remoteStop": "RemoteStartResponse",
}


def _op(text: str) -> OperationDefinitionNode:
    (op,) = parse(text).definitions
    assert isinstance(op, OperationDefinitionNode)
    return op


def _signature(text: str) -> tuple:
    op = _op(text)
    (root,) = op.selection_set.selections
    return (
        op.operation.value,
        op.name.value,
        sorted((v.variable.name.value, print_ast(v.type)) for v in op.variable_definitions),
        root.name.value,
        sorted((a.name.value, print_ast(a.value)) for a in root.arguments),
    )


def test_the_provider_sends_all_twelve_documented_operations():
    assert sorted(OURS) == sorted(doc.operations())


@pytest.mark.parametrize("name", sorted(doc.operations()))
def test_operation_has_the_documented_name_variables_and_arguments(name):
    assert _signature(OURS[name]) == _signature(doc.operations()[name])


@pytest.mark.parametrize("name", sorted(doc.operations()))
def test_operation_validates_against_the_schema_the_core_serves(name):
    schema = build_schema((REPO / "services/core/api/gpjoule/schema.graphql").read_text())
    assert validate(schema, parse(OURS[name])) == []


def _fields_of(type_name: str) -> set[str]:
    if type_name in doc.UNDEFINED:
        return set(doc.UNDEFINED[type_name])
    if type_name == "PriceInfo":
        return set(doc.response("getPrice")["data"]["getPrice"])
    return set(doc.type_example(type_name))


def _walk(selection_set, type_name: str, path: str) -> list[str]:
    unknown = []
    allowed = _fields_of(type_name)
    for sel in selection_set.selections:
        field = sel.name.value
        if field not in allowed:
            unknown.append(f"{path}.{field}")
        if sel.selection_set is not None:
            inner = "ConnectorStatus" if (type_name, field) == ("Connector", "status") else None
            unknown += _walk(sel.selection_set, inner or FIELD_TYPES[field], f"{path}.{field}")
    return unknown


@pytest.mark.parametrize("name", sorted(doc.operations()))
def test_selections_use_only_documented_fields(name):
    (root,) = _op(OURS[name]).selection_set.selections
    type_name = ROOT_TYPES.get(name, "PriceInfo")
    assert _walk(root.selection_set, type_name, name) == []


def test_every_documented_field_of_a_chargepoint_and_session_is_read():
    (root,) = _op(Q.GET_CHARGEPOINT).selection_set.selections
    assert {s.name.value for s in root.selection_set.selections} == set(
        doc.type_example("Chargepoint")
    )
    (root,) = _op(Q.GET_CHARGING_SESSION).selection_set.selections
    assert {s.name.value for s in root.selection_set.selections} == set(doc.type_example("Session"))


# ------------------------------------------------------------------ example responses


def test_wire_models_read_every_type_example():
    for name, model in (
        ("Card", wire.Card),
        ("Contact", wire.Contact),
        ("RemoteStartResponse", wire.RemoteResponse),
        ("Session", wire.Session),
        ("SessionConnector", wire.SessionConnector),
    ):
        example = doc.type_example(name)
        parsed = model.model_validate(example)
        assert set(parsed.model_dump(exclude_unset=True)) == set(example), name


def test_the_chargepoint_example_reads_as_a_station_and_wrong_types_do_not_crash():
    s = adapter.station(doc.type_example("Chargepoint"))
    assert s is not None and s.name == "xyz789" and s.status.total == 987
    (c,) = s.connectors
    assert c.evse_id == "DE*CON*E1000229" and c.label == "xyz789"
    assert c.current_type is None  # "abc123" is neither AC nor DC
    assert m.Station.model_validate(s.model_dump()) == s  # built unvalidated, yet valid
    broken = doc.type_example("Chargepoint") | {
        "connectorsFree": "many",
        "connectors": [None, {"id": 5, "type": "CCS", "status": 3}],
    }
    s = adapter.station(broken)
    assert s.connectors[0].id == "5" and s.connectors[0].max_power_kw is None
    assert s.status.available == 0
    off_map = doc.type_example("Chargepoint") | {"location": {"latitude": 95, "longitude": 0}}
    assert adapter.station(off_map) is None
    assert adapter.station({"location": doc.UNDEFINED["Location"]}) is None  # no id


@respx.mock
async def test_login_resolves_the_email_and_the_profile_reads_the_contact():
    backend = Backend(respx.mock).on("getContacts", doc.response("getContacts"))
    backend.on("getContact", doc.response("getContact"))
    p = provider()
    profile = await p.login(
        m.Credentials(username="Driver@Example.com", api_key="gp-partner-key-0001")
    )
    assert profile.id == doc.SCALARS["ID"]
    assert profile.email == "driver@example.com"
    assert (profile.first_name, profile.last_name) == ("xyz789", "abc123")
    assert profile.address.city == "Berlin" and profile.address.postal_code == "10178"
    assert (await p.profile()).last_name == "xyz789"
    assert backend.sent("getContact") == [{"id": doc.SCALARS["ID"]}]
    assert {k for _op, _v, k in backend.calls} == {"gp-partner-key-0001"}
    await p.close()


@respx.mock
async def test_station_from_the_getChargepoint_example_with_its_price():
    backend = Backend(respx.mock).on("getChargepoint", doc.response("getChargepoint"))
    backend.on("getPrice", doc.response("getPrice"))
    p = provider(api_key="gp-partner-key-0001")
    s = await p.get_station(doc.SCALARS["ID"])
    assert s.name == "abc123"  # publicName, "to be used for display in applications"
    assert s.coordinates == m.Coordinates(latitude=52.5219, longitude=13.4132)
    assert s.status.available == 123 and s.status.total == 987
    assert s.status.status is m.ConnectorStatus.AVAILABLE
    (c,) = s.connectors
    assert c.evse_id == "DE*CON*E1000229" and c.max_power_kw == 987.65
    assert c.status is m.ConnectorStatus.AVAILABLE
    assert c.status_since == datetime(2021, 1, 28, 12, 12, 12, 420000, tzinfo=UTC)
    assert c.price is not None and c.price.per_kwh == 123.45 and c.price.name == "abc123"
    assert backend.sent("getPrice") == [{"chargepoint": doc.SCALARS["ID"]}]
    await p.close()


@respx.mock
async def test_session_example_gives_energy_from_meterTotal_and_gross_net_tax():
    Backend(respx.mock).on("getChargingSession", doc.response("getChargingSession"))
    p = provider(api_key="gp-partner-key-0001")
    s = await p.get_session(doc.SCALARS["ID"])
    # the example's meters run backwards (69100 -> 56000); meterTotal is what was charged
    assert s.energy_kwh == 13.1
    assert s.cost == m.Cost(total=5.11, currency="EUR", net=4.29, tax=0.82)
    assert s.state is m.SessionState.FINISHED
    assert s.duration_s == 5400
    assert (s.card_id, s.connector_id) == ("abc123", "xyz789")
    await p.close()


@respx.mock
async def test_cards_example_and_updateCard_example():
    backend = Backend(respx.mock).on("getContacts", doc.response("getContacts"))
    backend.on("getCards", doc.response("getCards"))
    backend.on("updateCard", doc.response("updateCard"))
    p = provider()
    await p.login(m.Credentials(username="driver@example.com", api_key="gp-partner-key-0001"))
    (card,) = await p.list_cards()
    assert (card.id, card.uid, card.label, card.rate) == ("xyz789", "xyz789", "xyz789", "abc123")
    assert card.status is m.CardStatus.BLOCKED  # "active": false
    assert card.type == "123"
    renamed = await p.rename_card("xyz789", "  Work car ")
    assert backend.sent("updateCard") == [{"tagId": "xyz789", "name": "Work car"}]
    assert renamed.id == "xyz789"
    await p.unblock_card("xyz789")
    assert backend.sent("updateCard")[-1] == {"tagId": "xyz789", "active": True}
    assert backend.sent("getCards")[0]["contactId"] == doc.SCALARS["ID"]
    await p.close()
