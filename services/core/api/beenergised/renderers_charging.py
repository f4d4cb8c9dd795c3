"""Charging outcomes as be.ENERGISED wire objects: AttemptRemoteStartResponse,
RemoteStartResponse and what remoteStop answers (readings of the document: see
``resolvers_charging``)."""

from __future__ import annotations

from typing import Any

from services.core.domain import charging
from services.core.domain.charging import Failure
from services.core.domain.sessions import SessionState
from services.core.services.charging import StopResult

_FAILURE_CODES = {
    Failure.CONNECTOR_OCCUPIED: 409,
    Failure.CONNECTOR_RESERVED: 409,
    Failure.CONNECTOR_OUT_OF_ORDER: 503,
    Failure.CHARGER_OFFLINE: 503,
    Failure.REJECTED: 422,
    Failure.NO_ANSWER: 504,
    Failure.NO_VEHICLE: 408,
    Failure.EXPIRED_BEFORE_START: 408,
    Failure.CARD_BLOCKED: 403,
    Failure.CARD_UNKNOWN: 403,
    Failure.CARD_EXPIRED: 403,
    Failure.CANCELLED: 410,
}
_STATUS_MESSAGES = {
    charging.PENDING: "Start request received.",
    charging.SENT: "Start request sent to the charger; waiting for its answer.",
    charging.ACCEPTED: "The charger accepted: plug in your vehicle to start charging.",
    charging.STARTED: "Charging started.",
}


def attempt(a: dict[str, Any]) -> dict[str, Any]:
    """A remote start attempt as ``AttemptRemoteStartResponse``."""
    started = a["status"] == charging.STARTED or a.get("session_state") in (
        SessionState.CHARGING,
        SessionState.STOPPING,
        SessionState.FINISHED,
    )
    return {
        "id": a["uuid"],
        "status": a["status"],
        "isFailure": bool(a["is_failure"]),
        "failureReason": a["failure_reason"],
        "connectorId": str(a["connector_id"]),
        "lastSentAt": a["last_sent_at"],
        # The chargelog exists for the driver once charging began.
        "chargeLogId": a["session_uuid"] if started else None,
    }


def remote_start(a: dict[str, Any]) -> dict[str, Any]:
    """A remote start attempt as ``RemoteStartResponse``."""
    if a["is_failure"]:
        code = _FAILURE_CODES.get(a["failure_reason"], 422)
        message = a["failure_reason"]
    else:
        code = 202 if a["status"] in (charging.PENDING, charging.SENT) else 200
        message = _STATUS_MESSAGES.get(a["status"], a["status"])
    has_session = a["session_id"] is not None and not a["is_failure"]
    return {
        "id": a["uuid"],
        "status": a["status"],
        "message": message,
        "session": a["session_uuid"] if has_session else None,
        "transaction": str(a["session_id"]) if has_session else None,
        "code": code,
    }


def stop_response(result: StopResult) -> dict[str, Any]:
    """What ``remoteStop`` answers for the outcome of a stop."""
    outcome, state, online = result.outcome, result.state, result.online
    if outcome == "cancelled":
        return {
            "status": "CANCELLED",
            "code": 200,
            "title": "Start cancelled",
            "message": "The session had not started yet; the start was cancelled.",
        }
    if state == SessionState.STOPPING:
        if not online:
            return {
                "status": "STOPPING",
                "code": 202,
                "title": "Charger offline",
                "message": "The charger is offline; the session stops as soon as it reconnects.",
            }
        title = "Stopping" if outcome == "stop" else "Already stopping"
        return {
            "status": "STOPPING",
            "code": 200,
            "title": title,
            "message": "The charger was asked to stop charging.",
        }
    if state == SessionState.FINISHED:
        return {
            "status": "STOPPED",
            "code": 200,
            "title": "Already stopped",
            "message": "This session has already ended.",
        }
    return {
        "status": state.upper(),
        "code": 200,
        "title": "Nothing to stop",
        "message": "This session is not running.",
    }
