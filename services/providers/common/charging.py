"""The start and stop flows: a start is an attempt the charger may accept or refuse, then a
session that must reach CHARGING; a stop is repeated until the session shows it ended."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from services import models as m
from services.provider import (
    BackendUnavailable,
    OperationTimedOut,
    ProgressCallback,
    ProviderError,
)

MAX_POLL_INTERVAL_S = 2.0
POLL_GROWTH = 1.5


async def notify(progress: ProgressCallback | None, step: str, message: str | None) -> None:
    if progress is None:
        return
    result = progress(m.StartProgress(step=step, message=message))
    if inspect.isawaitable(result):
        await result


@dataclass
class StartAttempt:
    """A remote start as the back end reports it while the charger decides."""

    id: str
    status: str
    session_id: str | None = None
    failed: bool = False
    failure_reason: str | None = None


async def start_and_wait(
    *,
    begin: Callable[[], Awaitable[StartAttempt]],
    poll: Callable[[StartAttempt], Awaitable[StartAttempt]],
    get_session: Callable[[str], Awaitable[m.ChargingSession]],
    start_error: Callable[[str | None], ProviderError],
    waiting: Collection[str],
    accepted: Collection[str],
    progress: ProgressCallback | None = None,
    timeout_s: float = 90.0,
    poll_interval_s: float = 0.5,
) -> m.ChargingSession:
    """Send the start (``begin``, never repeated: a second one could start a second
    session), poll the attempt until it names a session and its status (lower case) is no
    longer in ``waiting``, then poll the session until energy may flow (CHARGING) or it
    ended. ``progress`` hears requested -> sent -> accepted -> charging, or failed.
    A refusal or failed session is raised as ``start_error(reason)``."""
    deadline = time.monotonic() + timeout_s
    await notify(progress, "requested", None)
    attempt = await begin()
    await notify(progress, "sent", attempt.status)
    last_status = attempt.status
    interval = poll_interval_s
    while True:
        if attempt.failed:
            await notify(progress, "failed", attempt.failure_reason)
            raise start_error(attempt.failure_reason or attempt.status)
        if attempt.session_id and attempt.status.lower() not in waiting:
            break
        if time.monotonic() > deadline:
            raise OperationTimedOut(detail=f"attempt {attempt.id} status {attempt.status}")
        await asyncio.sleep(interval)
        interval = min(interval * POLL_GROWTH, MAX_POLL_INTERVAL_S)
        attempt = await poll(attempt)
        if attempt.status != last_status:
            last_status = attempt.status
            if attempt.status.lower() in accepted or attempt.session_id:
                await notify(progress, "accepted", attempt.status)
            else:
                await notify(progress, "sent", attempt.status)
    # Accepted by the charger; wait for energy to be allowed to flow (StartTransaction).
    interval = poll_interval_s
    while True:
        session = await get_session(attempt.session_id)
        if session.state is m.SessionState.CHARGING or not session.state.is_active:
            break
        if time.monotonic() > deadline:
            raise OperationTimedOut(detail=f"session {session.id} {session.state}")
        await asyncio.sleep(interval)
        interval = min(interval * POLL_GROWTH, MAX_POLL_INTERVAL_S)
    if session.state is m.SessionState.FAILED:
        await notify(progress, "failed", session.failure_reason)
        raise start_error(session.failure_reason or "failed")
    await notify(progress, "charging", None)
    return session


STOP_NOT_CONFIRMED = (
    "The charger has not confirmed the stop yet. It will stop when you unplug; check the "
    "session again in a moment."
)


async def stop_until_confirmed(
    session: m.ChargingSession,
    *,
    send_stop: Callable[[], Awaitable[None]],
    refresh: Callable[[], Awaitable[m.ChargingSession]],
    timeout_s: float = 60.0,
    poll_interval_s: float = 0.5,
    resend_every_s: float = 10.0,
) -> m.ChargingSession:
    """For APIs whose stop is idempotent (stopping a stopped session changes nothing): the
    stop is sent again every ``resend_every_s`` until ``refresh`` shows the session is no
    longer active, and an unreachable back end is ridden out until ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    last_sent = -1e9
    interval = poll_interval_s
    while session.state.is_active:
        now = time.monotonic()
        if now > deadline:
            raise OperationTimedOut(
                STOP_NOT_CONFIRMED, detail=f"session {session.id} {session.state}"
            )
        if now - last_sent >= resend_every_s:
            try:
                await send_stop()
                last_sent = now
            except BackendUnavailable:
                pass  # keep trying until the deadline
        await asyncio.sleep(interval)
        interval = min(interval * POLL_GROWTH, MAX_POLL_INTERVAL_S)
        try:
            session = await refresh()
        except BackendUnavailable:
            continue
    return session
