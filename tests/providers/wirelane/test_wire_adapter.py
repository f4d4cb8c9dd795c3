"""Wirelane wire parsing and the adapter, from the document's own response samples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services import models as m
from services.providers.wirelane import adapter, export
from services.providers.wirelane import requests as R
from services.providers.wirelane import wire as w
from tests.providers.wirelane.samples import MEMBER, POINT, SESSION, SUBSCRIPTION


def test_point_sample_parses_with_numbers_where_text_is_documented():
    p = w.ChargingPoint.model_validate(POINT)
    assert p.point_id == "00eb08a9b45c69a4f9f14982a0095e12"
    assert p.service_hotline == "800557788"  # a number in the sample, a string in the schema
    assert p.power == 22 and p.voltage == 230
    assert p.update_date == datetime(2019, 8, 24, 14, 15, 22, tzinfo=UTC)


def test_point_sample_becomes_a_station_with_one_connector():
    [s] = adapter.stations([w.ChargingPoint.model_validate(POINT)])
    assert s.id == "98fd4f3a554f33c12eca9b5e2e4b369a"
    assert s.name == "Honiggasse 21, 73525 Schwäbisch Gmünd"
    assert s.operator == "desgd"
    assert (s.coordinates.latitude, s.coordinates.longitude) == (48.8026, 9.79944)
    assert s.distance_km == 1.002  # the document's distance read in metres
    assert s.phone == "800557788"
    assert s.max_power_kw == 22  # "power in kWh" read as the point's power in kW
    assert s.status == m.StatusSummary(status=m.ConnectorStatus.AVAILABLE, available=1, total=1)
    [c] = s.connectors
    assert c.id == POINT["id"] and c.evse_id == "DESGDE000801" and c.label == "RED_LEFT"
    assert c.plug_type is m.PlugType.TYPE2
    assert c.current_type is m.CurrentType.AC
    assert c.status_detail == "FREE"
    hours = s.opening_hours
    assert hours is not None and not hours.always_open
    assert [(p.weekday, p.start, p.end) for p in hours.regular] == [
        (d, "09:00", "20:00") for d in range(5)
    ]


def test_points_of_one_station_group_in_order_and_summarise():
    second = {**POINT, "id": "p2", "charging_point_id": "p2", "status": "IN_USE",
              "plug_types": ["CCS"], "charging_type": "DC", "power": 150}
    lone = {**POINT, "id": "p3", "charging_point_id": "p3", "charging_station_id": None,
            "status": "FAULTED"}
    stations = adapter.stations(w.ChargingPoint.model_validate(x) for x in (POINT, second, lone))
    assert [s.id for s in stations] == [POINT["charging_station_id"], "p3"]
    first, alone = stations
    assert [c.id for c in first.connectors] == [POINT["id"], "p2"]
    assert [c.sort_order for c in first.connectors] == [1, 2]
    assert first.connectors[1].plug_type is m.PlugType.CCS
    assert first.max_power_kw == 150
    assert (first.status.available, first.status.total) == (1, 2)
    assert alone.status.status is m.ConnectorStatus.OUT_OF_ORDER


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("FREE", m.ConnectorStatus.AVAILABLE),
        ("IN_USE", m.ConnectorStatus.OCCUPIED),
        ("RESERVED", m.ConnectorStatus.OCCUPIED),
        ("UNAVAILABLE", m.ConnectorStatus.OUT_OF_ORDER),
        ("FAULTED", m.ConnectorStatus.OUT_OF_ORDER),
        ("CLOSED", m.ConnectorStatus.OUT_OF_ORDER),
        ("UNKNOWN", m.ConnectorStatus.UNKNOWN),
        (None, m.ConnectorStatus.UNKNOWN),
    ],
)
def test_documented_point_statuses(word, status):
    assert adapter.point_status(word) is status


def test_session_sample_with_offsets_without_colon():
    s = adapter.session(w.Session.model_validate(SESSION))
    plus2 = timezone(timedelta(hours=2))
    assert s.started_at == datetime(2017, 10, 15, 16, 44, 40, tzinfo=plus2)
    assert s.ended_at == datetime(2017, 10, 15, 17, 52, 59, tzinfo=plus2)
    assert s.state is m.SessionState.FINISHED
    assert s.energy_kwh == 17.46
    assert s.station_id == SESSION["charging_station_id"]
    assert s.connector_id == SESSION["charging_point_id"]
    assert s.station_name == "Honiggasse 21, 73525 Schwäbisch Gmünd"  # numbers kept as text
    assert s.card_uid == "WIRELANE123456"
    assert s.cost == m.Cost(total=1.7, currency="EUR", net=1.43, tax=0.27)
    assert s.failure_reason is None  # a closed session's error text is not a failure


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("initial", m.SessionState.REQUESTED),
        ("authorization_pending", m.SessionState.REQUESTED),
        ("start_accepted", m.SessionState.ACCEPTED),
        ("start_pending", m.SessionState.REQUESTED),
        ("started", m.SessionState.CHARGING),
        ("stop_accepted", m.SessionState.STOPPING),
        ("stop_pending", m.SessionState.STOPPING),
        ("stopped", m.SessionState.FINISHED),
        ("closed", m.SessionState.FINISHED),
        ("canceled", m.SessionState.FAILED),
        ("error", m.SessionState.FAILED),
        ("error_consecutive_start", m.SessionState.FAILED),
    ],
)
def test_documented_session_statuses(status, state):
    s = adapter.session(w.Session.model_validate({**SESSION, "status": status}))
    assert s.state is state
    if state is m.SessionState.FAILED:
        assert s.failure_reason == "Manually closed because of time out"
    if state.is_active:
        assert s.ended_at is None


def test_member_and_subscription_samples():
    sub = adapter.subscription(w.Subscription.model_validate(SUBSCRIPTION))
    assert sub.plan == "WIRELANE-ABO-ANNUEL-3"
    assert sub.begins_at == datetime(2015, 11, 25, 9, 43, 2, tzinfo=UTC)
    member = adapter.member(w.Member.model_validate(MEMBER), payment_methods=0,
                            subscription_=sub)
    assert member.id == "DEWLN-0123456789"
    assert member.email == "user@example.com"
    assert member.status is m.FleetMemberStatus.PENDING
    assert member.has_payment_method is False
    assert member.subscription == sub
    nested = w.Member.model_validate({**MEMBER, "account": {"id": "ACC-1", "first_name": "Ada",
                                                            "last_name": "Lovelace"}})
    assert adapter.member(nested).id == "ACC-1"
    assert adapter.member(nested).name == "Ada Lovelace"
    assert adapter.member(nested).has_payment_method is None  # not asked


@pytest.mark.parametrize(
    ("text", "always", "periods"),
    [
        ("24/7", True, 0),
        ("Mo-Su 00:00 - 24:00", True, 7),
        ("Mo-Fr 09:00 - 20:00; Sa 10:00 - 14:00", False, 6),
        ("nach Vereinbarung", None, None),
        ("", None, None),
    ],
)
def test_opening_hours_labels(text, always, periods):
    hours = adapter.opening_hours(text)
    if always is None:
        assert hours is None
    else:
        assert hours.always_open is always
        assert len(hours.regular) == periods


def test_request_parameters_follow_the_documented_patterns():
    centre = m.Coordinates(latitude=52.52, longitude=13.405)
    assert R.radius_params(centre, 2.5) == [
        ("lat", "52.52"), ("lon", "13.405"), ("distance", "2500"),
        ("order_by", "distance"), ("order_direction", "asc"),
    ]
    box = m.BoundingBox(south=52.5, west=13.3, north=52.55, east=13.45)
    params = dict(R.box_params(box))
    assert params["north_east_lat"] == "52.55" and params["south_west_lon"] == "13.3"
    f = m.StationFilters(plug_types=[m.PlugType.TYPE2, m.PlugType.CCS],
                         current_type=m.CurrentType.DC, available_only=True, min_power_kw=50)
    assert R.filter_params(f, send_min_power=True) == [
        ("plug_types", "TYPE_2"), ("plug_types", "TYPE_2_ATCH"), ("plug_types", "CCS"),
        ("charging_type", "DC"), ("status", "FREE"), ("max_power", "50"),
    ]
    assert R.number(1e-7) == "0"
    since = datetime(2026, 11, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    assert ("date_picker_since", "2026-11-01T00:00:00+0000") in R.session_params(since=since)
    assert R.point_path("DEMO TENANT", "DE*ABC*E1", "evseid") == (
        "/apis/emc/organizations/id/DEMO%20TENANT/points/evseid/DE%2AABC%2AE1"
    )


def test_csv_export_of_the_session_sample():
    formula = {**SESSION, "session_id": "s2", "customer_email": "=HYPERLINK(\"x\")",
               "status": "started", "session_end": None}
    text = export.sessions_csv([w.Session.model_validate(x) for x in (SESSION, formula)])
    lines = text.split("\r\n")
    assert lines[0] == ",".join(export.COLUMNS)
    assert lines[1].split(",")[:3] == ["string", "WIRELANE-7900915", "customer@example.com"]
    assert "2017-10-15T14:44:40Z,2017-10-15T15:52:59Z,68.3,17.460,1.70,EUR,closed" in lines[1]
    assert "'=HYPERLINK" in lines[2]  # no formula reaches a spreadsheet
    assert lines[-1] == ""
