"""Charging for every facade: remote start, attempt status, stop, unlock, live meter.

The rules and the records are the domain's (``services.core.domain.charging``); commands to
chargers go through the core's ``ChargerGateway``. Facades parse their wire input into a
``StartRequest`` and render what these functions return. A ``StartRequest`` may carry
``limits`` (``services.core.domain.stop_conditions.StopConditions``: ``max_energy_kwh``,
``max_duration_minutes``, ``max_soc_percent``, ``max_amount`` gross in the tariff's
currency; each validated on construction, ``BadInput`` naming the field); the core stops
the session at the first it reaches and records it (``stop_conditions.of_session``).
``unlock(core, station_uuid, connector_no) -> UnlockResult``.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from services.core.domain import cards as cards_domain
from services.core.domain import charging, history
from services.core.domain.charging import StartPlan, StartRequest
from services.core.domain.errors import BadInput, NotFound
from services.core.domain.offers import Offer
from services.core.events import session_topic
from services.core.services import offers
from services.core.services.gateway import ChargerGateway
from services.core.store import cards as card_store
from services.core.store import connectors as connector_store
from services.core.store import stations as station_store

if TYPE_CHECKING:
    from services.core.state import Core


class ChargingUnavailable(Exception):
    """The core runs without a charger gateway, so it cannot command chargers."""

    def __init__(self) -> None:
        super().__init__(
            "remote charging needs the OCPP central system, which this core is not running"
        )


def gateway(core: Core) -> ChargerGateway:
    if core.gateway is None:
        raise ChargingUnavailable()
    return core.gateway


# ------------------------------------------------------------------ inputs


def _covered_connector(conn: Any, ref: str, offer: Offer | None) -> int | None:
    found = connector_store.id_by_ref(conn, ref)
    if found is None or offer is None:
        return found
    row = connector_store.connector_by_id(conn, found)
    station = station_store.station_by_id(conn, row["station_id"]) if row else None
    return found if offers.covers(offer, station) else None


async def connector_id(core: Core, ref: str | None, field: str, offer: Offer | None = None
                       ) -> int:  # fmt: skip
    """A connector by id or EVSE id; ``field`` names the input in the caller's words. With
    the ``offer`` of the caller's API, a connector it does not cover is not found either."""
    ref = (ref or "").strip()
    if not ref:
        raise BadInput(field, "is required")
    found = await core.db(_covered_connector, ref, offer)
    if found is None:
        raise NotFound(f"{field}: no connector '{ref}'", field=field)
    return found


def _card_for(conn: Any, user_id: int, identifier: str | None, allow_unknown_tag: bool,
              field: str) -> tuple[int | None, str | None]:
    ident = (identifier or "").strip()
    if ident:
        try:
            row = cards_domain.get_card(conn, user_id, ident, field=field)
            return int(row["id"]), row["tag_id"]
        except NotFound:
            if allow_unknown_tag:
                return None, ident.upper()
    for row in card_store.cards_of_user(conn, user_id):
        if charging.card_problem(row, datetime.now(UTC)) is None:
            return int(row["id"]), row["tag_id"]
    raise BadInput(field, "you have no active card to start charging with")


async def card_for(core: Core, user_id: int, identifier: str | None, *,
                   allow_unknown_tag: bool, field: str) -> tuple[int | None, str | None]:
    """(card id, tag) to start with: the named card if it is one of the user's; an unknown
    tag as it is when ``allow_unknown_tag`` (the attempt then fails visibly: card unknown);
    else the user's first card that can charge."""
    return await core.db(_card_for, user_id, identifier, allow_unknown_tag, field)


# ------------------------------------------------------------------ start


async def start(core: Core, request: StartRequest, *, wait_s: float) -> StartPlan:
    """Record the attempt, send the start to the charger, wait up to ``wait_s`` for its
    answer. Raises ``ChargingError`` for requests the domain refuses."""
    gw = gateway(core)
    plan = await core.db(charging.request_remote_start, request, timeout_s=gw.start_timeout_s)
    if plan.failure is None:
        await gw.send_remote_start(plan, wait_s)
    return plan


async def attempt(core: Core, attempt_uuid: str) -> dict[str, Any]:
    found = await core.db(charging.get_attempt, attempt_uuid)
    if found is None:
        raise NotFound(f"id: no remote start attempt '{attempt_uuid}'", field="id")
    return found


async def attempt_of_user(core: Core, user_id: int, attempt_uuid: str) -> dict[str, Any]:
    found = await core.db(charging.get_attempt, attempt_uuid)
    if found is None or found["user_id"] != user_id:
        raise NotFound(f"id: no remote start attempt '{attempt_uuid}'", field="id")
    return found


async def settled_attempt(core: Core, plan: StartPlan, wait_s: float) -> dict[str, Any]:
    """The start attempt once it started or failed, or as it stands after ``wait_s``."""
    a = await attempt(core, plan.attempt_uuid)
    if plan.session_id is None or a["status"] not in charging.OPEN_ATTEMPT_STATUSES:
        return a
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    sub = core.bus.subscribe([session_topic(plan.session_id)])
    try:
        while True:
            a = await attempt(core, plan.attempt_uuid)
            remaining = deadline - loop.time()
            if a["status"] not in charging.OPEN_ATTEMPT_STATUSES or remaining <= 0:
                return a
            # Session events wake us at once; the timeout re-reads changes published
            # elsewhere (an attempt failed by its deadline).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(sub.get(), min(remaining, 1.0))
    finally:
        sub.close()


# ------------------------------------------------------------------ stop


@dataclass(frozen=True)
class StopResult:
    outcome: str  # 'stop' (sent), 'already' (stopping or ended before), 'cancelled'
    state: str  # the session's state after the request
    online: bool  # whether the charger is connected


async def stop(core: Core, user_id: int, ref: str, field: str) -> StopResult:
    """Stop the user's session named by uuid or transaction id. Stopping twice is harmless;
    a session that had not started yet is cancelled."""
    gw = gateway(core)
    s = await core.db(charging.find_session, ref)
    if s is None or s["user_id"] != user_id:
        raise NotFound(f"{field}: no charging session '{ref}'", field=field)
    outcome, before = await core.db(charging.request_stop, int(s["id"]))
    if outcome == "stop" or (outcome == "already" and before["state"] == "stopping"):
        # A repeated stop re-sends: the first may have been lost in a disconnect.
        gw.send_remote_stop(int(s["id"]))
    fresh = await core.db(charging.find_session, s["uuid"])
    online = await core.db(connector_store.station_connected, fresh["station_id"])
    return StopResult(outcome=outcome, state=fresh["state"], online=online)


# ------------------------------------------------------------------ live figures


async def flush(core: Core) -> None:
    """Meter values the gateway still buffers are written, so live figures are current."""
    if core.gateway is not None:
        await core.gateway.flush_meter_values()


async def live_meter(core: Core, user_id: int, session_uuid: str) -> dict[str, Any]:
    await flush(core)
    return await core.db(history.meter_summary, user_id, session_uuid)


# ------------------------------------------------------------------ unlock


@dataclass(frozen=True)
class UnlockResult:
    """``outcome``: the charger's UnlockConnector answer (``Unlocked``, ``UnlockFailed``,
    ``NotSupported``) or ``ChargerOffline`` / ``NoAnswer``. ``session_uuid`` names the
    session that ran on the connector: an unlock ends it (the charger sends its
    StopTransaction, so it is billed for the energy it drew); ``session_state`` is its state
    right after the answer."""

    outcome: str
    session_uuid: str | None = None
    session_state: str | None = None

    @property
    def unlocked(self) -> bool:
        return self.outcome == UNLOCKED


UNLOCKED, UNLOCK_FAILED, NOT_SUPPORTED = "Unlocked", "UnlockFailed", "NotSupported"
CHARGER_OFFLINE, NO_ANSWER = "ChargerOffline", "NoAnswer"


async def unlock(core: Core, station_uuid: str, connector_no: int) -> UnlockResult:
    """Release the cable on a connector (OCPP UnlockConnector). A session running there is
    ended by the charger; it moves to ``stopping`` here until its StopTransaction arrives."""
    gw = gateway(core)
    session = await core.db(charging.session_on_connector, station_uuid, connector_no)
    if not gw.is_connected(station_uuid):
        return UnlockResult(CHARGER_OFFLINE, session.get("uuid"), session.get("state"))
    answer = await gw.unlock(station_uuid, connector_no)
    if answer is None:
        outcome = NO_ANSWER if gw.is_connected(station_uuid) else CHARGER_OFFLINE
        return UnlockResult(outcome, session.get("uuid"), session.get("state"))
    if answer == UNLOCKED and session:
        await core.db(charging.request_stop, int(session["id"]))
        session = await core.db(charging.find_session, session["uuid"]) or session
    return UnlockResult(answer, session.get("uuid"), session.get("state"))
