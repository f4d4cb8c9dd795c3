"""Wire -> neutral readings that the document leaves open (free text, units, statuses)."""

from __future__ import annotations

import pytest

from services.models import ConnectorStatus, PlugType, SessionState
from services.providers.beenergised import adapter
from services.providers.beenergised import wire as w


def test_price_text_becomes_a_tariff_on_every_connector():
    cp = w.Cp.model_validate(
        {
            "id": "cp",
            "latitude": 52.5,
            "longitude": 13.4,
            "information": {
                "payment": "Charge card (RFID) or app: 0.72 EUR/kWh + 0.02 EUR/min + "
                "0.99 EUR start + parking 0.20 EUR/min after 45 min"
            },
            "additionalFields": [{"name": "operator", "value": "Rheinland eMobil"}],
            "contact": {"phone": "+49 1"},
            "connectors": [
                {
                    "id": "1",
                    "connectorType": {
                        "id": "t",
                        "standard": "IEC_62196_T2",
                        "plugType": "SOCKET",
                        "chargePointType": "AC",
                    },
                },
                {"id": "2", "freeOfCharge": True},
            ],
        }
    )
    s = adapter.station(cp, "http://h")
    t = s.connectors[0].price
    assert (
        t.per_kwh,
        t.per_minute,
        t.start_fee,
        t.parking_per_minute,
        t.parking_grace_minutes,
        t.currency,
    ) == (0.72, 0.02, 0.99, 0.2, 45, "EUR")
    assert s.connectors[1].price.free_of_charge is True
    assert s.connectors[0].plug_type is PlugType.TYPE2
    assert s.operator == "Rheinland eMobil" and s.phone == "+49 1"
    assert s.payment_info.startswith("Charge card")


def test_unreadable_price_text_leaves_price_unknown():
    assert adapter.tariff_from_text("Pay at the counter") is None
    assert adapter.tariff_from_text(None) is None


@pytest.mark.parametrize(
    ("simple", "expected"),
    [
        ("Available", ConnectorStatus.AVAILABLE),
        ("Occupied", ConnectorStatus.OCCUPIED),
        ("Faulted", ConnectorStatus.OUT_OF_ORDER),
        ("Unavailable", ConnectorStatus.OUT_OF_ORDER),
        (None, ConnectorStatus.UNKNOWN),
    ],
)
def test_simple_status(simple, expected):
    assert adapter.connector_status(simple) is expected


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("started", SessionState.CHARGING),
        ("stopped", SessionState.FINISHED),
        ("failed", SessionState.FAILED),
        ("STOPPING", SessionState.STOPPING),
    ],
)
def test_chargelog_status_words(status, state):
    assert adapter.session_state(status) is state


def test_live_summary_units_kwh_w_percent():
    log = w.Chargelog.model_validate(
        {
            "id": "l",
            "status": "started",
            "authId": "AA",
            "meterStart": 1500,
            "energyConsumption": 1.0,
            "connector": {"id": "1"},
        }
    )
    summary = w.MeterValuesSummary(
        sumEnergy=1.25,
        currentPower=7400,
        currentStateOfCharge=55,
        energyUpdatedAt="2026-11-21T10:00:00Z",
    )
    s = adapter.session(log, summary)
    assert (s.energy_kwh, s.power_kw, s.soc, s.meter_start_kwh) == (1.25, 7.4, 55.0, 1.5)
    assert s.readings[0].at.tzinfo is not None


def test_opening_hours_24_7_and_weekday_numbering():
    ot = w.OpeningTimes.model_validate(
        {
            "regularHours": [
                {"weekday": d, "operatingHours": {"begin": "00:00:00", "end": "23:59:59"}}
                for d in range(1, 8)
            ]
        }
    )
    oh = adapter.opening_hours(ot)
    assert oh.always_open and oh.regular[0].weekday == 0 and oh.regular[0].end == "24:00"
    part = adapter.opening_hours(
        w.OpeningTimes.model_validate(
            {
                "regularHours": [
                    {"weekday": 7, "operatingHours": {"begin": "08/00/00", "end": "20/00/00"}}
                ]
            }
        )
    )
    assert not part.always_open
    assert (part.regular[0].weekday, part.regular[0].start, part.regular[0].end) == (
        6,
        "08:00",
        "20:00",
    )


def test_language_codes_both_ways():
    assert adapter.language_code("de") == "de_DE"
    assert adapter.language_code("en-US") == "en_US"
    assert adapter.language_code("xx") is None
    contact = w.Contact.model_validate({"email": "a@b.c", "language": "de_DE"})
    assert adapter.profile(contact).language == "de"


@pytest.mark.parametrize(
    ("ext", "code"),
    [
        ({"code": "UNAUTHENTICATED", "reason": "INVALID_CREDENTIALS"}, "INVALID_CREDENTIALS"),
        ({"code": "UNAUTHENTICATED", "reason": "LOCKED", "retryAfter": 30}, "RATE_LIMITED"),
        ({"code": "UNAUTHENTICATED", "reason": "EXPIRED"}, "SESSION_EXPIRED"),
        ({"code": "UNAUTHENTICATED", "reason": "INACTIVE"}, "FORBIDDEN"),
        ({"code": "UNAUTHENTICATED"}, "NOT_AUTHENTICATED"),
        ({"code": "NOT_FOUND"}, "NOT_FOUND"),
        ({"code": "CONFLICT"}, "CONFLICT"),
        ({"code": "CHARGING_UNAVAILABLE"}, "NOT_SUPPORTED"),
        ({"code": "BAD_USER_INPUT", "field": "input.label"}, "INVALID_INPUT"),
    ],
)
def test_graphql_error_codes_and_reasons(ext, code):
    from services.providers.beenergised.errors import from_graphql_error

    err = from_graphql_error({"message": "m", "extensions": ext})
    assert err.code == code
    if code == "RATE_LIMITED":
        assert err.retry_after == 30
    if code == "INVALID_INPUT":
        assert err.field == "input.label"
