"""Is a meter reading physically possible? Pure functions over readings of one session.

A connector cannot deliver more than its maximum power over the time that passed, an
energy register only counts up, and its value is a finite, non-negative number of Wh.
A reading that breaks one of these is a faulty meter or a lying charger: it must not be
stored, billed or shown (one such value used to block every other charger's writes).

``time_factor`` is for simulated chargers whose energy runs faster than their clock (the
demo's simulated time); real chargers are held to 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

# Metering class tolerances, phase imbalance, sampling jitter, clock granularity.
POWER_TOLERANCE = 1.25
SLACK_WH = 100
MAX_REGISTER_WH = 10**12  # 1 TWh: beyond any real meter register (and SQLite's int64)
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Reading:
    ts: datetime
    wh: float


def register_problem(wh: float) -> str | None:
    if not math.isfinite(wh):
        return "energy: not a finite number"
    if wh < 0:
        return f"energy: negative register {wh:.0f} Wh"
    if wh > MAX_REGISTER_WH:
        return f"energy: register {wh:.3g} Wh beyond any meter"
    return None


def max_energy_wh(max_kw: float, seconds: float, time_factor: float = 1.0) -> float:
    """The most energy a connector can deliver in ``seconds``, with tolerance."""
    return max_kw * 1000.0 * max(0.0, seconds) / 3600.0 * POWER_TOLERANCE * time_factor + SLACK_WH


def energy_problem(
    last: Reading,
    new: Reading,
    max_kw: float,
    now: datetime,
    time_factor: float = 1.0,
) -> str | None:
    """Why ``new`` cannot follow ``last`` (the newest plausible reading, or the
    transaction's start), or None when it can."""
    problem = register_problem(new.wh)
    if problem:
        return problem
    if new.ts > now + CLOCK_SKEW:
        return f"timestamp {new.ts.isoformat()} is in the future"
    if new.ts < last.ts:
        # An older sample arriving late: it must lie between the start and what we have.
        if new.wh > last.wh:
            return f"energy: {new.wh:.0f} Wh at {new.ts.isoformat()} exceeds a later reading"
        return None
    if new.wh < last.wh:
        return f"energy: register ran backwards ({new.wh:.0f} < {last.wh:.0f} Wh)"
    seconds = (new.ts - last.ts).total_seconds()
    allowed = max_energy_wh(max_kw, seconds, time_factor)
    if new.wh - last.wh > allowed:
        return (
            f"energy: +{new.wh - last.wh:.0f} Wh in {seconds:.0f} s exceeds what"
            f" {max_kw:g} kW can deliver ({allowed:.0f} Wh)"
        )
    return None


def power_ok(power_w: float, max_kw: float, time_factor: float = 1.0) -> bool:
    return math.isfinite(power_w) and 0 <= power_w <= max_kw * 1000 * POWER_TOLERANCE * time_factor


def soc_ok(soc: float) -> bool:
    return math.isfinite(soc) and 0 <= soc <= 100
