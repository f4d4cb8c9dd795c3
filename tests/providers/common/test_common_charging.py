"""The shared start and stop flows, driven by scripted back-end answers."""

from __future__ import annotations

import pytest

from services import models as m
from services.provider import (
    BackendUnavailable,
    ChargerRejected,
    NoVehicle,
    OperationTimedOut,
)
from services.providers.common.charging import StartAttempt, start_and_wait, stop_until_confirmed

WAITING = {"pending", "sent", "accepted"}
OK = {"accepted", "started"}


def session(state: m.SessionState, reason: str | None = None) -> m.ChargingSession:
    return m.ChargingSession(id="cl-1", state=state, failure_reason=reason)


def start_error(reason: str | None):
    return (
        NoVehicle(detail=reason) if "vehicle" in (reason or "") else ChargerRejected(detail=reason)
    )


def script(attempts: list[StartAttempt], sessions: list[m.ChargingSession]):
    calls = {"begin": 0, "poll": 0, "session": []}

    async def begin() -> StartAttempt:
        calls["begin"] += 1
        return attempts[0]

    async def poll(_a: StartAttempt) -> StartAttempt:
        calls["poll"] += 1
        return attempts[min(calls["poll"], len(attempts) - 1)]

    async def get_session(session_id: str) -> m.ChargingSession:
        calls["session"].append(session_id)
        return sessions[min(len(calls["session"]) - 1, len(sessions) - 1)]

    return begin, poll, get_session, calls


async def start(begin, poll, get_session, steps, timeout_s=30.0):
    return await start_and_wait(
        begin=begin,
        poll=poll,
        get_session=get_session,
        start_error=start_error,
        waiting=WAITING,
        accepted=OK,
        progress=lambda p: steps.append((p.step, p.message)),
        timeout_s=timeout_s,
        poll_interval_s=0,
    )


async def test_start_polls_the_attempt_then_the_session_until_charging():
    begin, poll, get_session, calls = script(
        [
            StartAttempt("a1", "PENDING"),
            StartAttempt("a1", "ACCEPTED", session_id="cl-1"),
            StartAttempt("a1", "STARTED", session_id="cl-1"),
        ],
        [session(m.SessionState.ACCEPTED), session(m.SessionState.CHARGING)],
    )
    steps: list = []
    result = await start(begin, poll, get_session, steps)
    assert result.state is m.SessionState.CHARGING
    assert calls["begin"] == 1 and calls["poll"] == 2 and calls["session"] == ["cl-1", "cl-1"]
    assert steps == [
        ("requested", None),
        ("sent", "PENDING"),
        ("accepted", "ACCEPTED"),
        ("accepted", "STARTED"),
        ("charging", None),
    ]


async def test_refused_attempt_and_failed_session_raise_the_mapped_error():
    begin, poll, get_session, _ = script(
        [
            StartAttempt("a1", "PENDING"),
            StartAttempt("a1", "FAILED", failed=True, failure_reason="no vehicle"),
        ],
        [],
    )
    steps: list = []
    with pytest.raises(NoVehicle):
        await start(begin, poll, get_session, steps)
    assert steps[-1] == ("failed", "no vehicle")
    begin, poll, get_session, _ = script(
        [StartAttempt("a1", "STARTED", session_id="cl-1")],
        [session(m.SessionState.FAILED, "charger said no")],
    )
    with pytest.raises(ChargerRejected):
        await start(begin, poll, get_session, steps)


async def test_start_without_an_answer_times_out_without_sending_twice():
    begin, poll, get_session, calls = script([StartAttempt("a1", "PENDING")], [])
    with pytest.raises(OperationTimedOut):
        await start(begin, poll, get_session, [], timeout_s=0.05)
    assert calls["begin"] == 1 and calls["poll"] >= 1


async def test_stop_is_resent_until_the_session_ends_and_rides_out_an_outage():
    sent = []
    answers = [
        session(m.SessionState.CHARGING),
        BackendUnavailable(),
        session(m.SessionState.STOPPING),
        session(m.SessionState.FINISHED),
    ]

    async def send_stop() -> None:
        sent.append(1)
        if len(sent) == 1:
            raise BackendUnavailable()

    async def refresh() -> m.ChargingSession:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    result = await stop_until_confirmed(
        session(m.SessionState.CHARGING),
        send_stop=send_stop,
        refresh=refresh,
        poll_interval_s=0,
        resend_every_s=0,
    )
    assert result.state is m.SessionState.FINISHED
    assert len(sent) == 4 and not answers  # resent after the failed send and each poll


async def test_stop_never_confirmed_times_out_with_advice():
    async def send_stop() -> None:
        return None

    async def refresh() -> m.ChargingSession:
        return session(m.SessionState.STOPPING)

    with pytest.raises(OperationTimedOut) as exc:
        await stop_until_confirmed(
            session(m.SessionState.CHARGING),
            send_stop=send_stop,
            refresh=refresh,
            timeout_s=0.05,
            poll_interval_s=0,
        )
    assert "unplug" in exc.value.message


async def test_stopping_a_finished_session_sends_nothing():
    async def send_stop() -> None:
        raise AssertionError("no stop for a finished session")

    done = session(m.SessionState.FINISHED)
    assert await stop_until_confirmed(done, send_stop=send_stop, refresh=send_stop) is done
