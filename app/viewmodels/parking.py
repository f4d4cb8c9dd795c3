"""When to warn a driver that parking fees are about to start.

A tariff with ``parking_per_minute`` bills the minutes from when energy stopped flowing
until the session ends (the car is unplugged), beyond ``parking_grace_minutes``. So once
the car stops drawing power while still plugged in, the driver has the grace period to move
it: the app warns ``WARN_BEFORE_S`` before it runs out (at once when it is shorter).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from services.models import Tariff

WARN_BEFORE_S = 5 * 60.0


def fees_start(tariff: Tariff | None, flow_stopped_at: datetime) -> datetime | None:
    """When parking starts to cost, or None when this tariff charges nothing for it."""
    if tariff is None or tariff.free_of_charge or tariff.parking_per_minute <= 0:
        return None
    return flow_stopped_at + timedelta(minutes=tariff.parking_grace_minutes)


def warn_at(tariff: Tariff | None, flow_stopped_at: datetime) -> datetime | None:
    """When to tell the driver: ``WARN_BEFORE_S`` before the fees start, never before the
    energy stopped."""
    start = fees_start(tariff, flow_stopped_at)
    if start is None:
        return None
    return max(flow_stopped_at, start - timedelta(seconds=WARN_BEFORE_S))
