"""The document's own example responses, read by the wire models and turned into neutral
models by the adapter."""

from __future__ import annotations

from datetime import UTC, datetime

from services import models as m
from services.providers.plugsurfing import adapter
from services.providers.plugsurfing import wire as w
from services.providers.plugsurfing.client import payload

from . import examples as ex


def test_station_get_by_ids_becomes_stations_with_operator_prices_and_hours():
    data = payload(ex.STATION_GET_BY_IDS, "station-get-by-ids")
    answer = w.StationsByIds.model_validate(data)
    companies = {c.id: c for c in answer.companies}
    geldern, berlin = (adapter.station(s, companies) for s in answer.stations)

    assert geldern.id == "1169" and geldern.name == "Marktparkhaus am Südwall"
    assert geldern.operator == "RWE"  # operator-company-id 715 in companies
    assert geldern.address.street == "Südwall 32"  # streetNumber, as the example spells it
    assert geldern.address.postal_code == "47608" and geldern.address.city == "Geldern"
    assert geldern.coordinates.latitude == 51.516123
    assert geldern.payment_info == "PARKING CHARGE"
    chademo, type2 = geldern.connectors
    assert (chademo.id, chademo.plug_type, chademo.current_type) == (
        "11451",
        m.PlugType.CHADEMO,
        m.CurrentType.DC,
    )
    assert chademo.max_power_kw == 52.0 and chademo.evse_id == "DE*123*E000000002"
    assert (type2.plug_type, type2.current_type, type2.max_power_kw) == (
        m.PlugType.TYPE2,
        m.CurrentType.AC,
        22.2,
    )
    assert type2.status is m.ConnectorStatus.OCCUPIED
    assert type2.status_since == datetime(2014, 7, 1, 13, 25, 40, tzinfo=UTC)
    assert type2.price.per_kwh == 0.36 and type2.price.start_fee == 0.0
    assert round(type2.price.parking_per_minute * 60, 9) == 1.10
    assert geldern.status.available == 1 and geldern.status.total == 2
    assert geldern.max_power_kw == 52.0
    hours = geldern.opening_hours
    assert not hours.always_open
    assert [(p.weekday, p.start, p.end) for p in hours.regular] == [
        *((d, "07:30", "20:00") for d in range(5)),
        (5, "07:30", "15:00"),
    ]

    assert berlin.opening_hours.always_open  # is-open-24, and "[24h]" Mo-Su
    assert berlin.connectors[0].evse_id is None  # external-id null
    assert berlin.status.status is m.ConnectorStatus.AVAILABLE


def test_open_hour_notes_without_is_open_24_still_read_24h_every_day():
    raw = dict(ex.STATION_GET_BY_IDS["stations"][1], **{"is-open-24": None})
    station = adapter.station(w.Station.model_validate(raw))
    assert station.opening_hours.always_open
    assert station.operator is None  # no companies given


def test_station_get_surface_becomes_map_markers():
    data = payload(ex.STATION_GET_SURFACE, "station-get-surface")
    first, second = (adapter.surface_station(s) for s in w.Surface.model_validate(data).stations)
    assert first.id == "1169" and first.coordinates.longitude == 6.322554
    # dynamic-status-summary is null: the connector statuses decide
    assert first.status == m.StatusSummary(status=m.ConnectorStatus.AVAILABLE, available=2, total=2)
    assert second.status.status is m.ConnectorStatus.UNKNOWN and second.status.total == 1


def test_recent_stations_nested_list_is_flattened():
    data = payload(ex.USER_GET_RECENT_STATIONS, "user-get-recent-stations")
    stations = [adapter.surface_station(s) for s in w.Surface.model_validate(data).stations]
    assert [s.id for s in stations] == ["1247", "1248"]
    assert stations[1].status.status is m.ConnectorStatus.OCCUPIED


def test_user_details_become_the_profile():
    data = payload(ex.USER_GET_DETAILS, "user-get-details")
    p = adapter.profile(w.UserDetails.model_validate(data), "driver@example.com")
    assert p.email == "driver@example.com" and p.id == "DE*8PS*156456730*9"
    assert (p.first_name, p.last_name, p.phone, p.language) == (
        "Firstname",
        "Lastname",
        "+49 151 84512991",
        "de",
    )
    assert p.address == m.Address(
        street="Warschauer Str. 1", postal_code="10247", city="Berlin", country="Germany"
    )


def test_charging_keys_become_cards_named_by_uid():
    data = payload(ex.USER_GET_CHARGING_KEYS, "user-get-charging-keys")
    cards = [adapter.card(k) for k in w.ChargingKeys.model_validate(data).charging_keys]
    assert [(c.id, c.uid, c.number, c.status) for c in cards] == [
        ("ABCDABCD", "ABCDABCD", "DE*8PS*C12345", m.CardStatus.ACTIVE),
        ("ABCDABCF", "ABCDABCF", "DE*8PS*C12346", m.CardStatus.ACTIVE),
    ]
    blocked = adapter.card(w.ChargingKey.model_validate({"uid": "AB", "status": "Blocked"}))
    assert blocked.status is m.CardStatus.BLOCKED


def test_recent_sessions_become_finished_sessions_with_cost():
    data = payload(ex.USER_GET_RECENT_SESSIONS, "user-get-recent-sessions")
    raw = w.RecentSessions.model_validate(data).sessions
    first, second = (adapter.session(s, i) for i, s in enumerate(raw))
    assert first.id == "abc-def" and first.state is m.SessionState.FINISHED
    assert first.station_id == "19018" and first.connector_id == "9835"
    assert first.energy_kwh == 3.0
    assert first.cost == m.Cost(total=3.76, currency="EUR")
    assert first.started_at == datetime(2014, 6, 23, 14, 32, 22, tzinfo=UTC)
    assert first.duration_s == 70 * 60 + 25
    assert first.station_name == "Tempelhofer Ufer 17, 10963 Berlin, Germany"
    assert second.station_id is None and second.energy_kwh == 0.053
    assert second.state is m.SessionState.FINISHED


def test_a_session_without_an_end_is_running():
    raw = w.RecentSession.model_validate(
        {
            "session-interval": {"start": "2026-01-01T10:00:00+01:00", "end": None},
            "charging-interval": {"start": "2026-01-01T10:00:05+01:00"},
            "energy-consumed": 1.25,
            "cost": "0.45",
            "currency": "EUR",
            "external-session-id": "s-1",
        }
    )
    s = adapter.session(raw)
    assert s.state is m.SessionState.CHARGING and s.ended_at is None and s.energy_kwh == 1.25
    raw.charging_interval = None
    assert adapter.session(raw).state is m.SessionState.ACCEPTED  # plugged, no energy yet


def test_bills_become_documents_with_their_links():
    data = payload(ex.USER_GET_BILLS, "user-get-bills")
    docs = [adapter.document(b, i) for i, b in enumerate(w.Bills.model_validate(data).bills)]
    assert [d.title for d in docs] == ["Invoice-201503051-10000", "Invoice-201503052-10000"]
    assert docs[1].download_url.endswith("/Invoice-201503052-10000.pdf")
    assert docs[0].type == "INVOICE" and docs[0].id == "Invoice-201503051-10000"
    signed = w.Bill.model_validate(
        {"external-session-ids": ["a", "b"], "bill": "http://core/documents/e47c.pdf?sig=1"}
    )
    doc = adapter.document(signed, 0)
    assert (doc.id, doc.title) == ("e47c", "Invoice for 2 sessions")
    assert doc.download_url.endswith("?sig=1")


def test_answers_are_read_wherever_the_examples_put_them():
    assert payload(ex.SESSION_START_STOPPABLE, "session-start") == {
        "session-id": "abcdef-123456-abc123-456def",
        "is-stoppable": True,
    }
    assert w.UserToken.model_validate(payload(ex.USER_REGISTER, "user-register")).evco_id == (
        "DE*8PS*123456*7"
    )
    assert payload(ex.USER_UNBLOCK_RFID, "user-unblock-rfid") == {"success": True}


def test_speeds_and_prices_are_read_from_the_documents_strings():
    assert adapter.speed_kw("22.2kW") == 22.2
    assert adapter.speed_kw("3.7kW") == 3.7
    assert adapter.speed_kw("50 kW") == 50.0
    assert adapter.speed_kw("") is None
    assert adapter.money("1.23") == 1.23 and adapter.money(None) is None
