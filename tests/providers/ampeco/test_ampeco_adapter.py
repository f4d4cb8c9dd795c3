"""The AMPECO adapter on answers shaped as the document's schemas (each checked against the
document first): locations joined with charge points and EVSEs become stations, id tags
cards, sessions with consumption stats live sessions, reservations with their end."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from services import models as m
from services.provider import CardRejected, ConnectorUnavailable, InvalidInput, RateLimited
from services.providers.ampeco import adapter
from services.providers.ampeco import wire as w
from services.providers.ampeco.errors import from_response, start_refused
from tests.contract.ampeco.openapi_check import validator
from tests.providers.ampeco import doc_examples as ex

P = "/public-api"


def documented(method: str, path: str, body: dict, status: str = "200") -> dict:
    check = validator(method, P + path, status)
    assert check is not None
    check.validate(body)
    return body


def listing(items: list) -> dict:
    return {"data": items, "links": {"first": None, "last": None, "prev": None, "next": None},
            "meta": {"path": "x", "per_page": 100, "next_cursor": None, "prev_cursor": None}}


def joined_station(*evses: dict) -> m.Station:
    documented("GET", "/resources/locations/v2.0", listing([ex.LOCATION]))
    documented("GET", "/resources/charge-points/v2.0", listing([ex.CHARGE_POINT]))
    documented("GET", "/resources/evses/v2.1", listing(list(evses)))
    items = adapter.joined([ex.LOCATION], [ex.CHARGE_POINT], evses)
    assert len(items) == 1 and adapter.position(items[0]) == (52.52, 13.405)
    return adapter.station(items[0])


def test_a_location_with_its_evses_is_one_station():
    s = joined_station(ex.evse(21, "available"), ex.evse(22, "charging", current="dc",
                                                         plug="ccs2", power=150000))
    assert (s.id, s.name, s.site_id) == ("7", "Central car park", "7")
    assert s.address.street == "Alexanderplatz 1" and s.address.postal_code == "10178"
    assert s.images == ["https://example.com/a.jpg"]
    assert s.opening_hours.regular == [m.OpeningPeriod(weekday=0, start="01:00", end="09:00")]
    first, second = s.connectors
    assert (first.id, first.evse_id, first.plug_type, first.max_power_kw) == (
        "21", "BE*FOO*E21", m.PlugType.TYPE2, 22.0)
    assert first.status is m.ConnectorStatus.AVAILABLE
    assert (second.plug_type, second.current_type, second.max_power_kw) == (
        m.PlugType.CCS, m.CurrentType.DC, 150.0)
    assert second.status is m.ConnectorStatus.OCCUPIED
    assert (s.status.available, s.status.total, s.max_power_kw) == (1, 2, 150.0)
    assert s.remote_start is True


@pytest.mark.parametrize(("hardware", "status", "expected"), [
    ("reserved", "enabled", m.ConnectorStatus.OCCUPIED),
    ("occupied", "enabled", m.ConnectorStatus.OCCUPIED),
    ("faulted", "enabled", m.ConnectorStatus.OUT_OF_ORDER),
    ("available", "out of order", m.ConnectorStatus.OUT_OF_ORDER),
    ("unavailable", "enabled", m.ConnectorStatus.OUT_OF_ORDER),
])
def test_evse_status_words(hardware, status, expected):
    s = joined_station(ex.evse(21, hardware, status=status))
    assert s.connectors[0].status is expected


def test_remote_start_is_unknown_unless_a_charge_point_lists_its_capabilities():
    bare = {k: v for k, v in ex.CHARGE_POINT.items() if k != "capabilities"}
    item = adapter.joined([ex.LOCATION], [bare], [ex.evse(21, "available")])[0]
    assert adapter.station(item).remote_start is None
    tap_only = {**ex.CHARGE_POINT, "capabilities": ["meter_values"]}
    item = adapter.joined([ex.LOCATION], [tap_only], [ex.evse(21, "available")])[0]
    assert adapter.station(item).remote_start is False


def test_an_offline_charge_point_or_no_status_shows_unknown():
    cp = {**ex.CHARGE_POINT, "networkStatus": "temporarily_unavailable"}
    item = adapter.joined([ex.LOCATION], [cp], [ex.evse(21, "available")])[0]
    assert adapter.station(item).connectors[0].status is m.ConnectorStatus.UNKNOWN
    # hardwareStatus is nullable (its enum lists no null: not checked against the document)
    item = adapter.joined([ex.LOCATION], [ex.CHARGE_POINT], [ex.evse(21, None)])[0]
    station = adapter.station(item)
    assert station.connectors[0].status is m.ConnectorStatus.UNKNOWN
    assert station.status.status is m.ConnectorStatus.UNKNOWN


def test_id_tags_are_cards():
    documented("POST", "/resources/id-tags/v2.0", {"data": ex.ID_TAG}, "201")
    card = adapter.card(w.IdTag.model_validate(ex.ID_TAG))
    assert (card.id, card.uid, card.label, card.status) == ("41", "123456", "My card",
                                                            m.CardStatus.ACTIVE)
    for word in ("disabled", "suspended"):
        blocked = adapter.card(w.IdTag.model_validate({**ex.ID_TAG, "status": word}))
        assert blocked.status is m.CardStatus.BLOCKED
    old = adapter.card(w.IdTag.model_validate({**ex.ID_TAG, "expireAt": "2020-01-01T00:00:00Z"}))
    assert old.status is m.CardStatus.EXPIRED


def test_user_is_the_profile():
    documented("GET", "/resources/users/v1.1/{user}", {"data": ex.USER})
    p = adapter.profile(w.User.model_validate(ex.USER))
    assert (p.id, p.email, p.first_name, p.language) == ("5", "driver@example.com", "Dana", "en")


def test_a_running_session_in_kwh_and_kw_with_its_consumption_curve():
    body = documented("GET", "/resources/sessions/v1.0/{session}", {"data": ex.session("active")})
    stats = documented("GET", "/resources/sessions/v1.0/{session}/consumption-stats",
                       {"data": ex.CONSUMPTION})
    s = adapter.session(w.Session.model_validate(body["data"]),
                        [w.ConsumptionStat.model_validate(x) for x in stats["data"]])
    assert (s.id, s.connector_id, s.card_uid, s.state) == ("301", "21", "04A1B2C3",
                                                           m.SessionState.CHARGING)
    assert (s.energy_kwh, s.power_kw, s.soc) == (12.345, 11.0, 64)
    assert [r.energy_kwh for r in s.readings] == [0.0, 12.345]
    assert s.ended_at is None and s.cost is None


def test_a_finished_session_with_its_price():
    raw = ex.session("finished", stoppedAt="2025-03-01T11:30:00Z", reason="standard_stop",
                     totalAmount={"withTax": 5.95, "withoutTax": 5.0},
                     power={"latest": None, "peak": 11000, "average": 10500})
    body = documented("GET", "/resources/sessions/v1.0/{session}", {"data": raw})
    s = adapter.session(w.Session.model_validate(body["data"]))
    assert s.state is m.SessionState.FINISHED and s.power_kw is None
    assert s.ended_at == datetime(2025, 3, 1, 11, 30, tzinfo=UTC)
    assert (s.cost.total, s.cost.net, s.cost.tax, s.cost.currency) == (5.95, 5.0, 0.95, "EUR")


def test_a_reservation_ends_after_its_duration():
    documented("GET", "/resources/reservations/v1.0/{reservation}", {"data": ex.RESERVATION})
    r = adapter.reservation(w.Reservation.model_validate(ex.RESERVATION), "7")
    assert (r.id, r.connector_id, r.station_id, r.minutes) == ("3", "21", "7", 15)
    assert r.status is m.ReservationStatus.ACTIVE
    assert r.expires_at == datetime(2025, 3, 1, 10, 15, tzinfo=UTC)
    assert r.seconds_left(datetime(2025, 3, 1, 10, 5, tzinfo=UTC)) == 600
    for word, status in (("canceled", m.ReservationStatus.CANCELLED),
                         ("done", m.ReservationStatus.USED),
                         ("expired", m.ReservationStatus.EXPIRED)):
        ended = adapter.reservation(w.Reservation.model_validate({**ex.RESERVATION,
                                                                  "status": word}))
        assert ended.status is status and ended.seconds_left(datetime.now(UTC)) is None


def test_receipts_and_invoices_are_documents():
    documented("GET", "/resources/receipts/v2.0/{receipt}", {"data": ex.RECEIPT})
    documented("GET", "/resources/invoices/v1.0/{invoice}", {"data": ex.INVOICE})
    r = adapter.receipt_document(w.Receipt.model_validate(ex.RECEIPT))
    i = adapter.invoice_document(w.Invoice.model_validate(ex.INVOICE))
    assert (r.type, r.title, r.date.date().isoformat(), r.download_url) == (
        "receipt", "Receipt R-0008", "2025-03-02", "https://example.com/r8.pdf")
    assert (i.type, i.title) == ("invoice", "Invoice INV-9")


def test_refused_starts_and_error_bodies_become_typed_errors():
    documented("POST", "/actions/charge-point/v1.0/{chargePoint}/start/{evse}",
               ex.START_REFUSED, "202")
    refused = w.StartResult.model_validate(ex.START_REFUSED)
    assert isinstance(start_refused(refused.error_code, refused.message), CardRejected)
    assert isinstance(start_refused("SESSION_EXISTS", None), ConnectorUnavailable)
    body = {"message": "The given data was invalid.", "errors": {"idTagUid": ["taken"]}}
    err = from_response(httpx.Response(422, json=body))
    assert isinstance(err, InvalidInput) and err.field == "idTagUid"
    assert "taken" in err.message
    limited = from_response(httpx.Response(429, json={"message": "x"},
                                           headers={"Retry-After": "3"}))
    assert isinstance(limited, RateLimited) and limited.retry_after == 3
