"""Limits a driver sets when starting (energy, duration, state of charge, amount), which the
core enforces: when a running session reaches one, the core stops it through the ordinary
stop path (RemoteStopTransaction) and records which limit it was (``sessions.limit_reached``).

The limits are stored with the session as JSON (``sessions.limits``, migration 14). Checks run
on every batch of meter values the central system stores and once a second in its sweeper,
so a session stops at its limit, or just past it by what flowed until the charger obeyed.
The state of charge is the charger's newest SoC reading: a charger that reports none never
reaches ``max_soc_percent``; the amount is what the session's tariff charges so far (gross).
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.core.domain import tariffs
from services.core.domain.errors import BadInput
from services.core.store.db import from_iso, transaction

# Values of ``sessions.limit_reached``: the StopConditions field that ended the session.
MAX_ENERGY, MAX_DURATION, MAX_SOC, MAX_AMOUNT = (
    "max_energy_kwh", "max_duration_minutes", "max_soc_percent", "max_amount",
)

# (lowest allowed, highest allowed, whole numbers only)
_BOUNDS: dict[str, tuple[float, float, bool]] = {
    MAX_ENERGY: (0.001, 1000.0, False),
    MAX_DURATION: (1, 2880, True),
    MAX_SOC: (1, 100, False),
    MAX_AMOUNT: (0.01, 10_000.0, False),
}


@dataclass(frozen=True)
class StopConditions:
    """Stop the session when any of these is reached. ``max_amount`` is gross, in the
    currency of the connector's tariff; ``max_duration_minutes`` counts from the start of
    the transaction."""

    max_energy_kwh: float | None = None
    max_duration_minutes: int | None = None
    max_soc_percent: float | None = None
    max_amount: float | None = None

    def __post_init__(self) -> None:
        for name, (low, high, whole) in _BOUNDS.items():
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise BadInput(name, "must be a number")
            if whole and not float(value).is_integer():
                raise BadInput(name, "must be a whole number")
            if not math.isfinite(value) or value <= 0:
                raise BadInput(name, "must be a positive number")
            if not low <= value <= high:
                raise BadInput(name, f"must be between {low:g} and {high:g}")

    @property
    def empty(self) -> bool:
        return all(v is None for v in asdict(self).values())

    def to_json(self) -> str | None:
        given = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(given) if given else None

    @classmethod
    def from_json(cls, raw: str | None) -> StopConditions | None:
        if not raw:
            return None
        return cls(**{k: v for k, v in json.loads(raw).items() if k in _BOUNDS})


def _reached(s: sqlite3.Row, limits: StopConditions, now: datetime,
             minute_seconds: float) -> str | None:
    start = from_iso(s["date_start"])
    energy_kwh = max(0.0, ((s["wh"] or s["meter_start"] or 0) - (s["meter_start"] or 0)) / 1000)
    if limits.max_energy_kwh is not None and energy_kwh >= limits.max_energy_kwh:
        return MAX_ENERGY
    if limits.max_soc_percent is not None and s["soc"] is not None \
            and s["soc"] >= limits.max_soc_percent:
        return MAX_SOC
    if limits.max_duration_minutes is not None and \
            start + timedelta(seconds=limits.max_duration_minutes * minute_seconds) <= now:
        return MAX_DURATION
    if limits.max_amount is not None and s["tariff_snapshot"]:
        cost = tariffs.session_cost(
            s["tariff_snapshot"], energy_kwh=energy_kwh, start=start, end=max(now, start),
            free_of_charge=bool(s["free_of_charge"]),
        )
        if cost.total >= limits.max_amount:
            return MAX_AMOUNT
    return None


def due(conn: sqlite3.Connection, now: datetime | None = None, minute_seconds: float = 60.0,
        session_ids: set[int] | None = None) -> list[tuple[int, str]]:
    """Charging sessions (of ``session_ids``, or all) that reached one of their limits:
    (session id, limit name). ``minute_seconds`` is how long a minute of
    ``max_duration_minutes`` lasts (shorter in demos and tests)."""
    now = now or datetime.now(UTC)
    where = ""
    args: list[Any] = []
    if session_ids is not None:
        if not session_ids:
            return []
        where = f" AND s.id IN ({','.join('?' * len(session_ids))})"
        args = list(session_ids)
    rows = conn.execute(
        "SELECT s.id, s.limits, s.date_start, s.meter_start, s.tariff_snapshot,"
        " c.free_of_charge,"
        # the newest reading (a register only grows; the index walks back from the end)
        " (SELECT energy_wh FROM meter_values m WHERE m.session_id = s.id"
        "  AND energy_wh IS NOT NULL ORDER BY ts DESC LIMIT 1) AS wh,"
        " (SELECT soc FROM meter_values m WHERE m.session_id = s.id AND soc IS NOT NULL"
        "  ORDER BY ts DESC LIMIT 1) AS soc"
        " FROM sessions s JOIN connectors c ON c.id = s.connector_id"
        # the state term matches the partial index sessions_limited
        " WHERE s.limits IS NOT NULL AND s.state = 'charging' AND s.limit_reached IS NULL"
        " AND s.date_start IS NOT NULL" + where,
        args,
    ).fetchall()
    out = []
    for s in rows:
        limits = StopConditions.from_json(s["limits"])
        hit = _reached(s, limits, now, minute_seconds) if limits else None
        if hit is not None:
            out.append((int(s["id"]), hit))
    return out


def record_reached(conn: sqlite3.Connection, session_id: int, limit: str) -> bool:
    """Note which limit stops the session (once). False when another one was noted first."""
    with transaction(conn):
        cur = conn.execute(
            "UPDATE sessions SET limit_reached = ? WHERE id = ? AND limit_reached IS NULL",
            (limit, session_id),
        )
        return bool(cur.rowcount)


def of_session(conn: sqlite3.Connection, session_id: int) -> tuple[StopConditions | None,
                                                                    str | None]:
    """The limits a session was started with and the one that stopped it (if any)."""
    row = conn.execute(
        "SELECT limits, limit_reached FROM sessions WHERE id = ?", (session_id,)
    ).fetchone()
    if row is None:
        return None, None
    return StopConditions.from_json(row["limits"]), row["limit_reached"]
