"""The charging session's states and the moves between them.

    requested -> accepted -> charging -> stopping -> finished
        \\            \\           \\___________________/
         \\____________\\______________________________> failed

Besides the main line: a start at the charger itself (RFID) creates a session directly in
``charging``; a driver's remote start that we gave up on (``failed``: no answer, no vehicle
in time) becomes ``charging`` when the charger starts it after all; a ``finished`` session
the core closed itself (its StopTransaction was lost) is finished again, re-billed, when
the charger's own StopTransaction turns up.
"""

from __future__ import annotations

from enum import StrEnum


class SessionState(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    CHARGING = "charging"
    STOPPING = "stopping"
    FINISHED = "finished"
    FAILED = "failed"


S = SessionState

INITIAL = frozenset({S.REQUESTED, S.CHARGING})
ACTIVE = (S.REQUESTED, S.ACCEPTED, S.CHARGING, S.STOPPING)

TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    S.REQUESTED: frozenset({S.ACCEPTED, S.CHARGING, S.FAILED}),
    S.ACCEPTED: frozenset({S.CHARGING, S.FAILED}),
    S.CHARGING: frozenset({S.STOPPING, S.FINISHED}),
    S.STOPPING: frozenset({S.FINISHED}),
    S.FINISHED: frozenset({S.FINISHED}),
    S.FAILED: frozenset({S.CHARGING}),
}


class InvalidTransition(Exception):
    def __init__(self, old: str, new: str) -> None:
        super().__init__(f"a {old} session cannot become {new}")
        self.old, self.new = old, new


def check(old: str, new: SessionState) -> SessionState:
    """``new`` if a session in state ``old`` may move there; InvalidTransition otherwise."""
    if new not in TRANSITIONS[SessionState(old)]:
        raise InvalidTransition(old, new)
    return new


def sources(new: SessionState) -> tuple[SessionState, ...]:
    """The states a session may leave for ``new``."""
    return tuple(s for s in SessionState if new in TRANSITIONS[s])


def sql_list(states: tuple[SessionState, ...] | frozenset[SessionState]) -> str:
    """``('a', 'b')`` for an SQL ``IN`` (the values are this module's own constants)."""
    return "(" + ", ".join(f"'{s.value}'" for s in sorted(states)) + ")"
