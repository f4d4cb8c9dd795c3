"""Start/stop flow of the be.ENERGISED client (respx stands in for the back end; the real
flow is exercised by the integration journey once charging is on the core)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from services.http import RetryPolicy
from services.models import Credentials, SessionState
from services.provider import CardRejected, NoVehicle, OperationTimedOut
from services.providers.beenergised import BeEnergisedProvider

BASE = "https://be.invalid"
URL = BASE + "/graphql/"
CARD = {"id": "card-1", "tagId": "04AABBCC", "number": "VOL-1", "status": "active"}


def chargelog(status: str, energy: float | None = None) -> dict:
    return {
        "id": "log-1",
        "status": status,
        "authId": "04AABBCC",
        "sessionId": "tx-9",
        "dateStart": "2026-11-21T10:00:00Z",
        "energyConsumption": energy,
        "connector": {"id": "11", "cp": {"id": "cp-1", "label": "Alex"}},
        "cost": {"total": 3.2, "grossAmount": 3.2, "currency": "EUR"},
    }


async def no_sleep(_d):
    return None


def backend(script: dict):
    calls: list[tuple[str, dict]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        name = body["query"].split("{")[0].split("(")[0].split()[-1]
        calls.append((name, body.get("variables") or {}))
        answer = script[name]
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(200, json={"data": answer})

    return handle, calls


BASE_SCRIPT = {
    "initSession": {"initSession": {"sessionToken": "s-1", "refreshToken": "r-1"}},
    "contact": {"contact": {"id": "u1", "email": "d@x"}},
    "card": {"card": CARD},
}


async def logged_in(script):
    handle, calls = backend({**BASE_SCRIPT, **script})
    respx.post(URL).mock(side_effect=handle)
    p = BeEnergisedProvider(BASE, retry=RetryPolicy(sleep=no_sleep), poll_interval_s=0)
    await p.login(Credentials(username="d@x", password="pw-123456"))
    return p, calls


def attempt(status, log_id=None, failure=False, reason=None):
    return {
        "chargeLogId": log_id,
        "connectorId": "11",
        "failureReason": reason,
        "id": "att-1",
        "isFailure": failure,
        "lastSentAt": None,
        "status": status,
    }


@respx.mock
async def test_start_polls_attempt_then_chargelog_until_charging_with_progress():
    p, calls = await logged_in(
        {
            "attemptRemoteStart": {"attemptRemoteStart": attempt("pending")},
            "remoteStartAttemptStatus": [
                {"remoteStartAttemptStatus": attempt("sent")},
                {"remoteStartAttemptStatus": attempt("ACCEPTED", "log-1")},
                {"remoteStartAttemptStatus": attempt("STARTED", "log-1")},
            ],
            "chargelogLive": [
                {"chargelog": chargelog("requested"), "chargelogMeterValuesSummary": None},
                {
                    "chargelog": chargelog("charging", 0.1),
                    "chargelogMeterValuesSummary": {
                        "sumEnergy": 0.2,
                        "currentPower": 11000,
                        "currentStateOfCharge": 41,
                    },
                },
            ],
        }
    )
    steps = []
    session = await p.start_charging("11", "card-1", progress=steps.append, timeout_s=5)
    assert session.state is SessionState.CHARGING
    assert session.energy_kwh == 0.2 and session.power_kw == 11.0 and session.soc == 41
    assert [s.step for s in steps] == [
        "requested",
        "sent",
        "sent",
        "accepted",
        "accepted",
        "charging",
    ]
    start = next(v for n, v in calls if n == "attemptRemoteStart")
    assert start == {"input": {"connectorId": "11", "tagId": "04AABBCC"}}
    assert sum(1 for n, _ in calls if n == "attemptRemoteStart") == 1
    await p.close()


@respx.mock
async def test_start_failure_reason_becomes_typed_error():
    p, _ = await logged_in(
        {
            "attemptRemoteStart": {"attemptRemoteStart": attempt("pending")},
            "remoteStartAttemptStatus": {
                "remoteStartAttemptStatus": attempt(
                    "failed", failure=True, reason="No vehicle connected to the connector"
                )
            },
        }
    )
    steps = []
    with pytest.raises(NoVehicle):
        await p.start_charging("11", "card-1", progress=steps.append)
    assert steps[-1].step == "failed"
    await p.close()


@respx.mock
async def test_blocked_card_is_refused_before_anything_is_sent():
    p, calls = await logged_in({"card": {"card": {**CARD, "status": "inactive"}}})
    with pytest.raises(CardRejected):
        await p.start_charging("11", "card-1")
    assert "attemptRemoteStart" not in [n for n, _ in calls]
    await p.close()


@respx.mock
async def test_start_times_out_when_the_charger_never_answers():
    p, _ = await logged_in(
        {
            "attemptRemoteStart": {"attemptRemoteStart": attempt("pending")},
            "remoteStartAttemptStatus": {"remoteStartAttemptStatus": attempt("sent")},
        }
    )
    with pytest.raises(OperationTimedOut):
        await p.start_charging("11", "card-1", timeout_s=0.05)
    await p.close()


@respx.mock
async def test_stop_is_resent_through_a_dropped_connection_until_finished():
    p, calls = await logged_in(
        {
            "chargelog": {"chargelog": chargelog("started", 4.0)},
            "remoteStop": [
                httpx.ConnectError("refused"),
                {"remoteStop": {"status": "accepted", "code": 200}},
            ],
            "chargelogLive": [
                {"chargelog": chargelog("started", 4.0), "chargelogMeterValuesSummary": None},
                {"chargelog": chargelog("stopped", 4.2), "chargelogMeterValuesSummary": None},
            ],
        }
    )
    session = await p.stop_charging("log-1")
    assert session.state is SessionState.FINISHED and session.energy_kwh == 4.2
    stops = [v for n, v in calls if n == "remoteStop"]
    assert stops and all(v == {"transaction": "tx-9"} for v in stops)
    await p.close()


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("Connector occupied: another charging session is running on it.", "CONNECTOR_UNAVAILABLE"),
        ("Connector out of order: the charger reports it unavailable.", "CONNECTOR_UNAVAILABLE"),
        (
            "Charger offline: it is not connected right now. Try another charger.",
            "CONNECTOR_UNAVAILABLE",
        ),
        ("Rejected by the charger: it refused to start charging.", "CHARGER_REJECTED"),
        ("The charger did not answer the start request in time.", "TIMED_OUT"),
        (
            "No vehicle plugged in within the time limit. Plug in first, then start again.",
            "NO_VEHICLE",
        ),
        ("The start request expired (validUntil) before charging began.", "TIMED_OUT"),
        ("Card blocked: this card may not be used for charging.", "CARD_REJECTED"),
        ("Card expired: this card is past its expiry date.", "CARD_REJECTED"),
    ],
)
def test_core_failure_reasons_map_to_typed_errors(reason, expected):
    from services.providers.beenergised.errors import from_start_failure

    err = from_start_failure(reason)
    assert err.code == expected
    if "out of order" in reason:
        assert err.reason == "faulted"
    if "offline" in reason:
        assert err.reason == "offline"
